"""The helpline's side: who sees reports, in what order, and replying into the thread."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.accounts.navigation import navigation_for
from childshield.audit.models import AuditEvent
from childshield.intake.models import Report, ReportMessage, Screening
from childshield.intake.services import ReportContent, report_message_from_staff, report_submit

pytestmark = pytest.mark.django_db


def _report(key: str, *, safe_now: str = "yes", screening: Screening = Screening.CLEAR) -> Report:
    receipt = report_submit(
        content=ReportContent(about="me", safe_now=safe_now, harms=["grooming"], description=f"story {key}"),
        idempotency_key=key,
        screening=screening,
    )
    return receipt.report


def test_a_counsellor_sees_urgent_reports_first_then_the_longest_waiting(sign_in, counsellor):
    calm = _report("a")
    burst = _report("b", screening=Screening.FLOOD)
    urgent = _report("c", safe_now="no")
    later = _report("d")
    client = sign_in(counsellor)
    html = client.get("/en/reports/").content.decode()
    order = [html.index(f'data-report="{r.reference}"') for r in (urgent, calm, later, burst)]
    assert order == sorted(order)
    assert "Urgent" in html
    assert "story" not in html  # the list shows no free text


def test_the_list_costs_the_same_number_of_queries_for_many_reports(sign_in, counsellor):
    client = sign_in(counsellor)
    _report("first")
    with CaptureQueriesContext(connection) as few:
        client.get("/en/reports/")
    for index in range(10):
        _report(f"more-{index}")
    with CaptureQueriesContext(connection) as many:
        client.get("/en/reports/")
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "role", [Role.CASE_WORKER, Role.SYSTEM_ADMIN, Role.PROGRAMME_MANAGER, Role.HOTLINE_ANALYST]
)
def test_other_roles_cannot_list_or_read_reports(make_member, helpline_agency, client: Client, role):
    report = _report("x")
    member = make_member(email=f"{role}@example.org", role=role, agency=helpline_agency)
    client.post("/en/account/sign-in/", {"username": member.user.email, "password": "a-long-test-password-1"})
    assert client.get("/en/reports/").status_code == 403
    assert client.get(f"/en/reports/{report.reference}/").status_code == 403
    assert not any(item.url_name == "intake:report_list" for item in navigation_for(member))


def test_a_counsellor_outside_a_helpline_agency_cannot_read_reports(make_member, sign_in):
    school = Agency.objects.create(country="VN", name="A school (test)", kind=AgencyKind.SCHOOL)
    member = make_member(email="not-helpline@example.org", role=Role.COUNSELLOR, agency=school)
    client = sign_in(member)
    assert client.get("/en/reports/").status_code == 403


def test_a_counsellor_replies_into_the_thread_and_the_reading_is_audited(sign_in, counsellor):
    report = _report("r")
    client = sign_in(counsellor)
    page = client.get(f"/en/reports/{report.reference}/").content.decode()
    assert "story r" in page
    response = client.post(
        f"/en/reports/{report.reference}/", {"body": "We read your report. You are brave."}
    )
    assert response.status_code == 302
    message = ReportMessage.objects.get()
    assert (message.sender, message.author, message.body) == (
        "staff",
        counsellor,
        "We read your report. You are brave.",
    )
    assert AuditEvent.objects.filter(
        object_type="intake.Report", action="view", actor_id=str(counsellor.user.pk)
    ).exists()
    assert AuditEvent.objects.filter(object_type="intake.ReportMessage", action="create").exists()
    # the helpline's Queue supersedes the plain list in the navigation
    assert not any(item.url_name == "intake:report_list" for item in navigation_for(counsellor))


def test_a_supervisor_can_reply_too(sign_in, supervisor):
    report = _report("s")
    client = sign_in(supervisor)
    client.post(f"/en/reports/{report.reference}/", {"body": "Hello"})
    assert ReportMessage.objects.get().author == supervisor


def test_an_empty_reply_is_refused_with_the_form_kept(sign_in, counsellor):
    report = _report("e")
    client = sign_in(counsellor)
    response = client.post(f"/en/reports/{report.reference}/", {"body": "   "})
    assert response.status_code == 200
    assert not ReportMessage.objects.exists()


def test_the_list_shows_which_reports_wait_for_a_reply(sign_in, counsellor):
    answered = _report("answered")
    report_message_from_staff(acting=counsellor, report=answered, body="Hello")
    waiting = _report("waiting")
    client = sign_in(counsellor)
    html = client.get("/en/reports/").content.decode()

    def row(report: Report) -> str:
        start = html.index(f'data-report="{report.reference}"')
        return html[start : html.index("</tr>", start)]

    assert "Waiting for a reply" in row(waiting)
    assert "Waiting for a reply" not in row(answered)
