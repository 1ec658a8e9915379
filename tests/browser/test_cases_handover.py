"""Moving a case inside the agency (issue 16), in each language: the supervisor hands a case to
another worker with a note from the case page; the new worker finds it on their home page with the
note, opens it and reads who held it when; the worker who held it no longer lists it."""

import pytest
from playwright.sync_api import expect

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models import Case
from childshield.cases.models.cases import HarmType
from childshield.cases.models.consent import ShareSection
from childshield.cases.services.consent import ConsentInput
from childshield.cases.services.opening import ChildInput, case_open
from childshield.places.models import Area
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import signed_in_page

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "The aunt is the safe contact; the school visit is booked for Friday."


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_supervisor_hands_a_case_over_and_the_new_worker_finds_it_with_the_note(
    live_server, browser, axe, make_member, language
):
    base = live_server.url
    country = Area.objects.create(code="VN", country="VN", level=Area.Level.COUNTRY, name_en="Viet Nam")
    province = Area.objects.create(
        code="VN44", country="VN", level=Area.Level.PROVINCE, parent=country, name_en="Quang Binh"
    )
    commune = Area.objects.create(
        code="VN44-LT-KIMTHUY", country="VN", level=Area.Level.COMMUNE, parent=province, name_en="Kim Thuy"
    )
    office = Agency.objects.create(
        country="VN", name="Kim Thuy Commune Social Work (test)", kind=AgencyKind.SOCIAL_SERVICES
    )
    worker = make_member(email="worker@example.org", role=Role.CASE_WORKER, agency=office)
    new_worker = make_member(email="new.worker@example.org", role=Role.CASE_WORKER, agency=office)
    supervisor = make_member(email="supervisor@example.org", role=Role.CASE_SUPERVISOR, agency=office)
    case = case_open(
        acting=worker,
        child=ChildInput(
            full_name="Đinh Thị Na",
            area=commune,
            estimated_age=14,
            sex="female",
            gender="girl",
            safe_contact="Through her aunt",
        ),
        risk_level="medium",
        harm_types=[HarmType.GROOMING],
        summary="An adult met in a game asks for photos.",
        supervisor=supervisor,
        consent=ConsentInput(
            purpose="Support from the commune social worker",
            agencies=[office],
            sections=list(ShareSection.values),
            child_assent=True,
            caregiver_consent=True,
            caregiver_name="Đinh Văn Hùng",
        ),
    )

    # The supervisor hands the case over from its page.
    supervisor_page = signed_in_page(browser, base, supervisor.user.email, language)
    supervisor_page.goto(f"{base}/{language}/cases/{case.pk}/")
    supervisor_page.click("[data-reassign] summary")
    assert_accessible(axe, supervisor_page)
    supervisor_page.select_option("select[name=reassign-new_lead]", str(new_worker.pk))
    supervisor_page.fill("textarea[name=reassign-note]", NOTE)
    supervisor_page.click("[data-reassign] button[type=submit]")
    supervisor_page.wait_for_url(f"{base}/{language}/cases/{case.pk}/#history")
    expect(supervisor_page.locator("[data-lead]")).to_have_text(new_worker.user.full_name)
    expect(supervisor_page.locator("[data-assignments] li")).to_have_count(2)
    supervisor_page.context.close()

    # The new worker finds it on their home page with the note, and a follow-up to tell the child.
    new_page = signed_in_page(browser, base, new_worker.user.email, language)
    new_page.goto(f"{base}/{language}/cases/")
    handover = new_page.locator(f"[data-handover='{case.number}']")
    expect(handover.locator("[data-handover-note]")).to_have_text(NOTE)
    expect(new_page.locator("[data-my-cases]")).to_contain_text(case.number)
    expect(new_page.locator("[data-due-today]")).to_contain_text(case.number)
    assert_accessible(axe, new_page)
    handover.locator(f"a[href='/{language}/cases/{case.pk}/']").click()
    expect(new_page.locator("[data-assignments]")).to_contain_text(NOTE)
    assert_accessible(axe, new_page)
    new_page.goto(f"{base}/{language}/cases/")
    new_page.locator(f"[data-handover='{case.number}'] button[type=submit]").click()
    new_page.wait_for_url(f"{base}/{language}/cases/")
    expect(new_page.locator("[data-handovers]")).to_have_count(0)
    new_page.context.close()

    # The worker who held it no longer lists it.
    old_page = signed_in_page(browser, base, worker.user.email, language)
    old_page.goto(f"{base}/{language}/cases/")
    expect(old_page.locator("[data-my-cases]")).not_to_contain_text(case.number)
    old_page.context.close()
    assert Case.objects.get(pk=case.pk).lead_worker == new_worker
