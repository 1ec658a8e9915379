"""Every write of the helpline console: claiming, releasing and handing over queue items, logging contacts."""

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from childshield.accounts.models import Membership
from childshield.accounts.permissions import perm_scope, require
from childshield.accounts.tasks import send_email
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import Case
from childshield.cases.permissions import CasePerm
from childshield.cases.services.opening import ChildInput, case_open
from childshield.core.blind_index import blind_index
from childshield.core.errors import ApplicationError
from childshield.helpline import selectors
from childshield.helpline.models import (
    Action,
    AgeBand,
    CallerFlag,
    CallerNote,
    CallerType,
    Category,
    Contact,
    ContactChannel,
    ContactDraft,
    ContactHotlineItem,
    ContactKind,
    Disability,
    Ethnicity,
    Gender,
    QueueClaim,
    ReplyTemplate,
    ReplyTemplateVersion,
    ReportTriage,
    TriageRule,
    TriageRuleVersion,
    UrgentAlert,
)
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.reply_templates import LANGUAGES
from childshield.helpline.triage import RULE_LANGUAGES, URGENT_SIGNALS, Signal, fold, signals_in
from childshield.hotline.models import ContentItem, SourceKind
from childshield.hotline.selectors import hotline_agency_for
from childshield.hotline.services.items import content_item_report
from childshield.intake import services as intake_services
from childshield.intake.models import Report, ReportMessage, Sender
from childshield.places.models import Area

CATEGORIES_FILE = Path(__file__).resolve().parent / "data" / "contact_categories.json"
NOTES_MAX_LENGTH = 20000
LONGEST_CONTACT_MINUTES = 24 * 60


def _record(acting: Membership, action: AuditAction, obj: Model, reason: str) -> None:
    audit.record(action=action, actor=acting.user, agency=acting.agency, obj=obj, reason=reason)


class AlreadyClaimed(ApplicationError):
    """Someone else claimed the item first; `holder` says who."""

    def __init__(self, holder: Membership | None) -> None:
        name = holder.user.full_name if holder is not None else ""
        message = (
            _("%(name)s took this report a moment ago. It is theirs now.") % {"name": name}
            if name
            else _("Someone else took this report a moment ago.")
        )
        super().__init__(message, code="conflict")
        self.holder = holder


def _same_helpline(acting: Membership, report: Report) -> None:
    if report.country != acting.agency.country:
        raise ApplicationError(_("This report belongs to another country's helpline."), code="forbidden")


@transaction.atomic
def queue_claim(*, acting: Membership, report: Report) -> QueueClaim:
    """The acting counsellor takes a waiting report; if someone else already holds it, they are told who."""
    require(acting, HelplinePerm.QUEUE_CLAIM)
    _same_helpline(acting, report)
    try:
        # A savepoint, so that losing the race leaves the outer transaction usable.
        with transaction.atomic():
            claim = QueueClaim.objects.create(report_id=report.pk, holder=acting)
    except IntegrityError:
        existing = QueueClaim.objects.select_related("holder__user").filter(report=report).first()
        if existing is not None and existing.holder_id == acting.pk:
            return existing
        raise AlreadyClaimed(existing.holder if existing is not None else None) from None
    _record(acting, AuditAction.UPDATE, report, f"claimed report {report.display_reference}")
    return claim


@transaction.atomic
def queue_release(*, acting: Membership, report: Report) -> None:
    """Put a report back in the queue: its holder may, and a supervisor may for anyone."""
    require(acting, HelplinePerm.QUEUE_CLAIM)
    _same_helpline(acting, report)
    claims = QueueClaim.objects.filter(report=report)
    if perm_scope(acting, HelplinePerm.QUEUE_REASSIGN) is None:
        claims = claims.filter(holder=acting)
    if claims.delete()[0] == 0:
        raise ApplicationError(_("You do not hold this report any more."), code="conflict")
    _record(acting, AuditAction.UPDATE, report, f"released report {report.display_reference}")


@transaction.atomic
def queue_hand_over(*, acting: Membership, report: Report, to: Membership) -> QueueClaim:
    """Give a held report to a colleague of the same helpline. Only its holder, or a supervisor, may."""
    require(acting, HelplinePerm.QUEUE_CLAIM)
    _same_helpline(acting, report)
    if to.agency_id != acting.agency_id or perm_scope(to, HelplinePerm.QUEUE_CLAIM) is None:
        raise ApplicationError(_("Hand reports only to a counsellor of your helpline."), code="invalid")
    claims = QueueClaim.objects.filter(report=report)
    if perm_scope(acting, HelplinePerm.QUEUE_REASSIGN) is None:
        claims = claims.filter(holder=acting)
    # One conditional UPDATE: if the holder changed meanwhile, nothing is overwritten.
    if claims.update(holder=to, claimed_at=timezone.now()) == 0:
        raise ApplicationError(_("You do not hold this report any more."), code="conflict")
    _record(
        acting, AuditAction.UPDATE, report, f"handed report {report.display_reference} to membership {to.pk}"
    )
    return QueueClaim.objects.get(report=report)


def triage_batch_size() -> int:
    """How many reports one queue poll triages at most (HELPLINE_TRIAGE_BATCH); the rest wait a poll."""
    return int(getattr(settings, "HELPLINE_TRIAGE_BATCH", 50))


@transaction.atomic
def reports_triage(*, acting: Membership, limit: int | None = None, report: Report | None = None) -> int:
    """Read the words of waiting reports that have no current signals, and store their signals.

    Intake may not import the helpline, so a report is triaged when the queue first sees it (and
    again when the reporter writes or the rules change), a batch at a time. Returns how many.
    """
    version, rules = selectors.triage_rules_current()
    due = selectors.reports_triage_due(
        acting=acting, version=version, limit=triage_batch_size() if limit is None else limit, report=report
    )
    if not due:
        return 0
    bodies: dict[int, list[tuple[int, str]]] = {}
    for report_id, message_id, body in (
        ReportMessage.objects.filter(report__in=due, sender=Sender.REPORTER)
        .order_by("report_id", "id")
        .values_list("report_id", "id", "body")
    ):
        bodies.setdefault(report_id, []).append((message_id, body))
    for report in due:
        messages = bodies.get(report.pk, [])
        flags = signals_in("\n".join([report.description, *(body for _id, body in messages)]), rules)
        signals = [str(flag.signal) for flag in flags]
        defaults = {
            "signals": signals,
            "is_urgent": any(flag.signal in URGENT_SIGNALS for flag in flags),
            "words": {str(flag.signal): list(flag.words) for flag in flags},
            "rules_version": version,
            "last_message_id": messages[-1][0] if messages else 0,
            "triaged_at": timezone.now(),
        }
        try:
            with transaction.atomic():  # a savepoint: another poll may be triaging the same report
                ReportTriage.objects.update_or_create(report=report, defaults=defaults)
        except IntegrityError:
            continue
        _record(
            acting,
            AuditAction.UPDATE,
            report,
            f"triage read the report (rules version {version}): " + (", ".join(signals) or "no signal"),
        )
    return len(due)


# How long a sent reply form is remembered, so that sending it twice adds one message.
REPLY_REPLAY_SECONDS = 60 * 60


def _reply_cache_key(once: str) -> str:
    return f"helpline:reply:{once}"


@transaction.atomic
def queue_reply(*, acting: Membership, report: Report, body: str, once: str = "") -> ReportMessage:
    """Answer a report's thread from the queue; only its holder (or a supervisor) may.

    `once` identifies the form: the same form sent twice adds one message. A closed thread is
    reopened by the reply (intake), so nothing the counsellor wrote is lost.
    """
    require(acting, HelplinePerm.QUEUE_CLAIM)
    _same_helpline(acting, report)
    holder_id = QueueClaim.objects.filter(report=report).values_list("holder_id", flat=True).first()
    if holder_id != acting.pk and perm_scope(acting, HelplinePerm.QUEUE_REASSIGN) is None:
        raise ApplicationError(_("Claim this report before you answer it."), code="not_holder")
    if once:
        sent_id = cache.get(_reply_cache_key(once))
        sent = ReportMessage.objects.filter(pk=sent_id, report=report).first() if sent_id else None
        if sent is not None:
            return sent
    message = intake_services.report_message_from_staff(acting=acting, report=report, body=body)
    if once:
        # Set now rather than on commit: should this transaction roll back, the remembered message
        # is not found above and a resent form is answered normally.
        cache.set(_reply_cache_key(once), message.pk, REPLY_REPLAY_SECONDS)
    return message


@dataclass(frozen=True)
class ContactDetails:
    """What a counsellor records about a counselling contact, already checked by the form."""

    channel: str
    caller_type: str = CallerType.UNKNOWN
    age_band: str = AgeBand.UNKNOWN
    gender: str = Gender.UNKNOWN
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
        _same_helpline(acting, details.report)
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
    _record(acting, AuditAction.CREATE, contact, "contact logged")
    contact_draft_discard(
        acting=acting,
        report_reference=details.report.reference if details.report is not None else "",
        token=details.draft_token,
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
    if token and cache.get(_draft_done_key(token)):
        return None
    kept = {
        name: [value[:NOTES_MAX_LENGTH] for value in fields.get(name, [])[:_DRAFT_VALUES_MAX]]
        for name in DRAFT_FIELDS
        if name in fields
    }
    draft, created = ContactDraft.objects.update_or_create(
        counsellor=acting,
        report_reference=report_reference[:16],
        defaults={"typed": kept, "updated_at": timezone.now()},
    )
    if created:
        _record(acting, AuditAction.CREATE, draft, "contact draft saved")
    return draft


@transaction.atomic
def contact_draft_discard(*, acting: Membership, report_reference: str, token: str = "") -> bool:
    """Drop the acting counsellor's draft of this form (the contact is logged, or they start afresh)."""
    require(acting, HelplinePerm.CONTACT_LOG)
    if token:
        cache.set(_draft_done_key(token[:64]), 1, DRAFT_TOKEN_SECONDS)
    drafts = ContactDraft.objects.filter(counsellor=acting, report_reference=report_reference[:16])
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


CALLER_PURPOSE = "helpline.caller"
# Country calling codes of the helplines childshield serves: +84 912… and 0912… are one caller.
_CALLING_CODES = ("855", "84")
_PHONE = re.compile(r"[+\d\s().\-]{6,}")


def caller_key_for(value: str) -> str:
    """The keyed hash by which a repeat caller is recognised: of the phone number in its national
    form (spaces, dashes and +84/+855 set aside), or else of the chat thread's id. "" for nothing."""
    raw = value.strip()
    if not raw:
        return ""
    if _PHONE.fullmatch(raw):
        digits = re.sub(r"\D", "", raw)
        international = raw.startswith("+") or digits.startswith("00")
        digits = digits.lstrip("0") if digits.startswith("00") else digits
        for code in _CALLING_CODES:
            if digits.startswith(code) and (international or len(digits) >= len(code) + 9):
                digits = "0" + digits[len(code) :]
                break
        return blind_index(f"tel:{digits}", purpose=CALLER_PURPOSE)
    return blind_index(f"thread:{raw}", purpose=CALLER_PURPOSE)


LONGEST_CALLER_NOTE_DAYS = 366


@transaction.atomic
def caller_note_add(
    *, acting: Membership, contact: Contact, note: str, flags: list[str], expires_on: date
) -> CallerNote:
    """A note and flags about the caller of `contact`, shown to colleagues at the caller's next
    contacts until `expires_on` (at most a year ahead)."""
    require(acting, HelplinePerm.CONTACT_LOG)
    if contact.agency_id != acting.agency_id:
        raise ApplicationError(_("This contact belongs to another helpline."), code="forbidden")
    if not contact.caller_key:
        raise ApplicationError(
            _("No phone number or thread was entered for this contact, so the caller cannot be recognised."),
            code="no_caller",
        )
    flags = list(dict.fromkeys(flags))
    if set(flags) - set(CallerFlag.values):
        raise ApplicationError(_("Choose flags from the list."), code="invalid")
    if not note.strip() and not flags:
        raise ApplicationError(_("Write a note or choose a flag."), code="note_missing")
    if len(note) > NOTES_MAX_LENGTH:
        raise ApplicationError(_("The note is too long."), code="too_long")
    today = timezone.localdate()
    if not today < expires_on <= today + timedelta(days=LONGEST_CALLER_NOTE_DAYS):
        raise ApplicationError(_("Choose a date from tomorrow to a year ahead."), code="invalid_expiry")
    caller_note = CallerNote.objects.create(
        agency=acting.agency,
        caller_key=contact.caller_key,
        note=note.strip(),
        flags=flags,
        expires_on=expires_on,
        contact=contact,
        written_by=acting,
    )
    _record(
        acting,
        AuditAction.CREATE,
        caller_note,
        f"caller note on contact {contact.pk}, shown until {expires_on}",
    )
    return caller_note


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
    _record(acting, AuditAction.CREATE, contact, f"{kind} contact logged")
    return contact


@transaction.atomic
def categories_load(*, path: Path = CATEGORIES_FILE) -> int:
    """Load the shipped contact categories (new ones added, names and order updated); returns how many.

    Migration 0002 does the same at installation; this reloads an edited file. Categories never
    disappear: contacts keep theirs, and one removed from the file stays, marked not in use.
    """
    position = 0
    seen: list[str] = []

    def save(entry: dict[str, Any], parent: Category | None, online: bool) -> None:
        nonlocal position
        position += 1
        online = online or bool(entry.get("online_protection"))
        category, _created = Category.objects.update_or_create(
            code=entry["code"],
            defaults={
                "parent": parent,
                "name_en": entry["en"],
                "name_vi": entry.get("vi", ""),
                "name_km": entry.get("km", ""),
                "online_protection": online,
                "position": position,
                "is_active": True,
            },
        )
        seen.append(category.code)
        for child in entry.get("children", []):
            save(child, category, online)

    for entry in json.loads(path.read_text(encoding="utf-8"))["categories"]:
        save(entry, None, False)
    Category.objects.exclude(code__in=seen).update(is_active=False)
    audit.record(
        action=AuditAction.UPDATE, object_type="helpline.Category", reason="contact categories loaded"
    )
    return len(seen)


PHRASE_MAX_LENGTH = 200
PHRASES_MAX = 300


def _stale_rule() -> ApplicationError:
    return ApplicationError(
        _("Someone else changed this after you opened it. Reload it, then make your change again."),
        code="stale",
    )


@dataclass(frozen=True)
class TriageRuleInput:
    signal: str
    language: str
    phrases: list[str]
    is_active: bool = True
    note: str = ""


def _clean_rule(data: TriageRuleInput) -> list[str]:
    if data.signal not in [signal.value for signal in Signal]:
        raise ApplicationError(_("Choose the signal the words raise."), code="invalid")
    if data.language not in RULE_LANGUAGES:
        raise ApplicationError(_("Choose the language of the words."), code="invalid")
    phrases = list(dict.fromkeys(" ".join(phrase.split()) for phrase in data.phrases if phrase.strip()))
    if not phrases:
        raise ApplicationError(_("Write at least one word or phrase, one a line."), code="phrases_missing")
    if len(phrases) > PHRASES_MAX or any(len(phrase) > PHRASE_MAX_LENGTH for phrase in phrases):
        raise ApplicationError(_("Too many words, or a phrase too long."), code="too_long")
    too_short = [phrase for phrase in phrases if len(fold(phrase).replace(" ", "")) < 2]
    if too_short:
        # One letter would match nearly everything and flood the queue with false signals.
        raise ApplicationError(
            _("These are too short to be a signal: %(words)s") % {"words": ", ".join(too_short)},
            code="too_short",
        )
    return phrases


def _rule_version_record(rule: TriageRule, acting: Membership | None, note: str) -> None:
    TriageRuleVersion.objects.create(
        rule=rule,
        version=rule.version,
        signal=rule.signal,
        language=rule.language,
        phrases=rule.phrases,
        is_active=rule.is_active,
        note=note.strip()[:300],
        changed_by=acting,
        changed_at=rule.updated_at,
    )


@transaction.atomic
def triage_rule_create(*, acting: Membership, data: TriageRuleInput) -> TriageRule:
    """A new rule: words in one language that raise one signal. Waiting reports are triaged again."""
    require(acting, HelplinePerm.RULES_MANAGE)
    phrases = _clean_rule(data)
    rule = TriageRule.objects.create(
        signal=data.signal, language=data.language, phrases=phrases, is_active=data.is_active
    )
    _rule_version_record(rule, acting, data.note)
    _record(acting, AuditAction.CREATE, rule, "triage rule added")
    return rule


@transaction.atomic
def triage_rule_update(
    *, acting: Membership, rule: TriageRule, data: TriageRuleInput, version: int
) -> TriageRule:
    """Change or disable a rule; the version before stays in its history. Refused if changed meanwhile."""
    require(acting, HelplinePerm.RULES_MANAGE)
    phrases = _clean_rule(data)
    locked = TriageRule.objects.select_for_update().get(pk=rule.pk)
    if locked.version != version:
        raise _stale_rule()
    unchanged = (locked.signal, locked.language, locked.phrases, locked.is_active) == (
        data.signal,
        data.language,
        phrases,
        data.is_active,
    )
    if unchanged:
        return locked
    locked.signal, locked.language, locked.phrases, locked.is_active = (
        data.signal,
        data.language,
        phrases,
        data.is_active,
    )
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    _rule_version_record(locked, acting, data.note)
    _record(
        acting,
        AuditAction.UPDATE,
        locked,
        f"triage rule changed to version {locked.version}" + ("" if locked.is_active else " (not in use)"),
    )
    return locked


@dataclass(frozen=True)
class ReplyTemplateInput:
    code: str
    titles: dict[str, str]
    bodies: dict[str, str]
    position: int = 0
    is_active: bool = True


def _clean_template(data: ReplyTemplateInput) -> tuple[dict[str, str], dict[str, str]]:
    titles = {code: " ".join(data.titles.get(code, "").split()) for code in LANGUAGES}
    bodies = {code: data.bodies.get(code, "").strip() for code in LANGUAGES}
    if not all(titles.values()) or not all(bodies.values()):
        raise ApplicationError(
            _("Write the title and the text in Vietnamese, Khmer and English."), code="language_missing"
        )
    if any(len(title) > 200 for title in titles.values()) or any(len(b) > 5000 for b in bodies.values()):
        raise ApplicationError(_("A title or a text is too long."), code="too_long")
    return titles, bodies


def _template_fields(titles: dict[str, str], bodies: dict[str, str]) -> dict[str, str]:
    return {
        **{f"title_{code}": text for code, text in titles.items()},
        **{f"body_{code}": text for code, text in bodies.items()},
    }


def _template_version_record(template: ReplyTemplate, acting: Membership | None) -> None:
    ReplyTemplateVersion.objects.create(
        template=template,
        version=template.version,
        content={
            "title": {code: template.title(code) for code in LANGUAGES},
            "body": {code: template.body(code) for code in LANGUAGES},
        },
        is_active=template.is_active,
        changed_by=acting,
        changed_at=template.updated_at,
    )


@transaction.atomic
def reply_template_create(*, acting: Membership, data: ReplyTemplateInput) -> ReplyTemplate:
    require(acting, HelplinePerm.RULES_MANAGE)
    titles, bodies = _clean_template(data)
    code = data.code.strip().lower()
    if not code or ReplyTemplate.objects.filter(code=code).exists():
        raise ApplicationError(_("Choose a short code no other saved reply has."), code="code_taken")
    template = ReplyTemplate.objects.create(
        code=code, position=data.position, is_active=data.is_active, **_template_fields(titles, bodies)
    )
    _template_version_record(template, acting)
    _record(acting, AuditAction.CREATE, template, "reply template added")
    return template


@transaction.atomic
def reply_template_update(
    *, acting: Membership, template: ReplyTemplate, data: ReplyTemplateInput, version: int
) -> ReplyTemplate:
    """Change or disable a saved reply; the version before stays in its history."""
    require(acting, HelplinePerm.RULES_MANAGE)
    titles, bodies = _clean_template(data)
    locked = ReplyTemplate.objects.select_for_update().get(pk=template.pk)
    if locked.version != version:
        raise _stale_rule()
    for name, value in _template_fields(titles, bodies).items():
        setattr(locked, name, value)
    locked.position = data.position
    locked.is_active = data.is_active
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    _template_version_record(locked, acting)
    _record(
        acting,
        AuditAction.UPDATE,
        locked,
        f"reply template changed to version {locked.version}" + ("" if locked.is_active else " (not in use)"),
    )
    return locked


@dataclass(frozen=True)
class CaseFromContact:
    """What the counsellor confirms to open a case, prefilled from the contact."""

    child_name: str
    area: Area
    risk_level: str
    harm_types: list[str]
    estimated_age: int | None = None
    gender: str = "unknown"
    summary: str = ""
    duplicates_acknowledged: bool = False


@transaction.atomic
def contact_case_open(*, acting: Membership, contact: Contact, data: CaseFromContact) -> Case:
    """Open a case (the cases app's own `case_open`, the counsellor as lead worker) for the child of a
    contact, and link the two: the contact holds the case, the case finds the contact through the
    related-records registry, and the case keeps the contact's report as its source."""
    require(acting, HelplinePerm.CONTACT_LOG)
    require(acting, CasePerm.CASE_OPEN)
    if contact.agency_id != acting.agency_id:
        raise ApplicationError(_("This contact belongs to another helpline."), code="forbidden")
    # Locked, so that the same form sent twice opens one case.
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.case_id is not None:
        raise ApplicationError(_("A case is already open from this contact."), code="case_exists")
    case = case_open(
        acting=acting,
        child=ChildInput(
            full_name=data.child_name,
            area=data.area,
            estimated_age=data.estimated_age,
            gender=data.gender,
        ),
        risk_level=data.risk_level,
        harm_types=data.harm_types,
        summary=data.summary,
        duplicates_acknowledged=data.duplicates_acknowledged,
        source_report=locked.report,
    )
    Contact.objects.filter(pk=locked.pk).update(case=case)
    contact.case = case
    _record(acting, AuditAction.UPDATE, contact, f"case {case.number} opened from contact {contact.pk}")
    return case


@dataclass(frozen=True)
class AddressResult:
    line: int
    text: str
    item: ContentItem | None = None
    error: str = ""


@transaction.atomic
def contact_addresses_report(*, acting: Membership, contact: Contact, text: str) -> list[AddressResult]:
    """Report to the hotline the web addresses a caller gave (one a line), linked to their contact.

    Each good line becomes (or joins) a hotline item of the country's hotline; a bad one says why
    and the others are still filed. The addresses are not logged: the hotline keeps them encrypted.
    """
    require(acting, HelplinePerm.CONTACT_LOG)
    if contact.agency_id != acting.agency_id:
        raise ApplicationError(_("This contact belongs to another helpline."), code="forbidden")
    hotline = hotline_agency_for(country=acting.agency.country)
    if hotline is None:
        raise ApplicationError(_("No hotline receives reported addresses here."), code="no_hotline")
    results: list[AddressResult] = []
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        try:
            item = content_item_report(
                acting=None,
                url=line,
                source=SourceKind.CONTACT,
                report=contact.report,
                reference=f"helpline contact {contact.pk}",
                agency=hotline,
            )
        except ApplicationError as error:
            results.append(AddressResult(number, line, error=str(error.message)))
            continue
        ContactHotlineItem.objects.get_or_create(contact=contact, item=item, defaults={"added_by": acting})
        results.append(AddressResult(number, line, item=item))
    if not results:
        raise ApplicationError(_("Write at least one web address, one a line."), code="addresses_missing")
    filed = sum(1 for result in results if result.item is not None)
    if filed:
        _record(
            acting,
            AuditAction.UPDATE,
            contact,
            f"{filed} web address(es) of contact {contact.pk} reported to the hotline",
        )
    return results


def queue_triaged(*, acting: Membership) -> list[selectors.QueueItem]:
    """The queue as it stands, after triaging the reports nobody has read yet: their words can make
    them urgent, so the order and the alerts count them."""
    reports_triage(acting=acting)
    return selectors.queue_items(acting=acting)


def urgent_alerts_send() -> int:
    """E-mail each helpline's supervisors about urgent items waiting longer than the alert time.

    Run every minute by Celery beat, so that a supervisor hears of it without the queue open. Each
    item is reported once per wait (a new message from the reporter starts a new wait). The e-mail
    holds report codes and minutes only: nothing the child wrote. Returns how many items were new.
    """
    alerted = 0
    for _agency_id, members in groupby(selectors.supervisors_alerted(), key=lambda member: member.agency_id):
        supervisors = list(members)
        acting = supervisors[0]
        overdue = [item for item in queue_triaged(acting=acting) if item.is_overdue]
        with transaction.atomic():
            new = [
                item
                for item in overdue
                if UrgentAlert.objects.get_or_create(
                    agency=acting.agency, report=item.report, waiting_since=item.waiting_since
                )[1]
            ]
            if not new:
                continue
            alerted += len(new)
            subject = ngettext(
                "Helpline: %(count)d urgent item waiting",
                "Helpline: %(count)d urgent items waiting",
                len(new),
            ) % {"count": len(new)}
            lines = "\n".join(
                str(_("%(code)s: waiting %(minutes)d minutes"))
                % {"code": item.report.display_reference, "minutes": item.waiting_minutes}
                for item in new
            )
            body = str(
                _(
                    "Urgent items have waited longer than %(minutes)d minutes in the queue of "
                    "%(agency)s:\n\n%(lines)s\n\n"
                    "Sign in to childshield and open the Queue to answer or hand them over."
                )
            ) % {"minutes": selectors.urgent_alert_minutes(), "agency": acting.agency.name, "lines": lines}
            recipients = [member.user.email for member in supervisors]
            transaction.on_commit(partial(send_email.delay, subject=subject, body=body, to=recipients))
    return alerted
