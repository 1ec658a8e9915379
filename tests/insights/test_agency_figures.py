"""A case supervisor's exact figures for their own agency (issue 18, C15): caseloads per worker, open and
overdue cases, the safety assessments' timeliness, referrals per partner agency and closures, marked
confidential on the page and in the file, never another agency's.

The standing world, every figure worked out by hand below: the social work office (the supervisor's
agency) opens six cases on 10 March 2026 at 09:00, each with its safety assessment due 24 hours later.
The police (another agency) open one, and the school sends the office two referrals.
"""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from childshield.accounts.models import Membership, Role
from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.models import Assessment, Case
from childshield.cases.models.cases import CaseStatus, RiskLevel
from childshield.cases.models.closure import ClosureWarning
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.referrals import Urgency
from childshield.cases.services.assessments import assessment_forms_default_install, assessment_record
from childshield.cases.services.assignments import case_reassign
from childshield.cases.services.closure import case_closure_approve, case_closure_request
from childshield.cases.services.referrals import referral_accept, referral_decline, referral_send
from childshield.core.periods import Period
from childshield.directory.models import ServiceKind
from childshield.insights.agency import agency_figures
from tests.cases.conftest import child_input
from tests.cases.test_assessments import SAFE

pytestmark = pytest.mark.django_db

MARCH = Period(2026, 3)
HOUR = timedelta(hours=1)


def values(table):
    return {cell.item: cell.count for cell in table.cells} | {"total": table.total.count}


@pytest.fixture
def police_supervisor(make_member, outsider_agency):
    return make_member(
        email="police-supervisor@example.org", role=Role.CASE_SUPERVISOR, agency=outsider_agency
    )


@pytest.fixture
def world(
    clock,
    open_case,
    commune,
    worker,
    colleague,
    supervisor,
    outsider,
    focal_point,
    make_member,
    social_agency,
    outsider_agency,
    school_agency,
):
    """The office's six cases (c1 to c6), the police's one, and the referrals; the clock left on 12 March."""
    t0 = timezone.make_aware(datetime(2026, 3, 10, 9, 0))
    clock.now = t0
    make_member(email="lan@example.org", role=Role.CASE_WORKER, agency=social_agency)  # leads none
    former = make_member(email="former@example.org", role=Role.CASE_WORKER, agency=social_agency)
    safety, _comprehensive = assessment_forms_default_install()
    names = iter(f"Demo Child {letter}" for letter in "ABCDEFGHIJ")

    def opened(lead, case_supervisor, risk, *, consent_to=(social_agency,)):
        return open_case(
            lead,
            child=child_input(commune, full_name=next(names)),
            supervisor=case_supervisor,
            risk_level=risk,
            consent_to=list(consent_to),
        )

    both = (social_agency, outsider_agency)
    c1 = opened(worker, supervisor, RiskLevel.HIGH, consent_to=both)
    c2 = opened(worker, supervisor, RiskLevel.MEDIUM, consent_to=both)
    c3 = opened(worker, colleague, RiskLevel.MEDIUM, consent_to=both)  # overdue, the colleague's to supervise
    c4 = opened(colleague, supervisor, RiskLevel.LOW)  # overdue, the supervisor's
    opened(former, None, RiskLevel.MEDIUM)  # overdue; its lead worker has since left
    c6 = opened(worker, supervisor, RiskLevel.MEDIUM)  # assessed in time, then closed
    opened(outsider, None, RiskLevel.HIGH, consent_to=(outsider_agency,))  # the police's own, overdue
    Membership.objects.filter(pk=former.pk).update(is_active=False)
    Case.objects.filter(pk=c1.pk).update(status=CaseStatus.IMPLEMENTATION)

    def refer(sender, case, to_agency):
        return referral_send(
            acting=sender,
            case=case,
            to_agency=to_agency,
            services=[ServiceKind.MHPSS],
            consent=case.consents.get(),
            sections=[ShareSection.HARM],
            urgency=Urgency.URGENT,
        )

    def answered_after(delay, answer):
        clock.now = t0 + delay
        answer()
        clock.now = t0

    # The office to the police: accepted in 2 hours, declined in 4, one waiting.
    r1, r2, _r3 = (refer(worker, case, outsider_agency) for case in (c1, c2, c3))
    answered_after(2 * HOUR, lambda: referral_accept(acting=outsider, referral=r1))
    answered_after(4 * HOUR, lambda: referral_decline(acting=outsider, referral=r2, reason="Full"))
    # The school to the office: accepted in 1 hour, and in 30 (after the urgent 24 hours).
    school_cases = [
        opened(focal_point, None, RiskLevel.LOW, consent_to=(school_agency, social_agency)) for _ in range(2)
    ]
    r4, r5 = (refer(focal_point, case, social_agency) for case in school_cases)
    answered_after(HOUR, lambda: referral_accept(acting=worker, referral=r4))
    answered_after(30 * HOUR, lambda: referral_accept(acting=worker, referral=r5))

    def assessed_after(delay, case):
        recorded = assessment_record(acting=worker, case=case, form=safety, answers=SAFE)
        # The model's default reads the real clock, not the test's.
        Assessment.objects.filter(pk=recorded.pk).update(completed_at=t0 + delay)

    assessed_after(HOUR, c1)
    assessed_after(HOUR, c6)
    assessed_after(30 * HOUR, c2)
    clock.now = t0 + 40 * HOUR
    c6 = case_closure_request(
        acting=worker,
        case=c6,
        version=Case.objects.get(pk=c6.pk).version,
        reason="moved",
        checklist={"child_safe": True, "services_done": True, "caregiver_informed": True},
    )
    case_closure_approve(acting=supervisor, case=c6, version=c6.version, acknowledged=ClosureWarning.values)
    clock.now = t0 + 48 * HOUR
    return {"c2": c2, "c3": c3, "c4": c4}


def test_the_caseload_counts_every_worker_of_the_agency_with_median_and_most(world, supervisor):
    figures = agency_figures(acting=supervisor, period=MARCH)
    caseload = figures.caseload
    # Open now: c1, c2, c3 (the worker), c4 (the colleague), c5 (led by someone who left). Lan and the
    # supervisor lead none and count in the median: 3, 1, 0, 0.
    assert [(cell.label, cell.count) for cell in caseload.cells] == [
        ("Test Worker", 3),
        ("Test Colleague", 1),
        ("Test Lan", 0),
        ("Test Supervisor", 0),
        ("No lead worker in the agency", 1),
    ]
    assert caseload.total.count == 5
    assert caseload.exact and caseload.total.shown == "5"
    assert [str(note) for note in caseload.notes] == ["Median open cases per worker: 0.5; most: 3."]


def test_open_cases_by_status_and_risk_and_the_overdue_safety_assessments(world, supervisor):
    figures = agency_figures(acting=supervisor, period=MARCH)
    by_status = values(figures.by_status)
    assert (by_status["open"], by_status["implementation"], by_status["total"]) == (4, 1, 5)
    assert "closed" not in by_status
    assert values(figures.by_risk) == {"low": 1, "medium": 3, "high": 1, "total": 5}
    # c3, c4 and c5 are past due and not assessed; the supervisor may open c4 only (c3 is the
    # colleague's, c5 nobody's): the others are counted, not listed. The police's case is not counted.
    assert figures.overdue == 3
    assert [case.number for case in figures.overdue_cases] == [world["c4"].number]


def test_safety_assessments_on_time_and_closures_in_the_period(world, supervisor):
    figures = agency_figures(acting=supervisor, period=MARCH)
    # Six cases opened in March, all due by now; c1 and c6 assessed within the day, c2 after 30 hours.
    assert values(figures.safety_on_time) == {"on_time": 2, "late": 4, "total": 6}
    assert [str(note) for note in figures.safety_on_time.notes] == ["On time: 33%."]
    closures = values(figures.closures)
    assert (closures["moved"], closures["total"]) == (1, 1)
    # April has none of it.
    april = agency_figures(acting=supervisor, period=Period(2026, 4))
    assert values(april.safety_on_time)["total"] == 0
    assert values(april.closures)["total"] == 0


def test_referrals_per_partner_agency_with_acceptance_and_response_time(
    world, supervisor, outsider_agency, school_agency
):
    figures = agency_figures(acting=supervisor, period=MARCH)
    [to_police] = figures.referrals_sent
    assert to_police.partner == outsider_agency
    # Sent 3: accepted in 2 hours, declined in 4, one waiting: half accepted, median 3 hours, both in time.
    assert (to_police.sent, to_police.accepted, to_police.declined, to_police.waiting) == (3, 1, 1, 1)
    assert (to_police.acceptance_rate, to_police.median_hours, to_police.in_time_share) == (
        "50%",
        "3.0",
        "100%",
    )
    [from_school] = figures.referrals_received
    assert from_school.partner == school_agency
    # Both accepted, in 1 and 30 hours: median 15.5 hours, one of the two by the urgent 24 hours.
    assert (from_school.sent, from_school.accepted, from_school.declined, from_school.waiting) == (2, 2, 0, 0)
    assert (from_school.acceptance_rate, from_school.median_hours, from_school.in_time_share) == (
        "100%",
        "15.5",
        "50%",
    )


def test_another_agencys_supervisor_sees_only_their_own(world, police_supervisor, social_agency):
    figures = agency_figures(acting=police_supervisor, period=MARCH)
    assert figures.agency.name == "Provincial Police (test)"
    # The police's one open case, led by its worker; none of the office's.
    assert [(cell.label, cell.count) for cell in figures.caseload.cells if cell.count] == [
        ("Test Outsider", 1)
    ]
    assert figures.overdue == 1 and figures.overdue_cases == []
    assert values(figures.closures)["total"] == 0
    # The office's referrals are theirs as received, and the office's other partners are not shown.
    assert [(row.partner, row.sent) for row in figures.referrals_received] == [(social_agency, 3)]
    assert figures.referrals_sent == []


def test_the_page_is_marked_confidential_lists_what_the_supervisor_may_open_and_is_audited(
    world, supervisor, sign_in
):
    client = sign_in(supervisor)
    before = AuditEvent.objects.count()
    response = client.get("/en/insights/agency/?period=2026-03")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confidential: exact figures for your agency; do not share outside it." in page
    assert "Test Worker" in page and "Provincial Police (test)" in page
    assert f'href="/en/cases/{world["c4"].pk}/"' in page
    assert "Demo Child" not in page  # no child's name, only case numbers
    [event] = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.object_type, event.reason) == (
        AuditAction.VIEW,
        "insights.agency_figures",
        "agency figures 2026-03",
    )


def test_a_period_that_cannot_be_read_shows_this_year(world, supervisor, sign_in):
    response = sign_in(supervisor).get("/en/insights/agency/?period=March")
    assert response.status_code == 200
    assert 'value="2026" selected' in response.content.decode()


def test_the_csv_is_exact_marked_confidential_lists_no_case_and_is_audited_as_an_export(
    world, supervisor, sign_in
):
    response = sign_in(supervisor).get("/en/insights/agency/download.csv?period=2026-03")
    assert response["Content-Disposition"] == 'attachment; filename="agency-figures-2026-03-confidential.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffConfidential: exact figures for your agency; do not share outside it.")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert ["Test Worker", "3"] in rows
    assert ["Provincial Police (test)", "3", "1", "1", "1", "50%", "3.0", "100%"] in rows
    assert ["Kim Thuy School (test)", "2", "2", "0", "0", "100%", "15.5", "50%"] in rows
    assert ["Overdue", "3"] in rows
    assert ["Median open cases per worker: 0.5; most: 3."] in rows
    assert world["c4"].number not in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="insights.agency_figures"
    ).exists()


@pytest.mark.parametrize(
    "role", [Role.CASE_WORKER, Role.AGENCY_ADMIN, Role.PROGRAMME_MANAGER, Role.HELPLINE_SUPERVISOR]
)
def test_only_case_supervisors_may_open_it(role, make_member, social_agency, sign_in):
    member = make_member(email=f"{role}@example.org", role=role, agency=social_agency)
    client = sign_in(member)
    assert client.get("/en/insights/agency/").status_code == 403
    assert client.get("/en/insights/agency/download.csv").status_code == 403


def test_the_figures_take_as_many_queries_however_many_workers_and_cases(
    world, supervisor, make_member, social_agency, open_case
):
    with CaptureQueriesContext(connection) as before:
        agency_figures(acting=supervisor, period=MARCH)
    for number in range(3):
        newcomer = make_member(
            email=f"newcomer{number}@example.org", role=Role.CASE_WORKER, agency=social_agency
        )
        open_case(newcomer, supervisor=supervisor, duplicates_acknowledged=True)
    with CaptureQueriesContext(connection) as after:
        agency_figures(acting=supervisor, period=MARCH)
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.fixture
def april_handover(world, clock, supervisor, worker, colleague):
    """Every member of the office joined before March (the fixtures made them with today's clock). On
    15 April the supervisor hands c2 from the worker to the colleague; on 20 April c3 is closed; the
    figures are read on 5 May."""
    Membership.objects.update(created_at=timezone.make_aware(datetime(2026, 1, 5, 9, 0)))
    clock.now = timezone.make_aware(datetime(2026, 4, 15, 10, 0))
    c2 = Case.objects.get(pk=world["c2"].pk)
    case_reassign(acting=supervisor, case=c2, version=c2.version, new_lead=colleague, note="Going on leave.")
    clock.now = timezone.make_aware(datetime(2026, 4, 20, 10, 0))
    c3 = case_closure_request(
        acting=worker,
        case=Case.objects.get(pk=world["c3"].pk),
        version=Case.objects.get(pk=world["c3"].pk).version,
        reason="moved",
        checklist={"child_safe": True, "services_done": True, "caregiver_informed": True},
    )
    case_closure_approve(acting=colleague, case=c3, version=c3.version, acknowledged=ClosureWarning.values)
    clock.now = timezone.make_aware(datetime(2026, 5, 5, 9, 0))


def loads(table):
    return [(cell.label, cell.count) for cell in table.cells]


def test_the_caseload_at_a_periods_end_counts_who_led_each_open_case_then(april_handover, supervisor):
    # The end of March: c1, c2, c3 the worker's, c4 the colleague's, c5 the former worker's (who has
    # left since, but led it then); c6 was closed on 12 March. Lan and the supervisor lead none.
    march = agency_figures(acting=supervisor, period=MARCH).caseload_at_end
    assert loads(march) == [
        ("Test Worker", 3),
        ("Test Colleague", 1),
        ("Test Former", 1),
        ("Test Lan", 0),
        ("Test Supervisor", 0),
    ]
    assert march.exact and march.total.shown == "5"
    assert [str(note) for note in march.notes] == [
        "Counted at 2026-03-31 23:59.",
        "Median open cases per worker: 1; most: 3.",
    ]
    # The end of April: c2 handed to the colleague on the 15th, c3 closed on the 20th.
    april = agency_figures(acting=supervisor, period=Period(2026, 4)).caseload_at_end
    assert loads(april) == [
        ("Test Colleague", 2),
        ("Test Former", 1),
        ("Test Worker", 1),
        ("Test Lan", 0),
        ("Test Supervisor", 0),
    ]
    assert [str(note) for note in april.notes][1] == "Median open cases per worker: 1; most: 2."


def test_a_period_not_over_counts_the_caseload_now(april_handover, supervisor):
    may = agency_figures(acting=supervisor, period=Period(2026, 5))
    assert str(may.caseload_at_end.notes[0]) == "Counted at 2026-05-05 09:00."
    assert loads(may.caseload_at_end) == loads(
        agency_figures(acting=supervisor, period=Period(2026, 4)).caseload_at_end
    )


def test_the_csv_holds_the_caseload_at_the_periods_end(april_handover, supervisor, sign_in):
    response = sign_in(supervisor).get("/en/insights/agency/download.csv?period=2026-04")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix("\ufeff"))))
    start = rows.index(["C15 Open cases at the end of the period, per lead worker"])
    assert ["Test Colleague", "2"] in rows[start:]
    assert ["Median open cases per worker: 1; most: 2."] in rows[start:]
