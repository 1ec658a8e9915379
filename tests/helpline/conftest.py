"""A helpline's second counsellor, reports sent like a child would, and many older ones stored at once, a
month of contacts for the CHI figures; the helpline, its `counsellor` and its `supervisor` are the suite's
(tests/conftest.py)."""

import csv
import io
import itertools
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Membership, Role
from childshield.helpline import selectors
from childshield.helpline.models import Category, ReportTriage
from childshield.helpline.services.contacts import ContactDetails, contact_log, contact_log_quick
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


MARCH = timezone.make_aware(datetime(2026, 3, 10, 12, 0))
APRIL = timezone.make_aware(datetime(2026, 4, 2, 9, 0))


def log_contact(
    acting: Membership,
    channel: str,
    gender: str,
    age_band: str,
    codes: list[str],
    started_at: datetime = MARCH,
) -> None:
    contact_log(
        acting=acting,
        details=ContactDetails(
            channel=channel,
            gender=gender,
            age_band=age_band,
            categories=list(Category.objects.filter(code__in=codes)),
            summary="Made up for a test.",
            started_at=started_at,
        ),
    )


@pytest.fixture
def march(counsellor: Membership, make_member: Callable[..., Membership]) -> Membership:
    """Five counselling and six one-click contacts of the helpline in March 2026, one in April, and one
    in March of another helpline of the country; its counsellor is returned."""
    log_contact(counsellor, "phone", "girl", "13_15", ["online.sextortion", "mental_health.anxiety"])
    log_contact(counsellor, "phone", "girl", "13_15", ["online.sextortion"])
    log_contact(counsellor, "chat", "boy", "16_17", ["online.grooming", "online.sextortion"])
    log_contact(counsellor, "chat", "another", "unknown", ["bullying"])
    log_contact(counsellor, "sms", "unknown", "10_12", ["violence.physical"])
    for channel, kind in [("phone", "silent")] * 3 + [("phone", "hang_up")] * 2 + [("chat", "thank_you")]:
        contact_log_quick(acting=counsellor, channel=channel, kind=kind, started_at=MARCH)
    log_contact(counsellor, "phone", "girl", "7_9", ["family"], started_at=APRIL)
    other = Agency.objects.create(country="VN", name="Another helpline", kind=AgencyKind.HELPLINE)
    stranger = make_member(email="stranger@example.org", role=Role.COUNSELLOR, agency=other)
    log_contact(stranger, "phone", "boy", "13_15", ["bullying"])
    return stranger


def chi_file(text: str) -> tuple[str, list[dict[str, str]]]:
    """A CHI figures file as a spreadsheet reads it: its marking (the first row's one cell), and its rows."""
    assert text.startswith("\ufeff"), "without a byte-order mark a spreadsheet garbles the marking"
    marking_row, rest = text[1:].split("\n", 1)
    [marking] = next(csv.reader([marking_row]))
    return marking, list(csv.DictReader(io.StringIO(rest)))


def chi_values(text: str) -> dict[tuple[str, str], str]:
    """Each cell's value by (table, item)."""
    _marking, rows = chi_file(text)
    return {(row["table"], row["item"]): row["value"] for row in rows}
