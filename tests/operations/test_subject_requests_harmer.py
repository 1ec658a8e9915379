"""A person recorded as having harmed a child asks what is held about them: the whole request, through
the pages, discloses none of the child, the case, the reporter or the staff (issue 21)."""

import json
import re

import pytest
from django.urls import reverse

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.services.opening import case_open
from childshield.cases.services.people_who_harmed import person_who_harmed_add
from childshield.intake.services import ReportContent, report_submit
from childshield.operations.models import SubjectRequest, SubjectRequestStatus
from tests.cases.conftest import child_input, commune, consent_input  # noqa: F401 (fixture)

HARMER = "Trần Văn Bình"


@pytest.fixture
def admin(make_member):
    helpline = Agency.objects.create(country="VN", name="Child Helpline (admins)", kind=AgencyKind.HELPLINE)
    return make_member(email="sysadmin@example.org", role=Role.SYSTEM_ADMIN, agency=helpline)


@pytest.fixture
def harmed_case(worker, social_agency, commune):  # noqa: F811 (commune: the fixture imported above)
    report = report_submit(
        content=ReportContent(
            about="friend",
            safe_now="no",
            description="Made up: my friend Hoa gets threats from her uncle.",
            contact_method="phone",
            contact="0977 000 222",
        ),
        idempotency_key="harmer-test-report",
    ).report
    case = case_open(
        acting=worker,
        child=child_input(commune),
        risk_level="high",
        harm_types=["sextortion"],
        summary="Made up: the uncle threatens to share pictures.",
        consent=consent_input(social_agency),
        source_report=report,
    )
    person = person_who_harmed_add(
        acting=worker,
        case=case,
        relationship="family",
        contact="both",
        age_group="adult",
        identity_known=True,
        # A worker wrote the child's name and the case number into it: they must not come out.
        description=f"{HARMER}, Hoa's uncle (case {case.number}); Facebook tran.binh.99",
    )
    return case, report, person


def never_shown(case, report, worker) -> list[str]:
    child = case.child
    return [
        "Hoa",
        child.full_name,
        child.date_of_birth,
        "14/03/2012",
        child.school,
        child.safe_contact,
        "Nguyễn Văn Nam",
        "0912 345 678",
        case.number,
        case.summary,
        report.reference,
        report.display_reference,
        report.description,
        "0977 000 222",
        worker.user.full_name,
        worker.user.email,
        worker.agency.name,
    ]


def test_an_access_request_by_a_person_who_harmed_discloses_no_child(admin, worker, harmed_case, sign_in):
    case, report, person = harmed_case
    client = sign_in(admin)
    pages = []

    response = client.post(
        reverse("operations:subject_request_add"),
        {
            "kind": "access",
            "requester_name": HARMER,
            "requester_role": "self",
            "requester_contact": "by post",
        },
    )
    request = SubjectRequest.objects.get()
    assert response.status_code == 302
    detail = reverse("operations:subject_request_detail", args=[request.pk])
    pages.append(client.get(detail))
    response = client.post(
        reverse("operations:subject_request_identity", args=[request.pk]),
        {"document": "id_card", "checked_by": "The administrator", "checked_at": "2020-01-01T10:00"},
    )
    assert response.status_code == 200  # before the request was received: refused
    response = client.post(
        reverse("operations:subject_request_identity", args=[request.pk]),
        {
            "document": "id_card",
            "checked_by": "The administrator",
            "checked_at": request.received_at.isoformat(),
        },
    )
    assert response.status_code == 302
    find = reverse("operations:subject_request_find", args=[request.pk])
    found = client.post(find, {"kind": "person_who_harmed", "query": case.number})
    assert HARMER in found.content.decode() and "tran.binh.99" in found.content.decode()
    pages.append(found)
    assert client.post(find, {"kind": "person_who_harmed", "candidate": str(person.pk)}).status_code == 302

    page = client.get(reverse("operations:subject_request_export", args=[request.pk]))
    download = client.get(reverse("operations:subject_request_export_json", args=[request.pk]))
    assert page.status_code == download.status_code == 200
    exported = json.loads(download.content)
    assert set(exported) == {"request", "about", "notes", "recorded_about_you"}
    (record,) = exported["recorded_about_you"]
    assert set(record) == {
        "description",
        "relationship",
        "contact",
        "age_group",
        "identity_known",
        "recorded_on",
    }
    assert record["description"] == f"{HARMER}, […]'s uncle (case […]); Facebook tran.binh.99"
    assert HARMER in page.content.decode()
    pages += [page, download]
    client.post(reverse("operations:subject_request_answer", args=[request.pk]), {"note": "Sent by post."})
    request.refresh_from_db()
    assert request.status == SubjectRequestStatus.ANSWERED
    pages += [client.get(detail), client.get(reverse("operations:subject_request_list"))]

    for response in pages:
        text = response.content.decode()
        for secret in never_shown(case, report, worker):
            assert secret not in text, f"{secret!r} disclosed by {response.wsgi_request.path}"
        assert not re.search(r"/cases/\d", text), "a link to a case"
