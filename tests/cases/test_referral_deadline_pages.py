"""Referral deadlines on the pages: labels that say each urgency's deadline (from the settings), the
inbox ordered by urgency then wait with the time left or overdue, and an overdue referral shown to
its sender with the receiving agency's number to call."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.forms import ReferralForm
from childshield.cases.models import Consent, Referral
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.referrals import Urgency
from childshield.cases.selectors.referrals import referrals_waiting
from childshield.cases.services.referrals import referral_accept, referral_send
from childshield.directory.models import ServiceKind
from childshield.directory.services import ResourceDetails, resource_create
from tests.cases.conftest import child_input

pytestmark = pytest.mark.django_db

NAMES = ("Trần Thị Mai", "Lê Văn Tú", "Phạm Thị Lan", "Đỗ Văn Minh", "Hồ Thị Thu")


@pytest.fixture
def refer(focal_point, open_case, social_agency, commune):
    """The focal point refers a new case to the social work office, as if `ago` before now."""
    names = iter(NAMES)

    def send(urgency, *, ago=timedelta(0)):
        case = open_case(focal_point, child=child_input(commune, full_name=next(names)))
        referral = referral_send(
            acting=focal_point,
            case=case,
            to_agency=social_agency,
            services=[ServiceKind.MHPSS],
            consent=case.consents.get(),
            sections=[ShareSection.HARM],
            urgency=urgency,
        )
        # Sent earlier: its deadline moves with it.
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=F("sent_at") - ago, respond_by=F("respond_by") - ago
        )
        referral.refresh_from_db()
        return referral

    return send


def row_order(page, section_id):
    section = page[page.index(f'id="{section_id}"') :]
    section = section[: section.index("</section>")]
    return [int(part.split('"', 1)[0]) for part in section.split('data-referral="')[1:]]


def test_the_inbox_lists_the_most_urgent_first_then_the_longest_waiting(refer, worker, sign_in):
    oldest_routine = refer(Urgency.ROUTINE, ago=timedelta(days=3))
    routine = refer(Urgency.ROUTINE, ago=timedelta(days=1))
    urgent = refer(Urgency.URGENT, ago=timedelta(hours=2))
    emergency = refer(Urgency.EMERGENCY)  # sent last, answered first
    expected = [emergency.pk, urgent.pk, oldest_routine.pk, routine.pk]

    page = sign_in(worker).get("/en/cases/referrals/").content.decode()
    assert row_order(page, "waiting-heading") == expected
    # Ordered in the database: a limit keeps the most urgent, not the first sent.
    assert [referral.pk for referral in referrals_waiting(acting=worker)[:2]] == expected[:2]


def test_each_waiting_referral_shows_its_time_left_or_how_long_it_is_overdue(refer, worker, sign_in):
    emergency = refer(Urgency.EMERGENCY, ago=timedelta(minutes=20))
    urgent = refer(Urgency.URGENT, ago=timedelta(hours=26))
    page = sign_in(worker).get("/en/cases/referrals/").content.decode()
    emergency_row = page[page.index(f'data-referral="{emergency.pk}"') :].split("</tr>", 1)[0]
    urgent_row = page[page.index(f'data-referral="{urgent.pk}"') :].split("</tr>", 1)[0]
    assert "39 minutes left" in emergency_row and "data-overdue" not in emergency_row
    assert "Emergency — answer within 1 hour" in emergency_row
    assert "Overdue by 2 hours" in urgent_row and "data-overdue" in urgent_row
    assert "Urgent — answer within 24 hours" in urgent_row

    detail = sign_in(worker).get(f"/en/cases/referrals/{urgent.pk}/").content.decode()
    assert "Overdue by 2 hours" in detail


def test_the_inbox_costs_the_same_queries_for_one_referral_or_many(refer, worker, sign_in):
    refer(Urgency.URGENT, ago=timedelta(hours=30))
    client = sign_in(worker)
    with CaptureQueriesContext(connection) as one:
        client.get("/en/cases/referrals/")
    refer(Urgency.EMERGENCY)
    refer(Urgency.ROUTINE, ago=timedelta(days=8))
    refer(Urgency.ROUTINE)
    with CaptureQueriesContext(connection) as many:
        client.get("/en/cases/referrals/")
    assert len(many) == len(one)


def test_an_overdue_referral_shows_its_sender_the_receiving_agencys_on_call_phone(
    refer, focal_point, social_agency, sign_in
):
    Agency.objects.filter(pk=social_agency.pk).update(on_call_phone="0232 000 0199")
    overdue = refer(Urgency.EMERGENCY, ago=timedelta(hours=2))
    in_time = refer(Urgency.URGENT, ago=timedelta(hours=2))
    client = sign_in(focal_point)

    home = client.get("/en/cases/").content.decode()
    assert row_order(home, "referrals-overdue-heading") == [overdue.pk]
    assert "Overdue by 1 hour" in home
    assert "On call at any hour" in home and 'href="tel:02320000199"' in home

    case_page = client.get(f"/en/cases/{overdue.case_id}/").content.decode()
    assert "Overdue by 1 hour" in case_page and "0232 000 0199" in case_page
    other_case = client.get(f"/en/cases/{in_time.case_id}/").content.decode()
    assert "21 hours 59 minutes left" in other_case
    assert "0232 000 0199" not in other_case and "data-overdue" not in other_case


def test_without_an_on_call_phone_the_sender_sees_the_directorys_numbers_for_the_agency(
    refer, focal_point, social_agency, make_member, commune, sign_in
):
    keeper = make_member(
        email="keeper@example.org",
        role=Role.SYSTEM_ADMIN,
        agency=Agency.objects.create(country="VN", name="Helpline 111 (test)", kind=AgencyKind.HELPLINE),
    )
    resource_create(
        acting=keeper,
        details=ResourceDetails(
            country="VN",
            name_en="Commune social work desk",
            kinds=[ServiceKind.SOCIAL_SERVICE],
            areas=[commune],
            phone="0232 000 0101",
            agency=social_agency,
        ),
    )
    overdue = refer(Urgency.URGENT, ago=timedelta(hours=30))
    page = sign_in(focal_point).get(f"/en/cases/{overdue.case_id}/").content.decode()
    assert "Commune social work desk" in page and "0232 000 0101" in page
    assert "Closed now" in page  # it has no opening hours: the sender knows to try elsewhere


def test_an_answered_referral_is_overdue_to_nobody(refer, focal_point, worker, supervisor, sign_in):
    referral = refer(Urgency.EMERGENCY, ago=timedelta(hours=3))
    referral_accept(acting=worker, referral=referral, supervisor=supervisor)
    home = sign_in(focal_point).get("/en/cases/").content.decode()
    assert "data-referrals-overdue" not in home


def test_the_urgency_choices_say_each_deadline_from_the_settings(settings):
    settings.CASES_REFERRAL_EMERGENCY_MINUTES = 60
    settings.CASES_REFERRAL_URGENT_MINUTES = 24 * 60
    settings.CASES_REFERRAL_ROUTINE_MINUTES = 7 * 24 * 60
    form = ReferralForm(agencies=Agency.objects.none(), consents=Consent.objects.none())
    assert dict(form.fields["urgency"].choices) == {
        "routine": "Routine — answer within 7 days",
        "urgent": "Urgent — answer within 24 hours",
        "emergency": "Emergency — answer within 1 hour",
    }
    settings.CASES_REFERRAL_EMERGENCY_MINUTES = 30
    settings.CASES_REFERRAL_URGENT_MINUTES = 12 * 60
    settings.CASES_REFERRAL_ROUTINE_MINUTES = 3 * 24 * 60 + 90
    form = ReferralForm(agencies=Agency.objects.none(), consents=Consent.objects.none())
    assert dict(form.fields["urgency"].choices) == {
        "routine": "Routine — answer within 3 days 1 hour",
        "urgent": "Urgent — answer within 12 hours",
        "emergency": "Emergency — answer within 30 minutes",
    }


def test_the_referral_page_offers_the_urgencies_with_their_deadlines_in_each_language(
    focal_point, open_case, sign_in, settings
):
    settings.CASES_REFERRAL_EMERGENCY_MINUTES = 120
    case = open_case(focal_point)
    client = sign_in(focal_point)
    vietnamese = client.get(f"/vi/cases/{case.pk}/refer/").content.decode()
    assert "Khẩn cấp — trả lời trong vòng 2 giờ" in vietnamese
    khmer = client.get(f"/km/cases/{case.pk}/refer/").content.decode()
    assert "អាសន្ន — ឆ្លើយតបក្នុងរយៈពេល 2 ម៉ោង" in khmer
    # English last: a request leaves its language active for the tests that follow in this thread.
    assert "Emergency — answer within 2 hours" in client.get(f"/en/cases/{case.pk}/refer/").content.decode()
