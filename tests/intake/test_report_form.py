"""Sending a report from the web: what is saved, what the child sees, and kind answers to bad input."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from childshield.audit.models import AuditEvent
from childshield.intake.models import Channel, Report, Screening
from childshield.intake.tokens import FORM_MAX_AGE_SECONDS
from tests.intake.conftest import GOOD_REPORT, form_token, receipt_of

pytestmark = pytest.mark.django_db


def _fresh_form(client: Client, language: str = "en", query: str = "") -> str:
    return form_token(client.get(f"/{language}/report/{query}").content.decode())


def test_a_report_is_saved_with_its_text_encrypted_and_a_code_and_passphrase_shown(send_report, client):
    sent = send_report()
    report = Report.objects.get()
    assert report.channel == Channel.WEB
    assert report.country == "VN"
    assert report.display_reference == sent.code
    assert report.description == GOOD_REPORT["description"]
    assert report.urls == [GOOD_REPORT["url1"]]
    assert report.harms == ["threatened"]
    assert not report.is_urgent
    assert len(sent.passphrase.replace(" ", "")) == 12
    with connection.cursor() as cursor:
        cursor.execute("SELECT description, urls, passphrase_hash FROM intake_report")
        description, urls, passphrase_hash = cursor.fetchone()
    assert "photos" not in description
    assert "bad-person" not in urls
    assert sent.passphrase.replace(" ", "") not in passphrase_hash
    assert AuditEvent.objects.filter(object_type="intake.Report", action="create").count() == 1


def test_not_being_safe_marks_the_report_urgent_and_puts_the_helpline_first(send_report, reference_data):
    sent = send_report(safe_now="no")
    assert Report.objects.get().is_urgent
    html = sent.html
    assert html.index("Please call now") < html.index("Your code and secret number")
    assert 'href="tel:111"' in html


def test_not_sure_about_safety_is_urgent_too(send_report):
    send_report(safe_now="not_sure")
    assert Report.objects.get().is_urgent


def test_the_page_asks_kindly_for_what_is_missing_and_keeps_what_was_typed(client):
    token = _fresh_form(client)
    response = client.post(
        "/en/report/",
        {"description": "", "url1": "my-friend-link", "form_token": token, "platform": "tiktok"},
    )
    html = response.content.decode()
    assert "Please choose who this is about." in html
    assert "Please tell us if you are safe right now." in html
    assert "Choose at least one thing that happened, or tell us in your own words." in html
    assert 'value="my-friend-link"' in html
    assert '<option value="tiktok" selected>' in html
    assert not Report.objects.exists()


def test_an_invalid_web_address_gets_a_kind_message_and_the_text_stays(client):
    token = _fresh_form(client)
    data = {**GOOD_REPORT, "url1": "not a link at all", "form_token": token}
    html = client.post("/en/report/", data).content.decode()
    assert "This does not look like a web address." in html
    assert 'value="not a link at all"' in html
    assert GOOD_REPORT["description"] in html
    assert not Report.objects.exists()


def test_an_address_without_https_is_accepted_as_people_paste_it(client):
    token = _fresh_form(client)
    client.post("/en/report/", {**GOOD_REPORT, "url1": "facebook.com/some.page", "form_token": token})
    assert Report.objects.get().urls == ["https://facebook.com/some.page"]


def test_over_long_text_is_refused_kindly_and_nothing_is_cut_off(client):
    token = _fresh_form(client)
    long_text = "I need to tell you everything. " * 200
    html = client.post("/en/report/", {**GOOD_REPORT, "description": long_text, "form_token": token}).content
    html = html.decode()
    assert "This is longer than we can take" in html
    assert long_text.strip() in html
    assert 'maxlength="' not in html  # the browser must not silently cut a pasted text
    assert not Report.objects.exists()


def test_the_same_form_sent_twice_makes_one_report_and_shows_the_same_code_and_passphrase(client):
    token = _fresh_form(client)
    first = receipt_of(client.post("/en/report/", {**GOOD_REPORT, "form_token": token}).content.decode())
    second = receipt_of(client.post("/en/report/", {**GOOD_REPORT, "form_token": token}).content.decode())
    assert Report.objects.count() == 1
    assert (second.code, second.passphrase) == (first.code, first.passphrase)
    assert "already sent, so we kept only one" in second.html


def test_sent_again_after_the_passphrase_was_forgotten_here_the_code_is_shown_and_no_second_report(client):
    token = _fresh_form(client)
    first = client.post("/en/report/", {**GOOD_REPORT, "form_token": token})
    assert "no-store" in first["Cache-Control"]
    cache.clear()  # the short-lived receipt is gone
    html = client.post("/en/report/", {**GOOD_REPORT, "form_token": token}).content.decode()
    assert Report.objects.count() == 1
    assert Report.objects.get().display_reference in html
    assert "data-passphrase" not in html
    assert "we show the secret number only once" in html


def test_an_expired_form_keeps_everything_typed_and_sends_on_the_next_try(client, monkeypatch):
    token = _fresh_form(client)
    import time

    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + FORM_MAX_AGE_SECONDS + 60)
    html = client.post("/en/report/", {**GOOD_REPORT, "form_token": token}).content.decode()
    monkeypatch.setattr(time, "time", real_time)
    assert "This page was open for a long time" in html
    assert GOOD_REPORT["description"] in html
    assert not Report.objects.exists()
    fresh = form_token(html)
    assert fresh != token
    receipt_of(client.post("/en/report/", {**GOOD_REPORT, "form_token": fresh}).content.decode())
    assert Report.objects.count() == 1


def test_a_forged_form_token_is_treated_like_an_expired_form(client):
    html = client.post("/en/report/", {**GOOD_REPORT, "form_token": "forged"}).content.decode()
    assert "This page was open for a long time" in html
    assert not Report.objects.exists()


def test_a_link_from_a_platform_fills_in_the_platform_and_address(client):
    html = client.get("/en/report/?from=Zalo&url=https://zalo.me/g/abc123").content.decode()
    assert '<option value="zalo" selected>' in html
    assert 'value="https://zalo.me/g/abc123"' in html
    token = form_token(html)
    source = 'name="source" value="zalo"'
    assert source in html
    client.post(
        "/en/report/",
        {
            **GOOD_REPORT,
            "platform": "zalo",
            "url1": "https://zalo.me/g/abc123",
            "source": "zalo",
            "form_token": token,
        },
    )
    report = Report.objects.get()
    assert (report.platform, report.source, report.urls) == ("zalo", "zalo", ["https://zalo.me/g/abc123"])


def test_a_link_from_a_school_records_where_it_came_from_and_ignores_a_bad_address(client):
    html = client.get("/en/report/?from=kim-thuy-school&url=javascript:alert(1)").content.decode()
    assert 'name="source" value="kim-thuy-school"' in html
    url_input = re.search(r'<input[^>]*name="url1"[^>]*>', html).group(0)
    assert "value=" not in url_input
    assert '<option value="" selected>' in html


def test_a_contact_way_without_the_contact_is_asked_for_kindly(client):
    token = _fresh_form(client)
    html = client.post(
        "/en/report/", {**GOOD_REPORT, "contact_method": "zalo", "contact": "", "form_token": token}
    ).content.decode()
    assert "Write how we can reach you" in html
    assert not Report.objects.exists()


def test_a_contact_is_kept_encrypted(client):
    token = _fresh_form(client)
    client.post(
        "/en/report/",
        {**GOOD_REPORT, "contact_method": "phone", "contact": "0901 234 567", "form_token": token},
    )
    assert Report.objects.get().contact == "0901 234 567"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM intake_report")
        assert "0901" not in cursor.fetchone()[0]


def test_reporting_sets_no_cookie_and_stores_no_address(client):
    token = _fresh_form(client)
    response = client.post("/en/report/", {**GOOD_REPORT, "form_token": token}, REMOTE_ADDR="203.0.113.77")
    receipt_of(response.content.decode())
    assert not response.cookies
    assert not client.cookies
    with connection.cursor() as cursor:
        for table in ("intake_report", "audit_auditevent"):
            cursor.execute(f"SELECT * FROM {table}")
            assert "203.0.113.77" not in repr(cursor.fetchall())


def test_a_filled_honeypot_is_kept_but_waits_below_the_others(client):
    token = _fresh_form(client)
    sent = receipt_of(
        client.post(
            "/en/report/", {**GOOD_REPORT, "website_url": "http://spam.example", "form_token": token}
        ).content.decode()
    )
    assert Report.objects.get().screening == Screening.AUTOMATED
    assert sent.code


def test_a_burst_from_one_place_is_not_dropped_but_sorted_below(client):
    for _ in range(7):
        token = _fresh_form(client)
        client.post("/en/report/", {**GOOD_REPORT, "form_token": token}, REMOTE_ADDR="198.51.100.1")
    lanes = list(Report.objects.order_by("created_at", "id").values_list("screening", flat=True))
    assert len(lanes) == 7
    assert lanes[:5] == [Screening.CLEAR] * 5
    assert lanes[5:] == [Screening.FLOOD] * 2
    # A child somewhere else is not slowed down by the burst.
    token = _fresh_form(client)
    client.post("/en/report/", {**GOOD_REPORT, "form_token": token}, REMOTE_ADDR="192.0.2.50")
    assert Report.objects.order_by("-id").first().screening == Screening.CLEAR


def test_past_the_hard_limit_the_report_is_refused_kindly_and_the_text_stays(client, settings):
    from childshield.core.rate_limits import hit
    from childshield.intake import rate_limits

    for _ in range(rate_limits.REPORTS_HARD.allowed):
        hit(rate_limits.REPORTS_HARD, rate_limits.client_key(_request("198.51.100.9")))
    token = _fresh_form(client)
    html = client.post(
        "/en/report/", {**GOOD_REPORT, "form_token": token}, REMOTE_ADDR="198.51.100.9"
    ).content.decode()
    assert "Very many reports were sent from this place" in html
    assert GOOD_REPORT["description"] in html
    assert not Report.objects.exists()


def _request(address: str):
    from django.test import RequestFactory

    return RequestFactory().get("/", REMOTE_ADDR=address)


def test_a_post_from_another_site_is_refused(client):
    token = _fresh_form(client)
    response = client.post(
        "/en/report/", {**GOOD_REPORT, "form_token": token}, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_the_report_page_speaks_each_language(client):
    for language in ("vi", "km", "en"):
        response = client.get(f"/{language}/report/")
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()
        assert "data-quick-exit" in response.content.decode()


def test_provinces_are_listed_by_name_in_the_page_language(client, reference_data):
    html = client.get("/vi/report/").content.decode()
    names = re.findall(r'<option value="\d+">([^<]+)</option>', html)
    assert len(names) >= 30
    assert "Quảng Trị" in names
    assert not any("(VN" in name for name in names)


def test_the_child_may_say_which_language_to_be_answered_in(send_report, client):
    page = client.get("/vi/report/").content.decode()
    # Each language named in its own script, marked as such for screen readers.
    assert '<span lang="km">ភាសាខ្មែរ</span>' in page and '<span lang="vi">Tiếng Việt</span>' in page

    send_report(language="vi", reply_language="km")
    send_report(language="km")

    chosen, skipped = Report.objects.order_by("created_at", "id")
    assert (chosen.language, chosen.reply_language) == ("vi", "km")
    assert (skipped.language, skipped.reply_language) == ("km", "")


def test_a_language_that_is_not_offered_is_refused_kindly(client):
    token = _fresh_form(client)
    response = client.post("/en/report/", {**GOOD_REPORT, "reply_language": "fr", "form_token": token})
    assert "Please choose one of these languages, or skip this question." in response.content.decode()
    assert not Report.objects.exists()
