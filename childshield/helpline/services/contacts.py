"""Logging contacts: a counselling contact with its profile and categories, a one-click contact, and
the draft of the contact form kept while it is typed."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core import soft_cache
from childshield.core.choices import ChiAgeBand, ChiGender
from childshield.core.errors import ApplicationError
from childshield.helpline.models import (
    Action,
    CallerType,
    Category,
    Contact,
    ContactChannel,
    ContactDraft,
    ContactKind,
    Disability,
    Ethnicity,
)
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.services.queue import require_same_helpline
from childshield.intake.models import Report
from childshield.intake.references import normalise_reference
from childshield.places.models import Area

NOTES_MAX_LENGTH = 20000
LONGEST_CONTACT_MINUTES = 24 * 60


@dataclass(frozen=True)
class ContactDetails:
    """What a counsellor records about a counselling contact, already checked by the form."""

    channel: str
    caller_type: str = CallerType.UNKNOWN
    age_band: str = ChiAgeBand.UNKNOWN
    gender: str = ChiGender.UNKNOWN
    ethnicity: str = Ethnicity.UNKNOWN
    disability: str = Disability.UNKNOWN
    province: Area | None = None
    categories: list[Category] = field(default_factory=list)
    summary: str = ""
    notes: str = ""
    actions: list[str] = field(default_factory=list)
    outcome: str = ""
    duration_minutes: int | None = None
    started_at: datetime | None = None
    report: Report | None = None
    # caller_key_for(the number or thread typed), never the number itself.
    caller_key: str = ""
    # The form's draft token: autosaves of this form still in flight are ignored once it is logged.
    draft_token: str = ""


def _check_channel(channel: str) -> None:
    if channel not in ContactChannel.values:
        raise ApplicationError(_("Choose how the contact came in."), code="invalid")


@transaction.atomic
def contact_log(*, acting: Membership, details: ContactDetails) -> Contact:
    """Record a counselling contact. It needs at least one category and a summary."""
    require(acting, HelplinePerm.CONTACT_LOG)
    _check_channel(details.channel)
    if not details.categories:
        raise ApplicationError(_("Choose at least one category."), code="categories_missing")
    if not details.summary.strip():
        raise ApplicationError(_("Write a short summary of the contact."), code="summary_missing")
    if len(details.notes) > NOTES_MAX_LENGTH or len(details.summary) > NOTES_MAX_LENGTH:
        raise ApplicationError(_("The summary or notes are too long."), code="too_long")
    unknown_actions = set(details.actions) - set(Action.values)
    if unknown_actions:
        raise ApplicationError(_("Choose actions from the list."), code="invalid")
    if details.duration_minutes is not None and not 0 <= details.duration_minutes <= LONGEST_CONTACT_MINUTES:
        raise ApplicationError(_("The duration must be between 0 and 1440 minutes."), code="invalid")
    if details.report is not None:
        require_same_helpline(acting, details.report)
    contact = Contact.objects.create(
        agency=acting.agency,
        counsellor=acting,
        channel=details.channel,
        kind=ContactKind.COUNSELLING,
        caller_type=details.caller_type,
        age_band=details.age_band,
        gender=details.gender,
        ethnicity=details.ethnicity,
        disability=details.disability,
        province=details.province,
        summary=details.summary.strip(),
        notes=details.notes.strip(),
        actions=list(dict.fromkeys(details.actions)),
        outcome=details.outcome,
        duration_minutes=details.duration_minutes,
        started_at=details.started_at or timezone.now(),
        report=details.report,
        caller_key=details.caller_key,
    )
    contact.categories.set(details.categories)
    audit.record(
        action=AuditAction.CREATE,
        actor=acting.user,
        agency=acting.agency,
        obj=contact,
        reason="contact logged",
    )
    contact_draft_discard(
        acting=acting,
        report_reference=details.report.reference if details.report is not None else "",
        token=details.draft_token,
    )
    return contact


@transaction.atomic
def contact_log_quick(
    *, acting: Membership, channel: str, kind: str, started_at: datetime | None = None
) -> Contact:
    """One click for a silent, hang-up, wrong-number, prank or thank-you contact: counted, not counselling."""
    require(acting, HelplinePerm.CONTACT_LOG)
    _check_channel(channel)
    if kind not in ContactKind.values or kind == ContactKind.COUNSELLING:
        raise ApplicationError(_("Choose the kind of contact."), code="invalid")
    contact = Contact.objects.create(
        agency=acting.agency,
        counsellor=acting,
        channel=channel,
        kind=kind,
        started_at=started_at or timezone.now(),
    )
    audit.record(
        action=AuditAction.CREATE,
        actor=acting.user,
        agency=acting.agency,
        obj=contact,
        reason=f"{kind} contact logged",
    )
    return contact


# The contact form's fields a draft keeps. Not the caller's number: only its keyed hash is ever kept.
DRAFT_FIELDS = (
    "channel",
    "caller_type",
    "age_band",
    "gender",
    "ethnicity",
    "disability",
    "province",
    "duration_minutes",
    "categories",
    "summary",
    "notes",
    "actions",
    "outcome",
)
_DRAFT_VALUES_MAX = 100
DRAFT_TOKEN_SECONDS = 24 * 60 * 60


def _draft_done_key(token: str) -> str:
    return f"helpline:draft-done:{token}"


@transaction.atomic
def contact_draft_save(
    *, acting: Membership, report_reference: str, fields: dict[str, list[str]], token: str = ""
) -> ContactDraft | None:
    """Keep the contact form as typed so far (autosaved every few seconds, and when a save fails).

    An autosave that arrives after its form was logged as a contact (`token` spent) is ignored, so
    no stale draft comes back. Only the first save of a draft is audited: the next ones, seconds
    apart, change the same draft.
    """
    require(acting, HelplinePerm.CONTACT_LOG)
    if token and soft_cache.get(_draft_done_key(token)):
        return None
    kept = {
        name: [value[:NOTES_MAX_LENGTH] for value in fields.get(name, [])[:_DRAFT_VALUES_MAX]]
        for name in DRAFT_FIELDS
        if name in fields
    }
    draft, created = ContactDraft.objects.update_or_create(
        counsellor=acting,
        report_reference=normalise_reference(report_reference)[:16],
        defaults={"typed": kept, "updated_at": timezone.now()},
    )
    if created:
        audit.record(
            action=AuditAction.CREATE,
            actor=acting.user,
            agency=acting.agency,
            obj=draft,
            reason="contact draft saved",
        )
    return draft


@transaction.atomic
def contact_draft_discard(*, acting: Membership, report_reference: str, token: str = "") -> bool:
    """Drop the acting counsellor's draft of this form (the contact is logged, or they start afresh)."""
    require(acting, HelplinePerm.CONTACT_LOG)
    if token:
        soft_cache.set(_draft_done_key(token[:64]), 1, DRAFT_TOKEN_SECONDS)
    drafts = ContactDraft.objects.filter(
        counsellor=acting, report_reference=normalise_reference(report_reference)[:16]
    )
    draft_ids = list(drafts.values_list("pk", flat=True))
    if not draft_ids:
        return False
    drafts.delete()
    audit.record(
        action=AuditAction.DELETE,
        actor=acting.user,
        agency=acting.agency,
        object_type="helpline.ContactDraft",
        object_id=str(draft_ids[0]),
        reason="contact draft discarded",
    )
    return True
