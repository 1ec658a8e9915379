"""Pictures a child sent the helpline in a chat, passed on by a counsellor: kept as evidence is (hashed in
memory, encrypted before it is stored, re-encrypted on rotation), assessed by an analyst, and hashed
into the hotline's bank when they are abuse material."""

from dataclasses import asdict

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hotline import selectors
from childshield.hotline.evidence_files import evidence_kind, file_keep, files_rotate
from childshield.hotline.models import Classification, ReceivedImage
from childshield.hotline.permissions import HotlinePerm
from childshield.hotline.services.hashes import received_image_hashes_bank
from childshield.intake.models import Report


@transaction.atomic
def received_image_add(*, passed_by: Membership, report: Report, content: bytes) -> ReceivedImage:
    """Keep a picture a counsellor passes from a chat, for the hotline of the report's country.

    The counsellor holds no hotline permission: the helpline decides who may pass a picture on (the
    holder of the chat), the hotline only receives it."""
    hotline = selectors.hotline_agency_for(country=report.country)
    if hotline is None:
        raise ApplicationError(_("No hotline receives pictures here."), code="no_hotline")
    if len(content) > settings.HOTLINE_EVIDENCE_MAX_BYTES:
        raise ApplicationError(_("The picture is too large for the hotline to keep."), code="too_large")
    content_type = evidence_kind(content)
    if content_type is None or not content_type.startswith("image/"):
        raise ApplicationError(
            _("Only JPEG, PNG, GIF and WebP pictures can be passed on."), code="wrong_type"
        )
    kept = file_keep(content, content_type)
    try:
        image = ReceivedImage.objects.create(
            agency=hotline, report=report, **asdict(kept), passed_by=passed_by
        )
    except Exception:
        default_storage.delete(kept.storage_name)
        raise
    audit.record(
        action=AuditAction.CREATE,
        actor=passed_by.user,
        agency=passed_by.agency,
        obj=image,
        reason=f"picture from chat {report.display_reference} passed to the hotline",
    )
    return image


@transaction.atomic
def received_image_assess(*, acting: Membership, image: ReceivedImage, classification: str) -> ReceivedImage:
    """An analyst's assessment; abuse material is hashed into the hotline's bank at once (a picture a
    child sent has no address to take down: the hashes are what stops it spreading)."""
    require(acting, HotlinePerm.ITEM_ASSESS)
    if image.agency_id != acting.agency_id:
        raise ApplicationError(_("This picture was passed to another hotline."), code="forbidden")
    if classification not in Classification.values:
        raise ApplicationError(_("Choose what the picture is."), code="invalid")
    image.classification = classification
    image.assessed_by = acting
    image.assessed_at = timezone.now()
    image.save(update_fields=["classification", "assessed_by", "assessed_at"])
    audit.record(
        action=AuditAction.UPDATE,
        actor=acting.user,
        agency=acting.agency,
        obj=image,
        reason=f"picture from a chat assessed: {classification}",
    )
    if classification == Classification.ABUSE_MATERIAL:
        received_image_hashes_bank(acting=acting, image=image)
    return image


def received_images_rotate(dry_run: bool) -> int:
    """Re-encrypt every picture passed from a chat with the primary key (`manage.py rotate_keys`)."""
    return files_rotate(ReceivedImage, dry_run=dry_run)
