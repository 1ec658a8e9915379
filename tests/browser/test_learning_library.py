"""Issue 22's library, done when: an author writes an article, a reviewer publishes it, and it appears
at /vi/learn/ under 100 KB and axe-clean; the "what happens after you report" page and a lesson plan
exist in three languages, axe-clean too."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

BUDGET_BYTES = 100 * 1024


def test_an_author_writes_a_reviewer_publishes_and_it_appears_at_vi_learn(
    live_server, browser, axe, make_member
):
    agency = Agency.objects.create(country="VN", name="Commune office", kind=AgencyKind.SOCIAL_SERVICES)
    author = make_member(email="author@example.org", role=Role.FOCAL_POINT, agency=agency)
    reviewer = make_member(email="reviewer@example.org", role=Role.CASE_SUPERVISOR, agency=agency)
    base = live_server.url

    page = browser.new_context().new_page()
    sign_in(page, base, author.user.email, "vi")
    page.goto(f"{base}/vi/learning/library/new/")
    page.fill("input[name=slug]", "an-toan-tren-mang")
    page.select_option("select[name=audience]", "children")
    page.select_option("select[name=kind]", "article")
    page.select_option("select[name=language]", "vi")
    page.fill("input[name=title]", "An toàn khi trò chuyện trên mạng")
    page.fill("input[name=summary]", "Ba bước: dừng lại, giữ bằng chứng, kể cho ai đó.")
    page.fill("textarea[name=body]", "## Ba bước\n\n- **Dừng lại.**\n- Giữ bằng chứng.\n- Kể cho ai đó.")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/learning/library/*/")
    page.click("form[action$='/send/'] button")
    page.wait_for_url("**/learning/library/*/")
    assert page.locator("a[href*='/review/']").count() == 0  # a focal point does not review
    page.context.close()

    page = browser.new_context().new_page()
    sign_in(page, base, reviewer.user.email, "vi")
    page.goto(f"{base}/vi/learning/library/")
    page.click("a[href*='/review/']")
    page.check("input[name=decision][value=publish]")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/learning/library/*/")
    page.context.close()

    context = browser.new_context()  # a child's first visit: an empty cache, no cookie
    page = context.new_page()
    loaded: list[tuple[str, int]] = []
    page.on(
        "requestfinished",
        lambda request: loaded.append(
            (request.url, request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"])
        ),
    )
    page.goto(f"{base}/vi/learn/", wait_until="networkidle")
    page.click("text=An toàn khi trò chuyện trên mạng")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "An toàn khi trò chuyện trên mạng"
    assert page.locator("li strong", has_text="Dừng lại.").count() == 1
    assert_accessible(axe, page)
    article_bytes = sum(size for url, size in loaded if "/learn/" not in url or "an-toan" in url)
    assert article_bytes <= BUDGET_BYTES, loaded
    assert all(url.startswith(base) for url, _size in loaded)
    assert context.cookies() == []
    context.close()


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_what_happens_after_you_report_and_a_lesson_plan_exist_in_three_languages(
    live_server, page, axe, language
):
    for slug in ("after-you-report", "lesson-online-chats", ""):
        page.goto(f"{live_server.url}/{language}/learn/{slug}")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("[data-quick-exit]").count() == 1
        assert_accessible(axe, page)
