"""A helpline's second counsellor, reports sent like a child would, and many older ones stored at once;
the helpline, its `counsellor` and its `supervisor` are the suite's (tests/conftest.py)."""

import itertools
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from childshield.accounts.models import Agency, Membership, Role
from childshield.helpline import selectors
from childshield.helpline.models import ReportTriage
from childshield.intake.models import Channel, Report, Screening
from childshield.intake.services import ReportContent, report_submit


@pytest.fixture
def second_counsellor(make_member: Callable[..., Membership], helpline_agency: Agency) -> Membership:
    return make_member(email="second@example.org", role=Role.COUNSELLOR, agency=helpline_agency)


@pytest.fixture
def send_report(db: None) -> Callable[..., Report]:
    """A report as the public form saves it."""
    counter = iter(range(10_000))

    def send(
        *,
        description: str = "Someone keeps messaging me.",
        safe_now: str = "yes",
        screening: Screening = Screening.CLEAR,
        harms: tuple[str, ...] = ("bullying",),  # an answer that raises no signal by itself
    ) -> Report:
        receipt = report_submit(
            content=ReportContent(about="me", safe_now=safe_now, harms=list(harms), description=description),
            idempotency_key=f"test-{next(counter)}",
            screening=screening,
        )
        return receipt.report

    return send


def age_report(report: Report, minutes: int) -> Report:
    """The report as if it had been sent `minutes` ago."""
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    report.refresh_from_db()
    return report


# Codes for reports stored in bulk, numbered so that they never repeat in a run.
_REFERENCES = itertools.count()


def older_reports(count: int, *, oldest_minutes: int, urgent: bool = False) -> list[Report]:
    """`count` waiting reports, the oldest sent `oldest_minutes` ago and each a minute newer than
    the one before, stored at once (a thousand through the real form would take seconds).

    Each row is what `report_submit` stores for a child who said they are safe (or, `urgent`, not
    safe) and whose words raise no signal: the report, and its triage row as triage at saving
    writes it. The audit events of their receipt are left out: the queue does not read them.
    """
    version, _rules = selectors.triage_rules_current()
    now = timezone.now()
    reports = Report.objects.bulk_create(
        Report(
            channel=Channel.WEB,
            country=settings.CHILDSHIELD_COUNTRY,
            reference=f"Q{next(_REFERENCES):07d}",
            about="me",
            harms=["bullying"],
            description="Someone keeps messaging me.",
            safe_now="no" if urgent else "yes",
            is_urgent=urgent,
            screening=Screening.CLEAR,
            created_at=now - timedelta(minutes=oldest_minutes - index),
        )
        for index in range(count)
    )
    ReportTriage.objects.bulk_create(
        ReportTriage(report=report, signals=[], is_urgent=False, words={}, rules_version=version)
        for report in reports
    )
    return reports
