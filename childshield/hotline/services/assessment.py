"""Assessing an item: one analyst classifies it, a second confirms, and a confirmed item is followed up."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hotline import tasks
from childshield.hotline.custody import custody_record
from childshield.hotline.models import Classification, ContentAssessment, ContentItem, ItemStatus
from childshield.hotline.permissions import HotlinePerm, require_for_item
from childshield.hotline.services.hashes import hashes_bank
from childshield.outbox.kicks import kick_on_commit


@dataclass(frozen=True)
class AssessmentInput:
    classification: str
    illegal_national: bool | None = None
    interpol_baseline: bool | None = None
    category: str = ""
    content_type: str = ""
    apparent_age: str = ""
    commercial: bool | None = None
    notes: str = ""


def _check_assessment(data: AssessmentInput) -> AssessmentInput:
    if data.classification not in Classification.values:
        raise ApplicationError(_("Choose a classification."), code="invalid")
    if data.classification == Classification.ABUSE_MATERIAL:
        missing = [
            label
            for label, value in (
                (_("illegal under national law"), data.illegal_national),
                (_("INTERPOL baseline"), data.interpol_baseline),
                (_("severity category"), data.category or None),
                (_("content type"), data.content_type or None),
                (_("apparent age"), data.apparent_age or None),
                (_("commercial"), data.commercial),
            )
            if value is None
        ]
        if missing:
            raise ApplicationError(
                _("For abuse material, also say: %(fields)s.") % {"fields": ", ".join(missing)},
                code="incomplete",
            )
        return data
    # Only abuse material is classified further; nothing else is kept for the other two.
    return AssessmentInput(
        classification=data.classification, content_type=data.content_type, notes=data.notes
    )


@transaction.atomic
def assessment_record(
    *, acting: Membership, item: ContentItem, data: AssessmentInput, now: datetime | None = None
) -> ContentAssessment:
    require_for_item(acting, item, HotlinePerm.ITEM_ASSESS)
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in (ItemStatus.NEW, ItemStatus.ASSESSED):
        raise ApplicationError(
            _("This item's assessment is already confirmed; it is being followed up."), code="confirmed"
        )
    data = _check_assessment(data)
    now = now or timezone.now()
    assessment = ContentAssessment.objects.create(
        item=item,
        assessor=acting,
        classification=data.classification,
        illegal_national=data.illegal_national,
        interpol_baseline=data.interpol_baseline,
        category=data.category,
        content_type=data.content_type,
        apparent_age=data.apparent_age,
        commercial=data.commercial,
        notes=data.notes.strip(),
        assessed_at=now,
    )
    custody_record(
        acting, AuditAction.CREATE, item, f"assessed as {data.classification} {data.category}".strip()
    )
    if settings.HOTLINE_REQUIRE_SECOND_ASSESSOR:
        item.status = ItemStatus.ASSESSED
        item.save(update_fields=["status", "updated_at"])
    else:
        _confirm(acting, item, assessment, now)
    return assessment


@transaction.atomic
def assessment_confirm(
    *, acting: Membership, assessment: ContentAssessment, now: datetime | None = None
) -> ContentAssessment:
    """A second analyst agrees with the assessment; the item then goes to notice (or is closed)."""
    item = ContentItem.objects.select_for_update().get(pk=assessment.item_id)
    require_for_item(acting, item, HotlinePerm.ITEM_CONFIRM)
    assessment = ContentAssessment.objects.select_related("assessor").get(pk=assessment.pk)
    if assessment.is_confirmed or item.status != ItemStatus.ASSESSED:
        raise ApplicationError(_("This assessment is already confirmed."), code="confirmed")
    latest = item.assessments.order_by("-assessed_at", "-pk").first()
    if latest is None or latest.pk != assessment.pk:
        raise ApplicationError(
            _("A newer assessment of this item exists: confirm that one instead."), code="stale"
        )
    if assessment.assessor.user_id == acting.user_id:
        raise ApplicationError(
            _("Another analyst must confirm: you made this assessment yourself."), code="same_person"
        )
    _confirm(acting, item, assessment, now or timezone.now())
    return assessment


def _confirm(acting: Membership, item: ContentItem, assessment: ContentAssessment, now: datetime) -> None:
    assessment.confirmed_by = acting
    assessment.confirmed_at = now
    assessment.save(update_fields=["confirmed_by", "confirmed_at"])
    item.classification = assessment.classification
    item.category = assessment.category
    item.confirmed_at = now
    if assessment.classification == Classification.OUT_OF_SCOPE:
        item.status = ItemStatus.OUT_OF_SCOPE
        item.closed_at = now
    else:
        item.status = ItemStatus.CONFIRMED
    item.save(
        update_fields=["classification", "category", "confirmed_at", "status", "closed_at", "updated_at"]
    )
    custody_record(acting, AuditAction.UPDATE, item, f"assessment {assessment.pk} confirmed: {item.status}")
    if assessment.classification == Classification.ABUSE_MATERIAL:
        hashes_bank(acting=acting, item=item, now=now)
    if item.status == ItemStatus.CONFIRMED:
        # A kick, not an outbox item: the minute job sends the first notice of a confirmed item
        # that has none (notices_first_send_due), so a kick lost with the broker only delays it.
        kick_on_commit(tasks.item_confirmed, item.pk)
