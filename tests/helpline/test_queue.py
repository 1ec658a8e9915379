"""The queue: what waits, in what order, who holds what, and two counsellors reaching for one report."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from childshield.accounts.models import Agency, AgencyKind, Membership, Role
from childshield.accounts.navigation import navigation_for
from childshield.audit.models import AuditEvent
from childshield.core.errors import ApplicationError
from childshield.helpline.models import QueueClaim
from childshield.helpline.services.queue import (
    AlreadyClaimed,
    queue_claim,
    queue_hand_over,
    queue_release,
    queue_reply,
)
from childshield.intake.models import Report, Screening
from childshield.intake.services import report_message_from_reporter, report_message_from_staff
from tests.helpline.conftest import age_report

pytestmark = pytest.mark.django_db


def _positions(html: str, *reports: Report) -> list[int]:
    return [html.index(f'data-queue-item="{report.reference}"') for report in reports]


def test_urgent_items_come_first_then_the_longest_waiting(sign_in, counsellor, send_report):
    old_calm = age_report(send_report(), 30)
    burst = age_report(send_report(screening=Screening.FLOOD), 60)
    new_calm = age_report(send_report(), 5)
    not_safe = age_report(send_report(safe_now="no"), 1)
    # Said they were safe, but the words say otherwise: the signal makes it urgent too.
    words_urgent = age_report(send_report(description="Em muon chet, khong muon song nua"), 2)

    html = sign_in(counsellor).get("/en/helpline/").content.decode()

    order = _positions(html, words_urgent, not_safe, old_calm, new_calm, burst)
    assert order == sorted(order)
    assert 'data-flag="self_harm"' in html
    assert "muon chet" not in html  # the words are shown on the item's page, where reading them is audited
    assert 'data-waiting-minutes="30"' in html


def test_an_answered_report_leaves_the_queue_until_the_reporter_writes_back(sign_in, counsellor, send_report):
    report = send_report()
    client = sign_in(counsellor)
    report_message_from_staff(acting=counsellor, report=report, body="We are here for you.")
    assert report.reference not in client.get("/en/helpline/").content.decode()

    report_message_from_reporter(
        report=report, body="Thank you, he wrote again", idempotency_key=None, client="t"
    )
    html = client.get("/en/helpline/").content.decode()
    assert f'data-queue-item="{report.reference}"' in html
    assert "Reporter replied" in html


def test_a_counsellor_claims_a_report_and_colleagues_see_who_holds_it(
    sign_in, counsellor, second_counsellor, send_report
):
    report = send_report()
    response = sign_in(counsellor).post(f"/en/helpline/queue/{report.reference}/claim/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/helpline/queue/{report.reference}/reply/"

    other = Client()
    other.post(
        "/en/account/sign-in/",
        {"username": second_counsellor.user.email, "password": "a-long-test-password-1"},
    )
    html = other.get("/en/helpline/").content.decode()
    assert "Test Counsellor" in html
    assert f"Claim {report.display_reference}" not in html
    assert AuditEvent.objects.filter(reason=f"claimed report {report.display_reference}").exists()


def test_the_second_counsellor_to_claim_is_told_who_won(sign_in, counsellor, second_counsellor, send_report):
    report = send_report()
    queue_claim(acting=counsellor, report=report)

    with pytest.raises(AlreadyClaimed) as refused:
        queue_claim(acting=second_counsellor, report=report)
    assert "Test Counsellor" in str(refused.value.message)

    client = sign_in(second_counsellor)
    response = client.post(f"/en/helpline/queue/{report.reference}/claim/", follow=True)
    assert "Test Counsellor took this report a moment ago" in response.content.decode()
    assert QueueClaim.objects.get(report=report).holder == counsellor


def test_claiming_twice_is_harmless_for_the_holder(counsellor, send_report):
    report = send_report()
    first = queue_claim(acting=counsellor, report=report)
    assert queue_claim(acting=counsellor, report=report).pk == first.pk


def test_the_holder_hands_over_and_then_cannot_release_it(counsellor, second_counsellor, send_report):
    report = send_report()
    queue_claim(acting=counsellor, report=report)
    queue_hand_over(acting=counsellor, report=report, to=second_counsellor)
    assert QueueClaim.objects.get(report=report).holder == second_counsellor

    # The old holder's stale page: the conditional update finds nothing to change.
    with pytest.raises(ApplicationError):
        queue_hand_over(acting=counsellor, report=report, to=counsellor)
    with pytest.raises(ApplicationError):
        queue_release(acting=counsellor, report=report)


def test_a_supervisor_releases_an_item_a_counsellor_holds(sign_in, counsellor, supervisor, send_report):
    report = send_report()
    queue_claim(acting=counsellor, report=report)
    response = sign_in(supervisor).post(f"/en/helpline/queue/{report.reference}/release/", follow=True)
    assert "back in the queue" in response.content.decode()
    assert f"Claim {report.display_reference}" in response.content.decode()


def test_hand_over_from_the_page(sign_in, counsellor, second_counsellor, send_report):
    report = send_report()
    queue_claim(acting=counsellor, report=report)
    response = sign_in(counsellor).post(
        f"/en/helpline/queue/{report.reference}/hand-over/", {"to": second_counsellor.pk}, follow=True
    )
    assert "is now with Test Second" in response.content.decode()


def test_nobody_outside_a_helpline_sees_the_queue(sign_in, worker, send_report):
    send_report()
    client = sign_in(worker)
    assert client.get("/en/helpline/").status_code == 403
    assert client.get("/en/helpline/queue/rows/").status_code == 403
    assert all(item.url_name != "helpline:queue" for item in navigation_for(worker))


def test_the_queue_is_in_the_counsellors_navigation(counsellor):
    names = [item.url_name for item in navigation_for(counsellor)]
    assert "helpline:queue" in names and "helpline:contact_new" in names


def test_the_live_rows_show_a_new_report_without_the_page(sign_in, counsellor, send_report):
    client = sign_in(counsellor)
    assert "Nothing is waiting" in client.get("/en/helpline/queue/rows/").content.decode()
    report = send_report()
    rows = client.get("/en/helpline/queue/rows/", headers={"HX-Request": "true"}).content.decode()
    assert f'data-queue-item="{report.reference}"' in rows
    assert "<html" not in rows


def test_the_queue_costs_the_same_number_of_queries_for_many_items(
    sign_in, counsellor, second_counsellor, send_report
):
    client = sign_in(counsellor)
    queue_claim(acting=second_counsellor, report=send_report())
    client.get("/en/helpline/")
    with CaptureQueriesContext(connection) as few:
        client.get("/en/helpline/")
    for _ in range(8):
        queue_claim(acting=second_counsellor, report=send_report())
        send_report()
    client.get("/en/helpline/")
    with CaptureQueriesContext(connection) as many:
        client.get("/en/helpline/")
    assert len(many) == len(few)


def test_supervisors_are_alerted_to_urgent_items_left_waiting(
    sign_in, counsellor, supervisor, send_report, settings
):
    settings.HELPLINE_URGENT_ALERT_MINUTES = 10
    overdue = age_report(send_report(safe_now="no"), 12)
    age_report(send_report(safe_now="no"), 3)  # urgent, not yet overdue
    age_report(send_report(), 60)  # overdue but not urgent

    html = sign_in(supervisor).get("/en/helpline/queue/rows/").content.decode()
    assert 'data-overdue="1"' in html
    assert "1 urgent item has waited more than 10 minutes." in html
    assert overdue.display_reference in html

    # Counsellors see the long wait on the row, without the supervisors' alert.
    html = sign_in(counsellor).get("/en/helpline/queue/rows/").content.decode()
    assert "data-overdue" not in html
    assert html.count('class="waiting-long"') == 1


@pytest.fixture
def other_helpline_supervisor(make_member) -> Membership:
    """The supervisor of a second helpline in the same country (an NGO line beside the national one)."""
    agency = Agency.objects.create(country="VN", name="Second Helpline (test)", kind=AgencyKind.HELPLINE)
    return make_member(email="other-supervisor@example.org", role=Role.HELPLINE_SUPERVISOR, agency=agency)


def test_another_helplines_supervisor_cannot_release_hand_over_or_answer_a_held_report(
    sign_in, counsellor, second_counsellor, other_helpline_supervisor, send_report
):
    report = send_report()
    queue_claim(acting=counsellor, report=report)
    client = sign_in(other_helpline_supervisor)
    client.post(f"/en/helpline/queue/{report.reference}/release/")
    client.post(f"/en/helpline/queue/{report.reference}/hand-over/", {"to": second_counsellor.pk})
    client.post(f"/en/helpline/queue/{report.reference}/reply/", {"body": "Hello from elsewhere"})

    assert QueueClaim.objects.get(report=report).holder == counsellor
    rows = client.get("/en/helpline/queue/rows/").content.decode()
    assert f"/queue/{report.reference}/release/" not in rows
    assert not report.messages.filter(sender="staff").exists()
    with pytest.raises(ApplicationError):
        queue_release(acting=other_helpline_supervisor, report=report)
    with pytest.raises(ApplicationError):
        queue_reply(acting=other_helpline_supervisor, report=report, body="Hello from elsewhere")
    with pytest.raises(ApplicationError):
        queue_hand_over(acting=other_helpline_supervisor, report=report, to=other_helpline_supervisor)
    assert QueueClaim.objects.get(report=report).holder == counsellor


def test_the_holding_helplines_supervisor_still_answers_and_releases(counsellor, supervisor, send_report):
    report = send_report()
    queue_claim(acting=counsellor, report=report)
    queue_reply(acting=supervisor, report=report, body="A supervisor's answer")
    queue_release(acting=supervisor, report=report)
    assert not QueueClaim.objects.filter(report=report).exists()


def test_a_held_report_cannot_be_answered_from_its_page_by_another_counsellor(
    sign_in, counsellor, second_counsellor, send_report
):
    """The report's own page obeys the claim too: the queue's rule cannot be gone around."""
    report = send_report()
    queue_claim(acting=counsellor, report=report)
    page = sign_in(second_counsellor).post(
        f"/en/reports/{report.reference}/", {"body": "Answering over their shoulder"}
    )
    assert "Claim this report before you answer it." in page.content.decode()
    assert not report.messages.filter(sender="staff").exists()
