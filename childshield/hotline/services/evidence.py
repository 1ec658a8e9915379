"""Evidence kept with an item: hashed in memory, encrypted before it is stored, re-encrypted on rotation."""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.core import crypto
from childshield.core.errors import ApplicationError
from childshield.hashing.imaging import ImageRejected, pdq_from_bytes
from childshield.hotline.custody import custody_record
from childshield.hotline.evidence_files import evidence_file_name, evidence_kind
from childshield.hotline.models import Classification, ContentItem, Evidence
from childshield.hotline.permissions import HotlinePerm, require_for_item
from childshield.hotline.services.hashes import hashes_bank


@transaction.atomic
def evidence_add(*, acting: Membership, item: ContentItem, upload: UploadedFile) -> Evidence:
    """Keep a capture with the item, hashed in memory and encrypted before it is stored."""
    require_for_item(acting, item, HotlinePerm.EVIDENCE_ADD)
    limit = settings.HOTLINE_EVIDENCE_MAX_BYTES
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ApplicationError(
            _("The file is too large: at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)}, code="too_large"
        )
    content_type = evidence_kind(content)
    if content_type is None:
        raise ApplicationError(
            _("Only JPEG, PNG, GIF and WebP images and MP4 videos can be kept."), code="wrong_type"
        )
    pdq, quality = "", None
    if content_type.startswith("image/"):
        try:
            hashed = pdq_from_bytes(content)
        except ImageRejected as rejected:
            if rejected.code == "busy":
                # The server is hashing other images: nothing is kept, and the analyst sends it again
                # (kept without its PDQ hash, it would never match its altered copies).
                raise ApplicationError(rejected.message, code="busy") from None
            # Not an image PDQ can read: kept with its exact hashes only.
        else:
            pdq, quality = hashed.value, hashed.quality
    storage_name = evidence_file_name()
    default_storage.save(storage_name, ContentFile(crypto.field_cipher().encrypt(content)))
    try:
        evidence = Evidence.objects.create(
            item=item,
            content_type=content_type,
            size=len(content),
            storage_name=storage_name,
            md5=hashlib.md5(content, usedforsecurity=False).hexdigest(),
            sha256=hashlib.sha256(content).hexdigest(),
            pdq=pdq,
            pdq_quality=quality,
            uploaded_by=acting,
        )
    except Exception:
        default_storage.delete(storage_name)
        raise
    custody_record(acting, AuditAction.CREATE, item, f"evidence {evidence.pk} added ({content_type})")
    if item.classification == Classification.ABUSE_MATERIAL and item.confirmed_at is not None:
        hashes_bank(acting=acting, item=item)
    return evidence


def evidence_rotate(dry_run: bool) -> int:
    """Re-encrypt every evidence file with the primary key (`manage.py rotate_keys` calls this)."""
    count = 0
    for evidence in Evidence.objects.only("pk", "storage_name").order_by("pk").iterator():
        with default_storage.open(evidence.storage_name, "rb") as stored:
            rotated = crypto.field_cipher().rotate(stored.read())
        count += 1
        if dry_run:
            continue
        old_name = evidence.storage_name
        new_name = default_storage.save(evidence_file_name(), ContentFile(rotated))
        Evidence.objects.filter(pk=evidence.pk).update(storage_name=new_name)
        default_storage.delete(old_name)
    return count
