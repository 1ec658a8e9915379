"""A helpline counsellor opens a case from a report; the case keeps the link to it."""

import re

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.models import Case
from childshield.intake.services import ReportContent, report_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(db):
    content = ReportContent(
        about="me",
        safe_now="no",
        harms=["threatened", "asked_for_pictures"],
        description="A man in a game wants more photos or he shows my class.",
        gender="girl",
    )
    return report_submit(content=content, idempotency_key="test-report-1", language="vi").report


@pytest.fixture
def counsellor(make_member):
    helpline = Agency.objects.create(country="VN", name="Helpline 111 (test)", kind=AgencyKind.HELPLINE)
    return make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=helpline)


def test_a_counsellor_opens_a_case_from_a_report(counsellor, report, commune, sign_in):
    client = sign_in(counsellor)
    page = client.get("/en/cases/open/", {"report": report.reference}).content.decode()
    assert "A man in a game wants more photos" in page
    assert re.search(r'value="sextortion"[^>]*checked', page)
    assert re.search(r'value="self_generated_pressure"[^>]*checked', page)
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="intake.Report").exists()
    response = client.post(
        "/en/cases/open/",
        {
            "report": report.reference,
            "full_name": "Ngọc",
            "estimated_age": "14",
            "sex": "female",
            "gender": "girl",
            "area": commune.pk,
            "harm_types": ["sextortion"],
            "risk_level": "high",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.source_report == report
    assert report.display_reference in client.get(f"/en/cases/{case.pk}/").content.decode()


def test_someone_who_may_not_read_reports_gets_an_empty_form(worker, report, sign_in):
    page = sign_in(worker).get("/en/cases/open/", {"report": report.reference}).content.decode()
    assert "A man in a game" not in page
    assert 'name="report"' not in page
