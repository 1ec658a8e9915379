"""Data-subject requests (issue 21): the identity checked before anything is disclosed, each step in
the request's history, what each kind of person is shown, and erasure refused for a case's duty or a
hold, or made as retention makes it and journalled for a restore."""

import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditEvent
from childshield.cases.models import Child
from childshield.core.errors import ApplicationError
from childshield.intake.models import Report, ReportMessage
from childshield.intake.services import ReportContent, report_message_from_staff, report_submit
from childshield.operations.holds import legal_hold_add
from childshield.operations.models import Erasure, RefusalReason, SubjectKind, SubjectRequestStatus
from childshield.operations.retention import JOURNAL_DIR, journal_read, retention_reapply
from childshield.operations.subject_requests import (
    RequestInput,
    subject_export,
    subject_request_answer,
    subject_request_create,
    subject_request_erase,
    subject_request_identity_record,
    subject_request_subject_set,
)
from tests.cases.conftest import commune, open_case  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def journal_cleared():
    yield
    try:
        _, names = default_storage.listdir(JOURNAL_DIR)
    except FileNotFoundError:
        return
    for name in names:
        default_storage.delete(f"{JOURNAL_DIR}{name}")


@pytest.fixture
def admin(make_member):
    helpline = Agency.objects.create(country="VN", name="Child Helpline (admins)", kind=AgencyKind.HELPLINE)
    return make_member(email="sysadmin@example.org", role=Role.SYSTEM_ADMIN, agency=helpline)


def a_request(admin, kind: str = "access", *, checked: bool = True):
    request = subject_request_create(
        acting=admin, data=RequestInput(kind=kind, requester_name="Made-up Name")
    )
    if checked:
        request = subject_request_identity_record(
            acting=admin, request=request, document="id_card", checked_by="Admin", checked_at=timezone.now()
        )
    return request


def about(admin, kind: str, subject_kind: str, record_id: int, part: int | None = None):
    return subject_request_subject_set(
        acting=admin, request=a_request(admin, kind), kind=subject_kind, record_id=record_id, part=part
    )


def a_report(key: str = "subject-report") -> Report:
    return report_submit(
        content=ReportContent(
            about="me",
            safe_now="yes",
            description="Made up: someone keeps messaging me.",
            contact_method="phone",
            contact="0900 000 111",
        ),
        idempotency_key=key,
    ).report


def test_the_due_date_is_the_countrys_period_marked_check(admin):
    request = a_request(admin, checked=False)
    assert request.due_at == request.received_at + timedelta(hours=72)
    assert request.status == SubjectRequestStatus.RECEIVED


def test_nothing_is_disclosed_before_the_identity_is_checked(admin, sign_in):
    request = a_request(admin, checked=False)
    with pytest.raises(ApplicationError):
        subject_request_subject_set(
            acting=admin, request=request, kind=SubjectKind.STAFF_USER, record_id=admin.user_id
        )
    request.subject_kind, request.subject_id = SubjectKind.STAFF_USER, admin.user_id
    request.save()
    with pytest.raises(ApplicationError):
        subject_export(acting=admin, request=request, form="json")
    client = sign_in(admin)
    response = client.get(reverse("operations:subject_request_export_json", args=[request.pk]))
    assert response.status_code == 409
    assert admin.user.email not in response.content.decode()


def test_each_step_is_audited_and_shown_as_the_requests_history(admin, sign_in):
    request = about(admin, "access", SubjectKind.STAFF_USER, admin.user_id)
    subject_export(acting=admin, request=request, form="json")
    subject_request_answer(acting=admin, request=request, note="Sent by e-mail.")
    reasons = list(
        AuditEvent.objects.filter(object_type="operations.SubjectRequest", object_id=str(request.pk))
        .order_by("occurred_at", "pk")
        .values_list("reason", flat=True)
    )
    assert reasons == [
        "data-subject request received: access",
        "identity checked: id_card",
        "subject found: staff_user",
        "what is held exported (json)",
        "answered: access",
    ]
    # The read is audited on the person's own record too.
    assert AuditEvent.objects.filter(object_type="accounts.User", object_id=str(admin.user_id)).exists()
    page = (
        sign_in(admin).get(reverse("operations:subject_request_detail", args=[request.pk])).content.decode()
    )
    assert all(reason in page for reason in reasons)


def test_only_system_administrators_handle_requests(counsellor, sign_in):
    assert sign_in(counsellor).get(reverse("operations:subject_request_list")).status_code == 403


def test_a_staff_member_gets_their_account_memberships_and_audit_events_without_reasons(admin):
    request = about(admin, "access", SubjectKind.STAFF_USER, admin.user_id)
    exported = subject_export(acting=admin, request=request, form="json").as_json()
    assert exported["account"][0]["email"] == "sysadmin@example.org"
    assert [row["role"] for row in exported["memberships"]] == ["System administrator"]
    assert exported["audit_events"] and all("reason" not in row for row in exported["audit_events"])


def test_a_reporter_gets_their_reports_answers_and_thread_with_staff_unnamed(admin, counsellor):
    report = a_report()
    report_message_from_staff(acting=counsellor, report=report, body="Made up: we are here for you.")
    request = about(admin, "access", SubjectKind.REPORTER, report.pk)
    exported = subject_export(acting=admin, request=request, form="json").as_json()
    assert exported["report"][0]["description"] == "Made up: someone keeps messaging me."
    assert exported["report"][0]["contact"] == "0900 000 111"
    assert [row["words"] for row in exported["messages"]] == ["Made up: we are here for you."]
    assert counsellor.user.full_name not in json.dumps(exported, ensure_ascii=False)


def test_a_child_gets_their_record_and_cases_facts_not_the_workers_words(admin, worker, open_case):  # noqa: F811
    case = open_case(worker)
    request = about(admin, "access", SubjectKind.CHILD, case.child_id)
    exported = subject_export(acting=admin, request=request, form="json").as_json()
    assert exported["child"][0]["full_name"] == "Nguyễn Thị Hoa"
    assert exported["child"][0]["date_of_birth"] == "2012-03-14"
    assert [row["number"] for row in exported["cases"]] == [case.number]
    assert case.summary not in json.dumps(exported, ensure_ascii=False)


def test_a_caregiver_gets_their_own_entry_only(admin, worker, open_case):  # noqa: F811
    case = open_case(worker)
    request = about(admin, "access", SubjectKind.CAREGIVER, case.child_id, part=0)
    exported = subject_export(acting=admin, request=request, form="json").as_json()
    assert exported["caregiver"] == [
        {"name": "Nguyễn Văn Nam", "relationship": "father", "phone": "0912 345 678"}
    ]
    assert "Nguyễn Thị Hoa" not in json.dumps(exported, ensure_ascii=False)


def test_a_correction_is_answered_with_what_changed(admin, worker, open_case):  # noqa: F811
    case = open_case(worker)
    request = about(admin, "correction", SubjectKind.CHILD, case.child_id)
    with pytest.raises(ApplicationError):
        subject_request_answer(acting=admin, request=request, note=" ")
    request = subject_request_answer(
        acting=admin, request=request, note="The school corrected by the case worker."
    )
    assert request.status == SubjectRequestStatus.ANSWERED
    assert request.answer_note == "The school corrected by the case worker."
    assert request.answered_by == admin and request.answered_at is not None


# Erasure ---------------------------------------------------------------------------------------------------


def test_erasure_for_a_child_whose_case_is_open_is_refused_for_the_childs_protection(
    admin,
    worker,
    open_case,  # noqa: F811
    sign_in,
):
    case = open_case(worker)
    request = about(admin, "erasure", SubjectKind.CHILD, case.child_id)
    response = sign_in(admin).post(reverse("operations:subject_request_erase", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == SubjectRequestStatus.REFUSED
    assert request.refusal_reason == RefusalReason.CASE_DUTY
    assert request.answer_note.startswith("Child-protection duties to keep the case override erasure.")
    assert "Decree 13/2023/ND-CP" in request.answer_note and "(check)" in request.answer_note
    assert Child.objects.get(pk=case.child_id).full_name == "Nguyễn Thị Hoa"
    assert not Erasure.objects.exists()
    # Nor may it be marked erased by hand.
    with pytest.raises(ApplicationError):
        subject_request_answer(
            acting=admin, request=about(admin, "erasure", "child", case.child_id), note="x"
        )


def test_erasure_for_the_reporter_of_a_report_that_became_a_case_is_refused(admin, worker, open_case):  # noqa: F811
    case = open_case(worker)
    report = a_report()
    case.source_report = report
    case.save(update_fields=["source_report"])
    outcome = subject_request_erase(acting=admin, request=about(admin, "erasure", "reporter", report.pk))
    assert not outcome.erased and outcome.request.refusal_reason == RefusalReason.CASE_DUTY
    report.refresh_from_db()
    assert report.description


def test_erasure_of_a_held_report_is_refused_for_the_hold(admin):
    report = a_report()
    legal_hold_add(record="intake.Report", record_id=report.pk, reason="Made-up court order", by="Judge")
    outcome = subject_request_erase(acting=admin, request=about(admin, "erasure", "reporter", report.pk))
    assert not outcome.erased and outcome.request.refusal_reason == RefusalReason.LEGAL_HOLD
    assert "court" not in outcome.request.answer_note


def test_erasure_of_an_unfollowed_report_is_journalled_and_made_again_after_a_restore(admin):
    report = a_report()
    ReportMessage.objects.create(report=report, sender="reporter", body="Made up: are you there?")
    before = timezone.now() - timedelta(seconds=1)
    outcome = subject_request_erase(acting=admin, request=about(admin, "erasure", "reporter", report.pk))
    assert outcome.erased and outcome.request.status == SubjectRequestStatus.ANSWERED
    report.refresh_from_db()
    assert (report.description, report.contact, report.passphrase_hash) == ("", None, "")
    assert set(ReportMessage.objects.filter(report=report).values_list("body", flat=True)) == {""}
    assert Erasure.objects.filter(kind="report_unfollowed", record_id=report.pk).exists()
    assert [(kind, pk) for kind, pk, _at in journal_read(since=before)] == [("report_unfollowed", report.pk)]

    # A restore from a backup taken before: the words are back and the database forgot the erasure.
    Erasure.objects.all().delete()
    Report.objects.filter(pk=report.pk).update(description="Made up, restored.", contact="0900 000 111")
    ReportMessage.objects.filter(report=report).update(body="Made up, restored.")
    assert retention_reapply(since=before) == {"report_unfollowed": 1}
    report.refresh_from_db()
    assert (report.description, report.contact) == ("", None)
    assert set(ReportMessage.objects.filter(report=report).values_list("body", flat=True)) == {""}
    assert Erasure.objects.filter(kind="report_unfollowed", record_id=report.pk).exists()


def test_erasure_of_what_is_not_built_changes_nothing_and_says_so(admin):
    request = about(admin, "erasure", SubjectKind.STAFF_USER, admin.user_id)
    with pytest.raises(ApplicationError, match="not built"):
        subject_request_erase(acting=admin, request=request)
    request.refresh_from_db()
    assert request.is_open
