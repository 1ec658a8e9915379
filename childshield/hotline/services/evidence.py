"""Evidence kept with an item: hashed in memory, encrypted before it is stored, re-encrypted on rotation."""

from dataclasses import asdict

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hotline.custody import custody_record
from childshield.hotline.evidence_files import evidence_kind, file_keep, files_rotate
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
    kept = file_keep(content, content_type)
    try:
        evidence = Evidence.objects.create(item=item, **asdict(kept), uploaded_by=acting)
    except Exception:
        default_storage.delete(kept.storage_name)
        raise
    custody_record(acting, AuditAction.CREATE, item, f"evidence {evidence.pk} added ({content_type})")
    if item.classification == Classification.ABUSE_MATERIAL and item.confirmed_at is not None:
        hashes_bank(acting=acting, item=item)
    return evidence


def evidence_rotate(dry_run: bool) -> int:
    """Re-encrypt every evidence file with the primary key (`manage.py rotate_keys` calls this)."""
    return files_rotate(Evidence, dry_run=dry_run)
