"""Reads of reports: the helpline's queue and one report, each checked against the acting member."""

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.http import Http404

from childshield.accounts.models import Membership
from childshield.accounts.permissions import Scope
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.intake.models import Report, ReportMessage, ReportStatus, Screening
from childshield.intake.permissions import IntakePerm, require


def _visible(*, acting: Membership, perm: IntakePerm) -> QuerySet[Report]:
    scope = require(acting, perm)
    reports = Report.objects.all()
    return reports if scope == Scope.ALL else reports.filter(country=acting.agency.country)


def reports_waiting(*, acting: Membership) -> QuerySet[Report]:
    """Reports not closed yet: clear ones before those from a burst, urgent first, longest waiting first."""
    lane = Case(
        When(screening=Screening.CLEAR, then=Value(0)),
        When(screening=Screening.FLOOD, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    last_sender = Subquery(
        ReportMessage.objects.filter(report=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("sender")[:1]
    )
    return (
        _visible(acting=acting, perm=IntakePerm.REPORT_LIST)
        .exclude(status=ReportStatus.CLOSED)
        .select_related("province")
        .annotate(lane=lane, last_sender=last_sender)
        .order_by("lane", "-is_urgent", "created_at", "id")
    )


def report_get_for_staff(*, acting: Membership, reference: str) -> Report:
    """One report, for a helpline worker; the reading is audited."""
    report = (
        _visible(acting=acting, perm=IntakePerm.REPORT_VIEW)
        .select_related("province")
        .filter(reference=reference)
        .first()
    )
    if report is None:
        raise Http404
    audit.record(
        action=AuditAction.VIEW, actor=acting.user, agency=acting.agency, obj=report, reason="report read"
    )
    return report


def report_get_by_reference(*, reference: str) -> Report | None:
    """For a reporter who already proved the passphrase (a signed thread token): no other door."""
    return Report.objects.filter(reference=reference).first()


def report_thread(*, report: Report) -> list[ReportMessage]:
    return list(report.messages.select_related("author__user").order_by("created_at", "id"))
