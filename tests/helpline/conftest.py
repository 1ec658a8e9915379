"""A helpline's second counsellor and reports sent like a child would; the helpline, its `counsellor` and
its `supervisor` are the suite's (tests/conftest.py)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, Membership, Role
from childshield.intake.models import Report, Screening
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
    ) -> Report:
        receipt = report_submit(
            content=ReportContent(about="me", safe_now=safe_now, harms=["grooming"], description=description),
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
