"""Steps the intake browser tests share: fill in the report as a child would, sign staff in."""

import re

from playwright.sync_api import Browser, Page

from tests.conftest import PASSWORD

STORY = "A man on the game says he will show my photos to my class."


def fill_report(page: Page, *, safe_now: str = "yes") -> None:
    page.check("input[name=about][value=me]")
    page.check("input[name=harms][value=threatened]")
    page.fill("textarea[name=description]", STORY)
    page.select_option("select[name=platform]", "zalo")
    page.fill("input[name=url1]", "https://chat.example.com/u/someone")
    page.check("input[name=happened][value=today]")
    page.check(f"input[name=safe_now][value={safe_now}]")


def read_receipt(page: Page) -> tuple[str, str]:
    code = page.locator("[data-reference]").inner_text().strip()
    passphrase = page.locator("[data-passphrase]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    assert re.fullmatch(r"\d{4} \d{4} \d{4}", passphrase), passphrase
    return code, passphrase


def signed_in_page(
    browser: Browser, base_url: str, email: str, language: str = "en", *, width: int = 390, height: int = 844
) -> Page:
    """A new browser context of the given size, signed in as `email`."""
    page = browser.new_context(viewport={"width": width, "height": height}, locale="en-US").new_page()
    sign_in(page, base_url, email, language)
    return page


def sign_in(page: Page, base_url: str, email: str, language: str = "en") -> None:
    page.goto(f"{base_url}/{language}/account/sign-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/{language}/account/")


def open_thread(page: Page, base_url: str, language: str, code: str, passphrase: str) -> None:
    page.goto(f"{base_url}/{language}/report/status/")
    page.fill("input[name=reference]", code)
    page.fill("input[name=passphrase]", passphrase)
    page.click("form.report button[type=submit]")
    page.wait_for_selector("ol.thread")
