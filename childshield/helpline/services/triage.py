"""Triage of reports: what a reporter wrote, read against the rules, and the signals it raises stored.

A report is triaged inside the transaction that saves it or a reporter's new message (intake runs
`report_triage` through its `on_report_saved` hook, registered in HelplineConfig.ready()), and the
waiting reports are triaged again inside the transaction that changes a rule. Never behind the
broker, so that an urgent report is flagged at once even when the broker is down; and never when
the queue is read, so that reading it writes nothing.
"""

from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.helpline import selectors
from childshield.helpline.models import ReportTriage
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.triage import Answers, CompiledRules, signals_in
from childshield.intake.models import Report, ReportMessage, ReportStatus, Sender


def _triage(
    reports: Sequence[Report], *, version: int, rules: CompiledRules, acting: Membership | None
) -> int:
    """Store the signals of `reports` under `rules`; how many were stored. `acting` is whoever caused
    the reading (None for the system: a child's own submission, the catch-up task)."""
    bodies: dict[int, list[tuple[int, str]]] = {}
    for report_id, message_id, body in (
        ReportMessage.objects.filter(report__in=[report.pk for report in reports], sender=Sender.REPORTER)
        .order_by("report_id", "id")
        .values_list("report_id", "id", "body")
    ):
        bodies.setdefault(report_id, []).append((message_id, body))
    stored = 0
    for report in reports:
        messages = bodies.get(report.pk, [])
        flags = signals_in(
            "\n".join([report.description, *(body for _id, body in messages)]),
            rules,
            Answers(harms=tuple(report.harms), safe_now=report.safe_now, age_band=report.age_band),
        )
        signals = [str(flag.signal) for flag in flags]
        defaults = {
            "signals": signals,
            "is_urgent": any(flag.is_urgent for flag in flags),
            "words": {str(flag.signal): list(flag.words) for flag in flags if flag.words},
            "answers": {str(flag.signal): list(flag.answers) for flag in flags if flag.answers},
            "rules_version": version,
            "last_message_id": messages[-1][0] if messages else 0,
            "triaged_at": timezone.now(),
        }
        try:
            with transaction.atomic():  # a savepoint: a rule change may be triaging the same report
                ReportTriage.objects.update_or_create(report=report, defaults=defaults)
        except IntegrityError:
            continue
        audit.record(
            action=AuditAction.UPDATE,
            actor=acting.user if acting is not None else None,
            agency=acting.agency if acting is not None else None,
            obj=report,
            reason=f"triage read the report (rules version {version}): "
            + (", ".join(signals) or "no signal"),
        )
        stored += 1
    return stored


def report_triage(*, report: Report) -> None:
    """Read a report just saved, or just written to by its reporter, and store its signals.

    Runs inside intake's transaction. The child's own submission has no staff actor: the event is
    the system's, like the event of the report itself.
    """
    version, rules = selectors.triage_rules_current()
    _triage([report], version=version, rules=rules, acting=None)


def reports_retriage(*, acting: Membership) -> int:
    """Read every waiting report again under the rules as they stand now; run by a rule's change,
    inside its transaction, so that no report waits under the old words. Returns how many."""
    require(acting, HelplinePerm.RULES_MANAGE)
    version, rules = selectors.triage_rules_current()
    waiting = Report.objects.exclude(status=ReportStatus.CLOSED).defer("urls", "contact").order_by("pk")
    stored = last = 0
    # A batch at a time, so that a long queue is never held in memory at once.
    while batch := list(waiting.filter(pk__gt=last)[: settings.HELPLINE_TRIAGE_BATCH]):
        stored += _triage(batch, version=version, rules=rules, acting=acting)
        last = batch[-1].pk
    return stored


@transaction.atomic
def reports_triage_catch_up() -> int:
    """Waiting reports whose signals are missing or out of date, read now, a batch
    (HELPLINE_TRIAGE_BATCH) at a time; returns how many.

    Only reports saved before triage ran at saving, or whose triage failed (the report is kept all
    the same), are due: the minute task catches them up before it looks for urgent items.
    """
    version, rules = selectors.triage_rules_current()
    last_message = Subquery(
        ReportMessage.objects.filter(report=OuterRef("pk"), sender=Sender.REPORTER)
        .order_by("-id")
        .values("id")[:1]
    )
    due = list(
        Report.objects.exclude(status=ReportStatus.CLOSED)
        .annotate(last_reporter_message=last_message)
        .filter(
            Q(helpline_triage__isnull=True)
            | ~Q(helpline_triage__rules_version=version)
            | Q(last_reporter_message__gt=F("helpline_triage__last_message_id"))
        )
        .defer("urls", "contact")
        .order_by("pk")[: settings.HELPLINE_TRIAGE_BATCH]
    )
    return _triage(due, version=version, rules=rules, acting=None)
