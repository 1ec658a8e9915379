"""Hotline pages: who may open them, what they show, and the writes made through them."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from childshield.hotline.models import ContentItem, ItemStatus
from childshield.hotline.services.items import content_item_report
from childshield.hotline.services.notices import notice_first_send

from .conftest import confirmed_item


@pytest.fixture
def item(analyst):
    return content_item_report(acting=analyst, url="https://host.example/page", source="analyst")


def test_outsiders_get_no_hotline_page(outsider, worker, item, sign_in, client):
    for member in (outsider, worker):
        signed = sign_in(member)
        assert signed.get("/en/hotline/").status_code == 403
        assert signed.get(f"/en/hotline/items/{item.pk}/").status_code == 403
        assert signed.get("/en/hotline/figures/").status_code == 403
        client.logout()


def test_another_hotline_cannot_open_this_hotlines_items(foreign_analyst, item, sign_in):
    client = sign_in(foreign_analyst)
    assert client.get(f"/en/hotline/items/{item.pk}/").status_code == 404
    assert item.number not in client.get("/en/hotline/").content.decode()
    assert (
        client.post(f"/en/hotline/items/{item.pk}/assess/", {"classification": "harmful"}).status_code == 404
    )


def test_the_list_filters_by_status_and_category_in_a_fixed_number_of_queries(
    analyst, second_analyst, sign_in
):
    confirmed_item("https://host.example/a", analyst=analyst, second=second_analyst, category="A")
    confirmed_item("https://host.example/c", analyst=analyst, second=second_analyst, category="C")
    for number in range(5):
        content_item_report(acting=analyst, url=f"https://host.example/n{number}", source="analyst")
    client = sign_in(analyst)
    page = client.get("/en/hotline/?category=A").content.decode()
    assert page.count('href="/en/hotline/items/') == 1
    page = client.get("/en/hotline/?status=new").content.decode()
    assert page.count('href="/en/hotline/items/') == 5
    with CaptureQueriesContext(connection) as few:
        client.get("/en/hotline/")
    for number in range(5, 15):
        content_item_report(acting=analyst, url=f"https://host.example/n{number}", source="analyst")
    with CaptureQueriesContext(connection) as many:
        client.get("/en/hotline/")
    assert len(many) == len(few)
    partial = client.get("/en/hotline/?status=new", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and partial.count('href="/en/hotline/items/') == 15


def test_assess_and_confirm_through_the_pages(
    analyst, second_analyst, sign_in, client, traced_to_provider, django_capture_on_commit_callbacks
):
    item = content_item_report(acting=analyst, url="https://host.example/x", source="analyst")
    first = sign_in(analyst)
    refused = first.post(
        f"/en/hotline/items/{item.pk}/assess/", {"classification": "abuse_material", "category": "A"}
    )
    assert refused.status_code == 400 and "INTERPOL" in refused.content.decode()
    response = first.post(
        f"/en/hotline/items/{item.pk}/assess/",
        {
            "classification": "abuse_material",
            "illegal_national": "yes",
            "interpol_baseline": "no",
            "category": "B",
            "content_type": "image",
            "apparent_age": "11_13",
            "commercial": "no",
        },
    )
    assert response.status_code == 302
    page = first.get(f"/en/hotline/items/{item.pk}/").content.decode()
    assert "Waiting for another analyst" in page and "confirm this assessment" not in page
    client.logout()
    second = sign_in(second_analyst)
    assert "confirm this assessment" in second.get(f"/en/hotline/items/{item.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert second.post(f"/en/hotline/items/{item.pk}/confirm/").status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.NOTICE_SENT and len(mail.outbox) == 1
    assessment = item.assessments.get()
    assert assessment.interpol_baseline is False and assessment.illegal_national is True


def test_the_item_page_shows_its_whole_story(analyst, second_analyst, traced_to_provider, sign_in):
    item = confirmed_item("https://host.example/story", analyst=analyst, second=second_analyst)
    notice_first_send(item_id=item.pk)
    page = sign_in(analyst).get(f"/en/hotline/items/{item.pk}/").content.decode()
    for part in ("Example Hosting", "abuse@hosting.example", "Chain of custody", "notice 1 sent", "Sent"):
        assert part in page, part


def test_trace_notice_check_and_close_buttons(
    analyst,
    second_analyst,
    lead,
    traced_to_provider,
    sign_in,
    client,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from childshield.hotline.probe import ProbeResult

    item = confirmed_item("https://host.example/buttons", analyst=analyst, second=second_analyst)
    page = sign_in(analyst)
    assert page.post(f"/en/hotline/items/{item.pk}/trace/").status_code == 302
    assert item.traces.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert page.post(f"/en/hotline/items/{item.pk}/notice/").status_code == 302
    assert item.notices.get().state == "sent"
    monkeypatch.setattr(
        "childshield.hotline.probe.check_url",
        lambda url, timeout=5.0: ProbeResult(state="online", status_code=200),
    )
    assert page.post(f"/en/hotline/items/{item.pk}/check/").status_code == 302
    assert item.checks.get().state == "online"
    assert page.post(f"/en/hotline/items/{item.pk}/close/", {"reason": "x"}).status_code == 403
    client.logout()
    assert (
        sign_in(lead).post(f"/en/hotline/items/{item.pk}/close/", {"reason": "no answer"}).status_code == 302
    )
    assert ContentItem.objects.get(pk=item.pk).status == ItemStatus.NOT_REMOVED


def test_navigation_shows_hotline_pages_by_role(analyst, lead, officer):
    from childshield.accounts.navigation import navigation_for

    names = lambda member: {entry.url_name for entry in navigation_for(member)}  # noqa: E731
    assert {"hotline:item_list", "hotline:package_list"} <= names(analyst) and "hotline:figures" not in names(
        analyst
    )
    assert "hotline:figures" in names(lead)
    assert names(officer) & {"hotline:item_list", "hotline:figures"} == set()
    assert "hotline:package_list" in names(officer)
