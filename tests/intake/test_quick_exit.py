"""Quick exit: every public page's leave control goes through /leave/, which sends the child to the
neutral site and tells the browser to drop this site's cache on the way, writing nothing."""

import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

NEUTRAL = "https://weather.example.com/today"


def _leave_link(html: str) -> str:
    match = re.search(r'<a class="quick-exit" href="([^"]+)"[^>]*data-quick-exit', html)
    assert match, "the page has no quick-exit control"
    return match.group(1)


@override_settings(QUICK_EXIT_URL=NEUTRAL)
def test_leaving_goes_to_the_neutral_site_and_clears_the_browser_cache(client):
    response = client.get("/leave/")
    assert response.status_code == 303
    # Exactly the neutral site: nothing about the child or the page they left rides along.
    assert response["Location"] == NEUTRAL
    assert response["Clear-Site-Data"] == '"cache"'
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_leaving_writes_nothing_and_leaves_no_cookie(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/leave/", HTTP_REFERER="http://testserver/en/report/status/")
    assert response.status_code == 303
    assert not queries.captured_queries  # no audit, no session, no rate limit in the database
    assert not response.cookies


def test_leaving_is_a_plain_link_and_refuses_a_post(client):
    assert client.post("/leave/").status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/vi/",
        "/km/",
        "/en/report/",
        "/en/report/status/",
        "/en/learn/",
        "/en/learn/sextortion/",
        "/en/block-image/",
    ],
)
def test_every_public_page_leaves_through_the_clearing_address(client, path):
    assert _leave_link(client.get(path).content.decode()) == "/leave/"


def test_the_thread_leaves_through_the_clearing_address(send_report):
    sent = send_report()
    html = (
        Client()
        .post("/en/report/status/", {"reference": sent.code, "passphrase": sent.passphrase})
        .content.decode()
    )
    assert "Your messages" in html
    assert _leave_link(html) == "/leave/"


def test_staff_pages_have_no_quick_exit_control(client, counsellor):
    client.force_login(counsellor.user)
    response = client.get("/en/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reports" in html
    assert "data-quick-exit" not in html
    assert "/leave/" not in html
