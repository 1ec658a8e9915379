"""Reads for counsellors: queue actions, rules, replies, contacts and categories, each checked against the
acting member (the queue itself is read in helpline/queue.py)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership, Role
from childshield.accounts.permissions import Scope, may, require, roles_holding
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.periods import Period
from childshield.helpline.figures import (
    EXACT,
    confidential_marking,
    figures_csv,
    figures_tables,
    in_period,
    recent_periods,
)
from childshield.helpline.models import (
    CallerNote,
    Category,
    Contact,
    ContactDraft,
    ContactHotlineItem,
    ContactKind,
    QueueClaim,
    ReplyTemplate,
    ReplyTemplateVersion,
    ReportTriage,
    TriageRule,
    TriageRuleVersion,
)
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.reply_templates import reply_templates
from childshield.helpline.triage import (
    CompiledRules,
    Flag,
    RuleSpec,
    Signal,
    compile_rules,
    flags_of,
    shipped_rules,
)
from childshield.intake import selectors as intake_selectors
from childshield.intake.models import CHAT_CHANNELS, Report, ReportMessage
from childshield.intake.references import normalise_reference
from childshield.messaging import selectors as messaging_selectors

# The compiled rule set of this process, by (latest version id, its time): a change anywhere shows
# as a new latest version, so every process recompiles at its next use.
_COMPILED: dict[tuple[int, object], CompiledRules] = {}


def triage_rules_current() -> tuple[int, CompiledRules]:
    """The rules triage applies now, and their version (stored with each report's signals).

    The version is the id of the latest rule change. Without any rule in the database (one emptied
    since migrating), the shipped rules apply, as version 0.
    """
    latest = TriageRuleVersion.objects.aggregate(pk=Max("pk"), at=Max("changed_at"))
    if latest["pk"] is None:
        return 0, shipped_rules()
    key = (int(latest["pk"]), latest["at"])
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = compile_rules(_rule_spec(rule) for rule in TriageRule.objects.filter(is_active=True))
        _COMPILED.clear()
        _COMPILED[key] = compiled
    return key[0], compiled


def _rule_spec(rule: TriageRule) -> RuleSpec:
    return RuleSpec(signal=Signal(rule.signal), language=rule.language, phrases=tuple(rule.phrases))


def triage_rules_for_manage(*, acting: Membership) -> list[TriageRule]:
    require(acting, HelplinePerm.RULES_MANAGE)
    return list(TriageRule.objects.order_by("signal", "language", "pk"))


def triage_rule_get(*, acting: Membership, pk: int) -> TriageRule:
    require(acting, HelplinePerm.RULES_MANAGE)
    rule = TriageRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


def triage_rule_history(*, acting: Membership, rule: TriageRule) -> list[TriageRuleVersion]:
    require(acting, HelplinePerm.RULES_MANAGE)
    return list(rule.versions.select_related("changed_by__user").order_by("-version"))


def reply_templates_active() -> list[ReplyTemplate]:
    """The saved replies in use, in their order; the shipped ones (unsaved) if the database has none."""
    templates = list(ReplyTemplate.objects.order_by("position", "pk"))
    if not templates:
        return [
            ReplyTemplate(
                code=shipped.code,
                **{f"title_{code}": text for code, text in shipped.titles.items()},
                **{f"body_{code}": text for code, text in shipped.bodies.items()},
            )
            for shipped in reply_templates()
        ]
    return [template for template in templates if template.is_active]


def reply_template_by_code(code: str) -> ReplyTemplate | None:
    return next((template for template in reply_templates_active() if template.code == code), None)


def reply_templates_for_manage(*, acting: Membership) -> list[ReplyTemplate]:
    require(acting, HelplinePerm.RULES_MANAGE)
    return list(ReplyTemplate.objects.order_by("position", "pk"))


def reply_template_get(*, acting: Membership, pk: int) -> ReplyTemplate:
    require(acting, HelplinePerm.RULES_MANAGE)
    template = ReplyTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise Http404
    return template


def reply_template_history(*, acting: Membership, template: ReplyTemplate) -> list[ReplyTemplateVersion]:
    require(acting, HelplinePerm.RULES_MANAGE)
    return list(template.versions.select_related("changed_by__user").order_by("-version"))


def report_triage_flags(*, acting: Membership, report: Report) -> list[Flag]:
    """A report's signals with the words that raised them, for its item page; the reading is audited."""
    require(acting, HelplinePerm.QUEUE_VIEW)
    triage = ReportTriage.objects.filter(report=report).first()
    if triage is None or not triage.signals:
        return []  # nothing is shown, so nothing is read
    words: dict[str, list[str]] = triage.words or {}
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        obj=triage,
        reason=f"triage words of report {report.display_reference} read",
    )
    return flags_of(triage.signals, words, triage.answers)


def queue_report(*, acting: Membership, reference: str) -> Report:
    """A report of the acting member's helpline, for a queue action (not a reading: nothing is shown)."""
    require(acting, HelplinePerm.QUEUE_VIEW)
    waiting = intake_selectors.reports_waiting(acting=acting)
    report = waiting.filter(reference=normalise_reference(reference)).first()
    if report is None:
        raise Http404
    return report


def report_for_contact(*, acting: Membership, reference: str) -> Report:
    """The report a contact is being logged for; reading it is audited by intake."""
    require(acting, HelplinePerm.CONTACT_LOG)
    return intake_selectors.report_get_for_staff(acting=acting, reference=reference)


def _with_chat_state(messages: list[ReportMessage]) -> list[ReportMessage]:
    """Each message with how its sending through a chat app goes (`delivery_view`) and, for a picture,
    its hashes' record (`received_picture`): the picture itself is never shown."""
    ids = [message.pk for message in messages]
    deliveries = messaging_selectors.deliveries_of(message_ids=ids)
    pictures = messaging_selectors.pictures_of(message_ids=ids)
    for message in messages:
        message.delivery_view = deliveries.get(message.pk)  # type: ignore[attr-defined]
        message.received_picture = pictures.get(message.pk)  # type: ignore[attr-defined]
    return messages


def report_for_reply(*, acting: Membership, reference: str) -> tuple[Report, list[ReportMessage]]:
    """A report and its thread, for answering from the queue (closed ones too); the reading is audited."""
    require(acting, HelplinePerm.QUEUE_CLAIM)
    report = intake_selectors.report_get_for_staff(acting=acting, reference=reference)
    return report, _with_chat_state(intake_selectors.report_thread(report=report))


def report_messages_after(*, acting: Membership, reference: str, after: int) -> list[ReportMessage]:
    """The report's messages after the message `after`, for the reply page's live thread; the reading is
    audited when there are any."""
    require(acting, HelplinePerm.QUEUE_CLAIM)
    return _with_chat_state(
        intake_selectors.report_messages_for_staff(acting=acting, reference=reference, after=after)
    )


@dataclass(frozen=True)
class ChatInfo:
    """What the reply page says of a chat: where it is, whether the child asked for a pause."""

    channel_name: str
    paused: bool
    on_chat_app: bool


def chat_info(*, report: Report) -> ChatInfo | None:
    """The chat the report is, if it is one (a chat app's conversation, or the web chat)."""
    conversation = messaging_selectors.conversation_of(report_id=report.pk)
    if conversation is not None:
        return ChatInfo(conversation.channel.name, conversation.paused_at is not None, True)
    if report.channel in CHAT_CHANNELS:
        return ChatInfo(str(_("this website")), False, False)
    return None


def report_held_by_acting(*, acting: Membership | None, report_id: int) -> bool:
    """Whether the acting counsellor holds this report in the queue (their reply page is theirs to use)."""
    if acting is None or not may(acting, HelplinePerm.QUEUE_CLAIM):
        return False
    return QueueClaim.objects.filter(report_id=report_id, holder=acting).exists()


def roles_on_queue() -> list[Role]:
    """The roles that may hold queue items, read from the grants, so a new role cannot be forgotten."""
    return roles_holding(HelplinePerm.QUEUE_CLAIM)


def supervisors_alerted() -> QuerySet[Membership]:
    """Everyone who is alerted to urgent items left waiting, in every helpline (for the minute task)."""
    roles = roles_holding(HelplinePerm.QUEUE_ALERTS)
    return (
        Membership.objects.filter(
            role__in=roles, is_active=True, user__is_active=True, agency__is_active=True
        )
        .select_related("user", "agency")
        .order_by("agency_id", "pk")
    )


def colleagues_on_queue(*, acting: Membership) -> QuerySet[Membership]:
    """The members of the acting member's helpline an item can be handed to."""
    require(acting, HelplinePerm.QUEUE_CLAIM)
    return (
        Membership.objects.filter(agency=acting.agency, is_active=True, user__is_active=True)
        .filter(role__in=roles_on_queue())
        .exclude(pk=acting.pk)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def categories_for_form() -> list[Category]:
    """Main categories, each with its active sub-categories prefetched, in their shipped order."""
    children = Prefetch("children", queryset=Category.objects.filter(is_active=True).order_by("position"))
    return list(
        Category.objects.filter(parent__isnull=True, is_active=True)
        .prefetch_related(children)
        .order_by("position")
    )


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def _contacts_visible(*, acting: Membership) -> QuerySet[Contact]:
    scope = require(acting, HelplinePerm.CONTACT_VIEW)
    contacts = Contact.objects.filter(agency=acting.agency)
    return contacts.filter(counsellor=acting) if scope == Scope.SELF else contacts


def contacts_recent(*, acting: Membership, limit: int = 20) -> list[Contact]:
    return list(
        _contacts_visible(acting=acting)
        .select_related("counsellor__user", "province")
        .prefetch_related("categories")
        .order_by("-started_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class ContactTally:
    total: int
    counselling: int
    by_kind: dict[str, int]


def contacts_today(*, acting: Membership) -> ContactTally:
    """Today's contacts the acting member may see: all of them, and counselling ones apart (as CHI counts)."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    rows = (
        _contacts_visible(acting=acting)
        .filter(started_at__gte=start)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_kind = {row["kind"]: row["n"] for row in rows}
    return ContactTally(
        total=sum(by_kind.values()), counselling=by_kind.get(ContactKind.COUNSELLING, 0), by_kind=by_kind
    )


def contacts_linked(
    *,
    acting: Membership | None,
    case_id: int | None = None,
    report_id: int | None = None,
    case_report_id: int | None = None,
) -> list[Contact]:
    """Contacts of a case (opened from them, or logged for the report the case came from) or of a
    report, that the acting member may open; none for anyone else."""
    if case_id is None and report_id is None:
        return []
    if acting is None or not may(acting, HelplinePerm.CONTACT_VIEW):
        return []
    contacts = _contacts_visible(acting=acting)
    if case_id is not None:
        linked = Q(case_id=case_id)
        if case_report_id is not None:
            linked |= Q(report_id=case_report_id)
        contacts = contacts.filter(linked)
    if report_id is not None:
        contacts = contacts.filter(report_id=report_id)
    return list(contacts.order_by("started_at", "id"))


def contact_hotline_items(*, acting: Membership, contact: Contact) -> list[ContactHotlineItem]:
    """The hotline items filed from a contact the acting member already opened (number and status only)."""
    require(acting, HelplinePerm.CONTACT_VIEW)
    return list(contact.hotline_links.select_related("item").order_by("added_at", "id"))


def contacts_of_hotline_item(*, acting: Membership | None, item_id: int) -> list[Contact]:
    if acting is None or not may(acting, HelplinePerm.CONTACT_VIEW):
        return []
    return list(
        _contacts_visible(acting=acting).filter(hotline_links__item_id=item_id).order_by("started_at", "id")
    )


def contact_get(*, acting: Membership, pk: int) -> Contact:
    contact = (
        _contacts_visible(acting=acting)
        .select_related("counsellor__user", "province", "report", "case")
        .prefetch_related("categories")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404
    audit.record(
        action=AuditAction.VIEW, actor=acting.user, agency=acting.agency, obj=contact, reason="contact read"
    )
    return contact


@dataclass(frozen=True)
class CallerHistory:
    contacts: int
    last_at: datetime | None
    notes: list[CallerNote]

    @property
    def flags(self) -> list[str]:
        return list(dict.fromkeys(label for note in self.notes for label in note.flag_labels()))


def caller_history(*, acting: Membership, caller_key: str, exclude: Contact | None = None) -> CallerHistory:
    """How often the helpline heard from this caller, when last, and colleagues' notes still shown.

    Any counsellor of the helpline sees it (a repeat caller is usually answered by someone else);
    the reading is audited, since the notes are about a child.
    """
    require(acting, HelplinePerm.CONTACT_LOG)
    contacts = Contact.objects.filter(agency=acting.agency, caller_key=caller_key)
    if exclude is not None:
        contacts = contacts.exclude(pk=exclude.pk)
    totals = contacts.aggregate(n=Count("id"), last=Max("started_at"))
    notes = list(
        CallerNote.objects.filter(
            agency=acting.agency, caller_key=caller_key, expires_on__gte=timezone.localdate()
        )
        .select_related("written_by__user")
        .order_by("-created_at", "-id")
    )
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        object_type="helpline.CallerNote",
        reason=f"repeat caller history read ({totals['n']} contacts, {len(notes)} notes)",
    )
    return CallerHistory(contacts=totals["n"], last_at=totals["last"], notes=notes)


def contact_draft_get(*, acting: Membership, report_reference: str) -> ContactDraft | None:
    """The acting counsellor's own draft of this contact form, if any; restoring it is audited."""
    require(acting, HelplinePerm.CONTACT_LOG)
    draft = ContactDraft.objects.filter(
        counsellor=acting, report_reference=normalise_reference(report_reference)[:16]
    ).first()
    if draft is not None:
        audit.record(
            action=AuditAction.VIEW,
            actor=acting.user,
            agency=acting.agency,
            obj=draft,
            reason="contact draft restored",
        )
    return draft


def figures_periods(*, acting: Membership) -> tuple[list[Period], list[Period]]:
    """The last twelve months and the last three years, newest first, offered for download."""
    require(acting, HelplinePerm.FIGURES_EXPORT)
    return recent_periods(timezone.localdate())


def figures_export(*, acting: Membership, period: Period) -> str:
    """The helpline's CHI figures for a month or year as CSV, with exact counts (nothing suppressed: this
    is the helpline's own submission to CHI), marked confidential; audited as an export."""
    require(acting, HelplinePerm.FIGURES_EXPORT)
    contacts = in_period(Contact.objects.filter(agency=acting.agency), period)
    text = figures_csv(
        period=period, tables=figures_tables(contacts, below=EXACT), marking=confidential_marking()
    )
    audit.record(
        action=AuditAction.EXPORT,
        actor=acting.user,
        agency=acting.agency,
        object_type="helpline.Contact",
        reason=f"CHI figures {period}, exact counts (confidential)",
    )
    return text
