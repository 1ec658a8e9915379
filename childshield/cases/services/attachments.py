"""Documents attached to a case: checked, encrypted before they are stored, read back, re-encrypted
when the key rotates."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.cases.models import Attachment, Case
from childshield.cases.permissions import require_edit
from childshield.cases.services.case_writes import audit_record, case_check_open
from childshield.core import crypto
from childshield.core.errors import ApplicationError

# Recognised by their first bytes, never by the name or the browser's word for the type.
ATTACHMENT_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


@transaction.atomic
def attachment_add(
    *, acting: Membership, case: Case, upload: UploadedFile, description: str = ""
) -> Attachment:
    """Keep a PDF or a photo of a document with the case, encrypted before it is stored."""
    require_edit(acting, case)
    case_check_open(case=case)
    limit = settings.CASES_ATTACHMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ApplicationError(
            _("The file is too large: at most %(mb)d MB. Scan at a lower resolution or split it.")
            % {"mb": limit // (1024 * 1024)},
            code="too_large",
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ApplicationError(
            _("The file is too large: at most %(mb)d MB. Scan at a lower resolution or split it.")
            % {"mb": limit // (1024 * 1024)},
            code="too_large",
        )
    content_type = next((kind for magic, kind in ATTACHMENT_SIGNATURES if content.startswith(magic)), None)
    if content_type is None:
        raise ApplicationError(
            _("Only PDF, JPEG and PNG files can be attached. Save the document as a PDF and try again."),
            code="wrong_type",
        )
    storage_name = f"cases/attachments/{secrets.token_hex(16)}.bin"
    default_storage.save(storage_name, ContentFile(crypto.field_cipher().encrypt(content)))
    try:
        attachment = Attachment.objects.create(
            case=case,
            file_name=(upload.name or "file")[:200],
            description=description.strip(),
            content_type=content_type,
            size=len(content),
            storage_name=storage_name,
            uploaded_by=acting,
        )
    except Exception:
        # Nothing points at the file any more: remove it rather than keep an orphan.
        default_storage.delete(storage_name)
        raise
    audit_record(
        acting=acting, action=AuditAction.CREATE, obj=attachment, reason=f"attachment added to case {case.pk}"
    )
    return attachment


def attachment_content(*, attachment: Attachment) -> bytes:
    with default_storage.open(attachment.storage_name, "rb") as stored:
        return crypto.field_cipher().decrypt(stored.read())


def attachments_rotate(dry_run: bool) -> int:
    """Re-encrypt every stored attachment with the primary key (`manage.py rotate_keys` calls this).

    Each file is written under a new name and the row repointed before the old file goes, so a
    crash half-way leaves every attachment readable.
    """
    count = 0
    for attachment in Attachment.objects.only("pk", "storage_name").order_by("pk").iterator():
        with default_storage.open(attachment.storage_name, "rb") as stored:
            rotated = crypto.field_cipher().rotate(stored.read())
        count += 1
        if dry_run:
            continue
        old_name = attachment.storage_name
        new_name = default_storage.save(
            f"cases/attachments/{secrets.token_hex(16)}.bin", ContentFile(rotated)
        )
        Attachment.objects.filter(pk=attachment.pk).update(storage_name=new_name)
        default_storage.delete(old_name)
    return count
