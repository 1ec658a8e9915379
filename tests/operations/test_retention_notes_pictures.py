"""Retention of caller notes and of pictures passed from chats, with a frozen clock: each goes only
after its time, and not while a case opened from it is open."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models import Case
from childshield.hashing.synthetic import synthetic_picture
from childshield.helpline.models import CallerNote, Category
from childshield.helpline.services.callers import caller_note_add
from childshield.helpline.services.contacts import ContactDetails, contact_log
from childshield.hotline.models import ReceivedImage
from childshield.hotline.services.received_images import received_image_add
from childshield.intake.models import Report
from childshield.intake.services import ReportContent, report_submit
from childshield.operations.retention import JOURNAL_DIR, retention_run
from childshield.operations.retention_periods import period_days
from tests.cases.conftest import commune, open_case  # noqa: F401 (fixtures)

NOW = datetime(2031, 3, 15, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def journal_cleared():
    yield
    try:
        _, names = default_storage.listdir(JOURNAL_DIR)
    except FileNotFoundError:
        return
    for name in names:
        default_storage.delete(f"{JOURNAL_DIR}{name}")


def a_caller_note(counsellor, *, shown_until: datetime) -> CallerNote:
    """Written through the service (which takes only a future date), then shown until `shown_until`."""
    contact = contact_log(
        acting=counsellor,
        details=ContactDetails(
            channel="phone",
            categories=[Category.objects.order_by("pk").first()],
            summary="Made up for a test.",
            caller_key="a" * 64,
        ),
    )
    note = caller_note_add(
        acting=counsellor,
        contact=contact,
        note="Made up: prefers a woman counsellor.",
        flags=[],
        expires_on=timezone.localdate() + DAY,
    )
    CallerNote.objects.filter(pk=note.pk).update(expires_on=shown_until.date())
    return note


def test_a_caller_note_goes_only_after_its_time(db, counsellor):
    days = period_days("caller_notes")
    kept = a_caller_note(counsellor, shown_until=NOW - days * DAY)
    due = a_caller_note(counsellor, shown_until=NOW - (days + 1) * DAY)
    assert retention_run(now=NOW).erased["caller_notes"] == 1
    assert list(CallerNote.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not CallerNote.objects.filter(pk=due.pk).exists()


@pytest.fixture
def a_picture(make_member, counsellor):
    hotline = Agency.objects.create(country="VN", name="Child Online Hotline (test)", kind=AgencyKind.HOTLINE)
    make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)

    def make(passed: datetime, seed: int) -> ReceivedImage:
        report = report_submit(
            content=ReportContent(about="me", safe_now="yes", description="Made up: a chat picture."),
            idempotency_key=f"picture-{seed}",
        ).report
        image = received_image_add(
            passed_by=counsellor, report=report, content=synthetic_picture(1, seed=seed, label="synthetic")
        )
        ReceivedImage.objects.filter(pk=image.pk).update(passed_at=passed)
        image.refresh_from_db()
        return image

    return make


def test_a_picture_passed_from_a_chat_goes_with_its_file_only_after_its_time(db, a_picture):
    days = period_days("received_pictures")
    kept = a_picture(NOW - days * DAY + timedelta(hours=1), seed=1)
    due = a_picture(NOW - days * DAY - timedelta(hours=1), seed=2)
    assert default_storage.exists(due.storage_name)
    assert retention_run(now=NOW).erased["received_pictures"] == 1
    assert list(ReceivedImage.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not default_storage.exists(due.storage_name)
    assert default_storage.exists(kept.storage_name)


def test_a_picture_whose_report_led_to_an_open_case_is_kept(db, a_picture, worker, open_case):  # noqa: F811
    due = a_picture(NOW - 3000 * DAY, seed=3)
    case = open_case(worker)
    Case.objects.filter(pk=case.pk).update(source_report=Report.objects.get(pk=due.report_id))
    assert retention_run(now=NOW).erased["received_pictures"] == 0
    assert ReceivedImage.objects.filter(pk=due.pk).exists()
