"""Every case page passes axe-core's WCAG 2.2 AA rules, on a small screen, filled with real data."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models.cases import HarmType
from childshield.cases.models.consent import ShareSection
from childshield.cases.services.consent import ConsentInput
from childshield.cases.services.follow_ups import followup_add
from childshield.cases.services.notes import note_add
from childshield.cases.services.opening import ChildInput, case_open
from childshield.cases.services.referrals import referral_accept, referral_send
from childshield.directory.models import ServiceKind
from childshield.places.models import Area
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cast(make_member):
    country = Area.objects.create(code="VN", country="VN", level=Area.Level.COUNTRY, name_en="Viet Nam")
    province = Area.objects.create(
        code="VN62", country="VN", level=Area.Level.PROVINCE, parent=country, name_en="Kon Tum"
    )
    commune = Area.objects.create(
        code="VN62-KR-DAKKOI", country="VN", level=Area.Level.COMMUNE, parent=province, name_en="Dak Koi"
    )
    social = Agency.objects.create(
        country="VN", name="Kon Ray Social Work (test)", kind=AgencyKind.SOCIAL_SERVICES
    )
    health = Agency.objects.create(country="VN", name="Kon Ray Health Centre (test)", kind=AgencyKind.HEALTH)
    worker = make_member(email="worker@example.org", role=Role.CASE_WORKER, agency=social)
    supervisor = make_member(email="supervisor@example.org", role=Role.CASE_SUPERVISOR, agency=social)
    nurse = make_member(email="nurse@example.org", role=Role.CASE_WORKER, agency=health)
    admin = make_member(email="admin@example.org", role=Role.SYSTEM_ADMIN, agency=health)
    case = case_open(
        acting=worker,
        child=ChildInput(
            full_name="Y Bơ",
            area=commune,
            estimated_age=15,
            sex="male",
            gender="boy",
            ethnicity="VN-14",
            disability={"hearing": "a_lot"},
            caregivers=[{"name": "A Blưm", "relationship": "mother", "phone": "0900"}],
        ),
        risk_level="high",
        harm_types=[HarmType.GROOMING, HarmType.SEXTORTION],
        summary="Asked for photos on a game chat.",
        supervisor=supervisor,
        consent=ConsentInput(
            purpose="Health check and counselling",
            agencies=[health],
            sections=[ShareSection.PROFILE, ShareSection.HARM],
            child_assent=True,
            caregiver_consent=True,
            caregiver_name="A Blưm",
        ),
    )
    followup_add(
        acting=worker,
        case=case,
        due_on=timezone.localdate() - timedelta(days=1),
        assignee=worker,
        purpose="Call",
    )
    followup_add(acting=worker, case=case, due_on=timezone.localdate(), assignee=worker, purpose="Visit")
    note_add(acting=worker, case=case, body="Met at school with the counsellor.")
    referral = referral_send(
        acting=worker,
        case=case,
        to_agency=health,
        services=[ServiceKind.HEALTH, ServiceKind.MHPSS],
        consent=case.consents.get(),
        sections=[ShareSection.PROFILE, ShareSection.HARM],
        message="Please see him this week.",
    )
    return {
        "case": case,
        "referral": referral,
        "worker": worker,
        "nurse": nurse,
        "admin": admin,
        "health": health,
    }


def test_the_case_workers_pages_are_accessible(live_server, page, axe, cast):
    case = cast["case"]
    sign_in(page, live_server.url, "worker@example.org")
    for path in (
        "cases/",
        "cases/list/",
        "cases/list/?risk=high&overdue=on",
        "cases/open/",
        f"cases/{case.pk}/",
        f"cases/{case.pk}/edit/",
        f"cases/{case.pk}/consent/",
        f"cases/{case.pk}/consent/emergency/",
        f"cases/{case.pk}/refer/",
        f"cases/{case.pk}/close/",
        f"cases/{case.pk}/summary/",
        f"cases/{case.pk}/assessments/safety/",
        f"cases/{case.pk}/assessments/comprehensive/",
        f"cases/{case.pk}/feedback/paper/",
    ):
        response = page.goto(f"{live_server.url}/en/{path}")
        assert response is not None and response.status == 200, path
        assert page.locator("main h1").count() == 1, path
        assert_accessible(axe, page)


def test_a_refused_form_is_accessible(live_server, page, axe, cast):
    sign_in(page, live_server.url, "worker@example.org")
    page.goto(f"{live_server.url}/en/cases/open/")
    page.fill("input[name=full_name]", "Y Bơ")
    page.fill("input[name=estimated_age]", "15")
    page.select_option("select[name=area]", str(cast["case"].child.area_id))
    page.check("input[name=harm_types][value=grooming]")
    page.select_option("select[name=risk_level]", "low")
    page.uncheck("input[name=record_consent]")
    page.click("main button[type=submit]")
    assert page.locator("[data-duplicates]").is_visible()
    assert_accessible(axe, page)


def test_the_receiving_agencys_pages_are_accessible(live_server, page, axe, cast):
    referral = cast["referral"]
    sign_in(page, live_server.url, "nurse@example.org")
    for path in ("cases/referrals/", f"cases/referrals/{referral.pk}/"):
        page.goto(f"{live_server.url}/en/{path}")
        assert_accessible(axe, page)
    referral_accept(acting=cast["nurse"], referral=referral)
    page.goto(f"{live_server.url}/en/cases/{cast['case'].pk}/")
    assert page.locator("[data-referred]").is_visible()
    assert page.get_by_text("Y Bơ").count() == 0
    assert_accessible(axe, page)


def test_the_break_glass_pages_are_accessible(live_server, page, axe, cast):
    case = cast["case"]
    sign_in(page, live_server.url, "admin@example.org")
    page.goto(f"{live_server.url}/en/cases/break-glass/")
    assert_accessible(axe, page)
    page.fill("input[name=number]", case.number)
    page.fill("textarea[name=reason]", "Court order 45/2026 received tonight")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/en/cases/{case.pk}/")
    assert page.locator("[data-break-glass]").is_visible()
    page.reload()
    assert_accessible(axe, page)


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_childs_feedback_survey_is_accessible(live_server, page, axe, cast, language):
    sign_in(page, live_server.url, "worker@example.org")
    page.goto(f"{live_server.url}/en/cases/{cast['case'].pk}/")
    page.select_option("[data-feedback-invite] select[name=respondent]", "child")
    page.click("[data-feedback-invite] button[type=submit]")
    link = page.locator("[data-feedback-link]").input_value()
    assert_accessible(axe, page)
    page.context.clear_cookies()
    # The link opens in the child's language; each language's survey is checked here.
    page.goto(re.sub(r"/(vi|km|en)/cases/feedback/", f"/{language}/cases/feedback/", link))
    assert page.locator("[data-quick-exit]").is_visible()
    assert_accessible(axe, page)
    for question in ("listened", "safe", "not_blamed", "helped"):
        page.check(f"input[name={question}][value=yes]")
    page.click("main button[type=submit]")
    assert page.locator("[data-feedback-thanks]").is_visible()
    assert_accessible(axe, page)


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_supervisors_home_with_follow_ups_of_the_worker_is_accessible(
    live_server, page, axe, cast, language
):
    sign_in(page, live_server.url, "supervisor@example.org")
    page.goto(f"{live_server.url}/{language}/cases/")
    # The worker's follow-ups in the supervised case, due today and overdue, each saying who does it.
    assert page.locator("[data-due-today] [data-assignee]").count() == 1
    assert page.locator("[data-overdue] [data-assignee]").count() == 1
    assert_accessible(axe, page)
