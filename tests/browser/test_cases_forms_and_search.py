"""In a browser: a supervisor adapts the safety assessment (copy, edit, preview, publish) and a worker
finds a case by part of the child's name, the name never reaching the address bar; axe on each page."""

import pytest
from playwright.sync_api import expect

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models import AssessmentForm
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
        code="VN44", country="VN", level=Area.Level.PROVINCE, parent=country, name_en="Quang Binh"
    )
    commune = Area.objects.create(
        code="VN44-LT-KIMTHUY", country="VN", level=Area.Level.COMMUNE, parent=province, name_en="Kim Thuy"
    )
    social = Agency.objects.create(
        country="VN", name="Le Thuy Social Work (test)", kind=AgencyKind.SOCIAL_SERVICES
    )
    worker = make_member(email="worker@example.org", role=Role.CASE_WORKER, agency=social)
    make_member(email="supervisor@example.org", role=Role.CASE_SUPERVISOR, agency=social)
    cases = [
        case_open(
            acting=worker,
            child=ChildInput(full_name=name, area=commune, estimated_age=13),
            risk_level="medium",
            harm_types=[HarmType.GROOMING],
        )
        for name in ("Đinh Thị Thu Hà", "Trần Văn Minh")
    ]
    return {"social": social, "cases": cases}


def test_a_supervisor_copies_edits_previews_and_publishes_the_safety_form(live_server, page, axe, cast):
    sign_in(page, live_server.url, "supervisor@example.org")
    page.goto(f"{live_server.url}/en/cases/forms/")
    assert_accessible(axe, page)
    page.click("[data-form-kind=safety] >> text=Copy the default and edit it")
    expect(page.locator("input[name=q-0-label_vi]")).to_be_visible()
    assert page.locator("input[name=q-0-label_vi]").input_value() == "Ngay lúc này, trẻ có an toàn không?"
    assert_accessible(axe, page)
    page.fill("input[name=q-0-label_en]", "Is the child safe tonight?")
    page.fill("input[name=q-7-label_en]", "Who else knows?")
    page.select_option("select[name=q-7-type]", "text")
    page.select_option("select[name=preview_language]", "km")
    page.click("button[value=preview]")
    expect(page.locator("[data-preview=km]")).to_be_visible()
    assert page.locator("input[name=q-9-label_en]").count() == 1  # two empty rows again
    assert_accessible(axe, page)
    page.click("button[value=publish]")
    page.wait_for_url(f"{live_server.url}/en/cases/forms/")
    expect(page.locator("[data-form-kind=safety] tr[data-version='1']")).to_be_visible()
    assert_accessible(axe, page)
    own = AssessmentForm.objects.get(agency=cast["social"], kind="safety")
    assert own.questions[0]["label"]["en"] == "Is the child safe tonight?"
    assert own.questions[-1]["key"] == "who_else_knows"
    page.goto(f"{live_server.url}/en/cases/forms/versions/{own.pk}/")
    assert_accessible(axe, page)


def test_a_worker_finds_a_case_by_part_of_the_name_without_it_in_the_address(live_server, page, axe, cast):
    sign_in(page, live_server.url, "worker@example.org")
    page.goto(f"{live_server.url}/en/cases/list/")
    page.fill("input[name=child_name]", "thu ha")
    page.click("#case-search button[type=submit]")
    expect(page.locator("[data-case]")).to_have_count(1)  # the list of two is replaced by the results
    assert page.locator(f"[data-case='{cast['cases'][0].number}']").is_visible()
    assert "thu" not in page.url and "child_name" not in page.url
    assert_accessible(axe, page)
