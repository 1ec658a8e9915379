"""Browser tests: Debian's chromium driven by Playwright against the live test server."""

import os
import shutil
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import OperationalError, transaction
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# tests themselves (not by the server thread) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# WCAG 2.2 AA, as axe-core tags it.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page. Whatever a test does, nothing on it may break the Content Security
    Policy: a blocked style or script means something looks or works differently than it should."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()
    assert not refused, f"The page broke its Content Security Policy: {refused[:3]}"


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Pages each in a browser context of its own (options as `Browser.new_context`'s, in English by
    default), closed when the test ends: a page left open goes on polling the live server (a queue,
    a live chat) during later tests, which may not touch the database."""
    made: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        context = browser.new_context(**{"locale": "en-US", **options})
        made.append(context)
        return context.new_page()

    yield make
    for context in made:
        context.close()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def assert_accessible(axe: Axe, page: Page) -> None:
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}})
    violations = results.response["violations"]
    assert not violations, results.generate_report()


T = TypeVar("T")


def write_while_a_page_polls(write: Callable[[], T]) -> T:
    """With SQLite in memory the live server shares the test's one connection, so a write from the
    test can meet a poll's read still open ("table is locked"). Retried whole; a real database,
    with a connection per request, never sees this."""
    for attempt in range(30):
        try:
            with transaction.atomic():
                return write()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 29:
                raise
            time.sleep(0.1)
    raise AssertionError("unreachable")
