"""The interactive API page (/api/v1/docs/): Swagger UI from our own static files, within the site's
Content-Security-Policy (the `page` fixture fails on any refusal), and usable with a platform's key."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def _new_credential() -> str:
    out = io.StringIO()
    call_command("create_platform_credential", "Docs Page App (test)", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_a_platform_engineer_tries_an_operation_with_their_key(live_server, page):
    secret = _new_credential()
    page.goto(f"{live_server.url}/api/v1/docs/")
    # Every group of operations is listed from the schema.
    expect(page.get_by_text("/api/v1/reports/", exact=True).first).to_be_visible()
    expect(page.get_by_text("/api/v1/notices/", exact=True).first).to_be_visible()

    page.get_by_role("button", name=re.compile("Authorize")).first.click()
    page.locator("#auth-bearer-value").fill(secret)
    page.locator(".auth-container").first.get_by_role("button", name="Apply credentials").click()
    page.locator(".auth-container").first.get_by_role("button", name="Close").click()

    operation = page.locator("#operations-notices-notice_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200")


def test_without_a_key_the_page_says_what_the_api_answers(live_server, page):
    page.goto(f"{live_server.url}/api/v1/docs/")
    operation = page.locator("#operations-notices-notice_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text(
        re.compile("401|403")
    )


def test_the_page_passes_axe(live_server, page, axe):
    """Swagger UI's own colours fail contrast; api_docs.css darkens them. Its request-body box has
    no label (Swagger UI's, said in docs/api.md), so an opened form is checked for contrast only."""
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator("#operations-reports-report_create")).to_be_visible()
    assert_accessible(axe, page)

    operation = page.locator("#operations-reports-report_create")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    expect(operation.get_by_role("button", name="Execute")).to_be_visible()
    results = axe.run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast"]}})
    assert not results.response["violations"], results.generate_report()
