"""A child already known to another agency, in the browser: the hint that names nothing, the request,
and the supervisor's answer, in each language, every page passing axe-core's WCAG 2.2 AA rules."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models import Case, ChildLinkRequest
from childshield.cases.models.cases import HarmType
from childshield.cases.services.opening import ChildInput, case_open
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
    ngo = Agency.objects.create(country="VN", name="Youth Outreach NGO (test)", kind=AgencyKind.NGO)
    worker = make_member(email="worker@example.org", role=Role.CASE_WORKER, agency=social)
    make_member(email="supervisor@example.org", role=Role.CASE_SUPERVISOR, agency=social)
    make_member(email="outreach@example.org", role=Role.CASE_WORKER, agency=ngo)
    known = case_open(
        acting=worker,
        child=ChildInput(full_name="Y Bơ Hơ", area=commune, estimated_age=15, sex="male", gender="boy"),
        risk_level="high",
        harm_types=[HarmType.GROOMING],
    )
    return {"known": known, "commune": commune}


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_an_outreach_worker_asks_and_the_supervisor_links(live_server, page, axe, cast, language):
    known, base = cast["known"], live_server.url
    page.context.clear_cookies()
    sign_in(page, base, "outreach@example.org", language)
    page.goto(f"{base}/{language}/cases/open/")
    page.fill("input[name=full_name]", "Hơ Y Bơ")  # the names in another order
    page.fill("input[name=estimated_age]", "15")
    page.select_option("select[name=area]", str(cast["commune"].pk))
    page.check("input[name=harm_types][value=grooming]")
    page.select_option("select[name=risk_level]", "medium")
    page.uncheck("input[name=record_consent]")
    page.click("main button[type=submit]")
    hint = page.locator("[data-duplicates]")
    assert page.locator("[data-known-elsewhere]").is_visible()
    assert known.number not in hint.inner_text() and "Kon Ray" not in hint.inner_text()
    assert_accessible(axe, page)
    page.check("input[name=ask_link]")
    page.fill("textarea[name=link_note]", "Same village, same mother's name")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/{language}/cases/*/")
    asked = Case.objects.exclude(pk=known.pk).get()
    assert page.locator('[data-link-request="pending"]').is_visible()
    assert_accessible(axe, page)

    page.context.clear_cookies()
    sign_in(page, base, "supervisor@example.org", language)
    page.goto(f"{base}/{language}/cases/")
    page.click("[data-link-requests-waiting]")
    assert_accessible(axe, page)
    page.click("[data-link-requests-waiting] a")
    assert page.locator("[data-asking-child]").inner_text().startswith("Hơ Y Bơ")
    assert_accessible(axe, page)
    page.check("input[name=answer][value=accept]")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/{language}/cases/links/")
    assert ChildLinkRequest.objects.get().status == "accepted"

    page.context.clear_cookies()
    sign_in(page, base, "outreach@example.org", language)
    page.goto(f"{base}/{language}/cases/{asked.pk}/")
    assert page.locator('[data-link-request="accepted"]').is_visible()
    asked.refresh_from_db()
    assert asked.child_id == known.child_id
    assert_accessible(axe, page)
