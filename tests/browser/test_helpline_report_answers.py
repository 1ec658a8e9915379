"""A counsellor works a report with all its answers in view, in each language: from the queue to the
reply page (answers above the thread on a phone, beside it on a wide screen), to the report's page and
back, and to the contact form with the harms the child ticked already chosen."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.helpline.models import Category
from childshield.helpline.services.categories import categories_load
from childshield.intake.models import Report
from childshield.intake.services import ReportContent, report_submit
from childshield.places.models import Area
from childshield.places.services.reference_data import reference_data_load
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _report_with_every_answer(language: str) -> Report:
    content = ReportContent(
        about="friend",
        safe_now="not_sure",
        harms=["threatened", "grooming"],
        description="Anh ta đòi tiền, không thì đăng ảnh của bạn em.",
        platform="zalo",
        urls=["https://chat.example.com/u/someone"],
        source="school-poster",
        happened="this_week",
        age_band="13_15",
        gender="girl",
        province=Area.objects.get(code="VN01"),
        contact_method="zalo",
        contact="0912 345 678",
    )
    return report_submit(content=content, idempotency_key=f"every-{language}", language="vi").report


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_a_counsellor_reads_every_answer_beside_the_thread_and_moves_between_the_pages(
    live_server, page, axe, make_member, language
):
    reference_data_load()
    categories_load()  # transactional tests start from an emptied database
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    counsellor = make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)
    report = _report_with_every_answer(language)
    base = f"{live_server.url}/{language}"
    sign_in(page, live_server.url, counsellor.user.email, language)

    # In the queue the code opens the report's page; the counsellor claims the report instead.
    page.goto(f"{base}/helpline/")
    row = f'[data-queue-item="{report.reference}"]'
    assert (
        page.get_attribute(f"{row} a[data-report-page]", "href") == f"/{language}/reports/{report.reference}/"
    )
    assert_accessible(axe, page)
    page.click(f"{row} button[type=submit]")
    page.wait_for_url(f"{base}/helpline/queue/{report.reference}/reply/")

    # On a phone the answers come first, open, above the thread.
    answers = page.locator("[data-report-answers-panel]")
    assert answers.get_attribute("open") is not None and answers.is_visible()
    assert page.inner_text("[data-answer=platform]") == "Zalo"
    assert "0912 345 678" in page.inner_text("[data-answer=contact]")
    assert page.inner_text("[data-answer=source]") == "school-poster"
    assert "https://chat.example.com/u/someone" in page.inner_text("[data-answer=urls]")
    assert page.locator("[data-report-answers] a").count() == 0  # addresses are text, never links
    for name in ("safe_now", "about", "harms", "happened", "language", "age_band", "gender", "province"):
        assert page.inner_text(f"[data-answer={name}]").strip() not in ("", "—"), name
    panel, thread = answers.bounding_box(), page.locator("[data-thread]").bounding_box()
    assert panel and thread and panel["y"] + panel["height"] <= thread["y"]
    assert_accessible(axe, page)

    # On a wide screen they sit beside the thread.
    page.set_viewport_size({"width": 1280, "height": 900})
    panel, thread = answers.bounding_box(), page.locator("[data-thread]").bounding_box()
    assert panel and thread and panel["x"] + panel["width"] <= thread["x"]
    assert_accessible(axe, page)

    # The report's page is one click away, and leads back to the reply page the counsellor holds.
    page.click("[data-report-answers-panel] a[data-report-page]")
    page.wait_for_url(f"{base}/reports/{report.reference}/")
    assert page.inner_text("[data-answer=platform]") == "Zalo"
    page.click(f"[data-related] a[href='/{language}/helpline/queue/{report.reference}/reply/']")
    page.wait_for_url(f"{base}/helpline/queue/{report.reference}/reply/")

    # The contact form starts with the categories of the harms the child ticked, and links back.
    page.click(f"a[href$='contacts/new/?report={report.reference}']")
    page.wait_for_selector(f'[data-for-report="{report.reference}"]')
    for code in ("online.sextortion", "online.grooming"):
        box = f"[data-contact-form] input[name=categories][value='{Category.objects.get(code=code).pk}']"
        assert page.is_checked(box), code
    assert page.locator("[data-contact-form] input[name=categories]:checked").count() == 2
    assert_accessible(axe, page)
    page.click(f"a[href='/{language}/reports/{report.reference}/']")
    page.wait_for_url(f"{base}/reports/{report.reference}/")

    # The code as a child reads it out, lower case with its dash, opens the same report.
    page.goto(f"{base}/reports/{report.display_reference.lower()}/")
    assert report.display_reference in page.inner_text("h1")
    assert "0912 345 678" in page.inner_text("[data-answer=contact]")
