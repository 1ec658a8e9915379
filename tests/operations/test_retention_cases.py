"""Retention of closed cases with a frozen clock: a case closed for its period, every other case of
its child closed too and the child grown up, loses everything identifying; nothing sooner, nothing
else, nothing held; the figures count the same."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from childshield.cases.models import Case, Child
from childshield.cases.models.children import ChildDuplicateKey, ChildNamePart
from childshield.cases.models.notes import Attachment, CaseNote
from childshield.cases.name_search import query_part_indexes
from childshield.cases.services.attachments import attachment_add
from childshield.cases.services.notes import note_add
from childshield.hashing.synthetic import synthetic_picture
from childshield.insights.figures.refresh import refresh
from childshield.insights.figures.sources import Source
from childshield.insights.models import MonthlyCount
from childshield.intake.models import Report, ReportMessage
from childshield.intake.services import ReportContent, report_submit
from childshield.operations.holds import legal_hold_add
from childshield.operations.models import Erasure
from childshield.operations.retention import JOURNAL_DIR, retention_reapply, retention_run
from childshield.operations.retention_periods import period_days
from tests.cases.conftest import child_input, commune, open_case  # noqa: F401 (fixtures)

NOW = datetime(2031, 3, 15, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def journal_cleared():
    yield
    try:
        _, names = default_storage.listdir(JOURNAL_DIR)
    except FileNotFoundError:
        return
    for name in names:
        default_storage.delete(f"{JOURNAL_DIR}{name}")


def closed(case: Case, when: datetime) -> Case:
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=when)
    case.refresh_from_db()
    return case


@pytest.fixture
def a_case(worker, open_case, commune):  # noqa: F811 (the fixtures imported above)
    def make(*, closed_at: datetime | None, **child: object) -> Case:
        case = open_case(worker, child=child_input(commune, **child)) if child else open_case(worker)
        note_add(acting=worker, case=case, body="Made up: the child told the teacher.")
        attachment_add(
            acting=worker,
            case=case,
            upload=SimpleUploadedFile(
                "form.png", synthetic_picture(1, seed=case.pk, label="synthetic"), content_type="image/png"
            ),
            description="Made-up signed form",
        )
        return closed(case, closed_at) if closed_at else case

    return make


def erased(case: Case) -> bool:
    case.refresh_from_db()
    return case.summary == "" and Erasure.objects.filter(kind="closed_case", record_id=case.pk).exists()


def test_a_case_closed_for_its_period_loses_what_identifies_the_child(db, a_case):
    days = period_days("closed_case")
    kept = a_case(
        closed_at=NOW - days * DAY + HOUR, full_name="Trần Văn Kiên", date_of_birth=date(2011, 5, 2)
    )
    due = a_case(closed_at=NOW - days * DAY - HOUR)
    attachment = Attachment.objects.get(case=due)
    assert default_storage.exists(attachment.storage_name)

    assert retention_run(now=NOW).erased["closed_case"] == 1

    child = Child.objects.get(pk=due.child_id)
    assert (child.full_name, child.school, child.caregivers, child.safe_contact, child.date_of_birth) == (
        "",
        "",
        [],
        "",
        None,
    )
    assert not ChildNamePart.objects.filter(child=child).exists()
    assert not ChildDuplicateKey.objects.filter(child=child).exists()
    assert not ChildNamePart.objects.filter(part_index__in=query_part_indexes("Nguyễn Thị Hoa")).exclude(
        child__cases=kept
    )
    assert CaseNote.objects.get(case=due).body == ""
    assert not Attachment.objects.filter(case=due).exists()
    assert not default_storage.exists(attachment.storage_name)
    assert erased(due)
    # What the figures count stays.
    due.refresh_from_db()
    assert (child.birth_year, child.gender, due.harm_types) == (2012, "girl", ["sextortion"])
    # The one an hour short of its time is whole.
    kept.refresh_from_db()
    assert kept.child.full_name == "Trần Văn Kiên"
    assert CaseNote.objects.get(case=kept).body.startswith("Made up")
    assert Attachment.objects.filter(case=kept).exists()


def test_another_case_of_the_child_still_open_keeps_both(db, a_case, worker, open_case):  # noqa: F811
    due = a_case(closed_at=NOW - 4000 * DAY)
    other = open_case(worker, duplicates_acknowledged=True)
    Case.objects.filter(pk=other.pk).update(child=due.child)
    assert retention_run(now=NOW).erased["closed_case"] == 0
    assert Child.objects.get(pk=due.child_id).full_name == "Nguyễn Thị Hoa"


def test_a_child_not_yet_grown_up_is_kept(db, a_case):
    young = a_case(closed_at=NOW - 4000 * DAY, date_of_birth=date(2015, 1, 1))
    assert retention_run(now=NOW).erased["closed_case"] == 0
    assert Child.objects.get(pk=young.child_id).full_name == "Nguyễn Thị Hoa"


def test_a_hold_on_the_child_keeps_the_case(db, a_case):
    due = a_case(closed_at=NOW - 4000 * DAY)
    legal_hold_add(record="cases.Child", record_id=due.child_id, reason="Made up: a court asked.", by="Test")
    assert retention_run(now=NOW).held["closed_case"] == 1
    assert not erased(due)


def test_the_source_report_loses_its_words_with_the_case(db, a_case):
    receipt = report_submit(
        content=ReportContent(
            about="me",
            safe_now="yes",
            harms=["bullying"],
            description="Made up: someone keeps messaging me.",
            contact_method="phone",
            contact="0900 000 222",
        ),
        idempotency_key="closed-case-source",
    )
    due = a_case(closed_at=NOW - 4000 * DAY)
    Case.objects.filter(pk=due.pk).update(source_report=receipt.report)
    retention_run(now=NOW)
    report = Report.objects.get(pk=receipt.report.pk)
    assert (report.description, report.contact) == ("", None)
    assert set(ReportMessage.objects.filter(report=report).values_list("body", flat=True)) <= {""}


def test_cases_opened_count_the_same_after_the_erasure(db, a_case):
    due = a_case(closed_at=NOW - 4000 * DAY)
    month = date(due.opened_at.year, due.opened_at.month, 1)

    def counts() -> list[tuple[str, str, int]]:
        refresh([month], sources=[Source.CASES_OPENED])
        return list(
            MonthlyCount.objects.filter(source=Source.CASES_OPENED)
            .order_by("dimension", "value")
            .values_list("dimension", "value", "count")
        )

    before = counts()
    assert before
    assert retention_run(now=NOW).erased["closed_case"] == 1
    assert counts() == before


def test_a_restore_erases_the_case_again(db, a_case):
    due = a_case(closed_at=NOW - 4000 * DAY)
    name = Child.objects.get(pk=due.child_id).full_name
    retention_run(now=NOW)
    # As a restore from a backup made before the run: the values back, the database's journal gone.
    Child.objects.filter(pk=due.child_id).update(full_name=name)
    Erasure.objects.all().delete()
    assert retention_reapply(since=NOW - HOUR) == {"closed_case": 1}
    assert Child.objects.get(pk=due.child_id).full_name == ""
