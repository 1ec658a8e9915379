"""The public layout: quick exit by click or Escape, no JavaScript needed, Khmer renders."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db(transaction=True)


def test_escape_leaves_at_once_and_the_back_button_does_not_return(live_server, page):
    neutral = f"{live_server.url}/healthz?neutral"
    with override_settings(QUICK_EXIT_URL=neutral):
        page.goto(f"{live_server.url}/healthz?before")
        page.goto(f"{live_server.url}/vi/")
        page.keyboard.press("Escape")
        page.wait_for_url(neutral)
        page.go_back()
        # The page left by quick exit was replaced in the history, so back goes to the page before it.
        assert page.url == f"{live_server.url}/healthz?before"


def test_the_quick_exit_button_leaves_when_clicked(live_server, page):
    neutral = f"{live_server.url}/healthz?neutral"
    with override_settings(QUICK_EXIT_URL=neutral):
        page.goto(f"{live_server.url}/km/")
        page.click("[data-quick-exit]")
        page.wait_for_url(neutral)


def test_without_javascript_the_public_page_still_works(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    neutral = f"{live_server.url}/healthz?neutral"
    with override_settings(QUICK_EXIT_URL=neutral):
        page.goto(f"{live_server.url}/en/")
        assert page.locator("h1").inner_text()
        page.click("[data-quick-exit]")
        page.wait_for_url(neutral)
        page.goto(f"{live_server.url}/en/")
        page.click("a[hreflang=km]")
        assert page.locator("html").get_attribute("lang") == "km"
    context.close()


def _fonts_drawing(page, selector: str) -> dict[str, int]:
    """The fonts chromium actually drew a node's text with, and how many glyphs each drew."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def test_khmer_text_is_drawn_with_a_khmer_font_served_by_the_app(live_server, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/km/")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    # Every Khmer glyph of the language switcher is drawn by the served Khmer face (no empty boxes
    # from a system font that claims Khmer code points it cannot draw).
    assert set(_fonts_drawing(page, "a[hreflang=km]")) == {"Noto Sans Khmer"}
    assert any("noto-sans-khmer" in url for url in requested)
    # Every request stays on this site: no fonts, scripts or styles from anywhere else.
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested), requested
