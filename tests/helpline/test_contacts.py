"""Logging contacts: counselling ones with categories, one-click ones, and what is kept private."""

import pytest
from django.db import connection

from childshield.helpline import selectors
from childshield.helpline.models import Category, Contact, ContactKind
from childshield.helpline.services.categories import categories_load
from childshield.helpline.services.contacts import ContactDetails, contact_log
from childshield.helpline.services.queue import queue_claim
from childshield.intake.models import Report
from childshield.places.models import Area
from childshield.places.services.reference_data import reference_data_load

pytestmark = pytest.mark.django_db


def _category(code: str) -> Category:
    return Category.objects.get(code=code)


def test_the_shipped_categories_include_the_online_protection_ones():
    online = Category.objects.get(code="online")
    codes = {child.code for child in online.children.all()}
    assert {"online.sextortion", "online.grooming", "online.images_shared", "online.abuse_material"} <= codes
    assert all(child.online_protection for child in online.children.all())
    assert _category("online.sextortion").name_vi.startswith("Tống tiền")
    assert not _category("bullying").online_protection


def test_a_counsellor_logs_a_counselling_contact_from_the_form(sign_in, counsellor):
    reference_data_load()
    province = Area.objects.filter(country="VN", level="province").first()
    client = sign_in(counsellor)
    page = client.get("/en/helpline/contacts/new/").content.decode()
    assert "Sexual extortion" in page and "One click" in page

    response = client.post(
        "/en/helpline/contacts/new/",
        {
            "channel": "phone",
            "caller_type": "child",
            "age_band": "13_15",
            "gender": "girl",
            "ethnicity": "minority",
            "disability": "unknown",
            "province": province.pk if province else "",
            "categories": [_category("online.sextortion").pk, _category("mental_health.anxiety").pk],
            "summary": "A girl is threatened by a man who has her photos.",
            "notes": "Agreed she will not pay; explained blocking and reporting.",
            "actions": ["counselling", "information"],
            "outcome": "follow_up",
            "duration_minutes": "25",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "The contact is logged." in html
    assert "A girl is threatened by a man who has her photos." in html
    assert "Sexual extortion" in html
    assert "25 minutes" in html
    contact = Contact.objects.get()
    assert contact.kind == ContactKind.COUNSELLING and contact.counsellor == counsellor


def test_summary_and_notes_are_encrypted_in_the_database(counsellor):
    contact = contact_log(
        acting=counsellor,
        details=ContactDetails(
            channel="chat",
            categories=[_category("online.grooming")],
            summary="secret summary",
            notes="secret notes",
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary, notes FROM helpline_contact WHERE id = %s", [contact.pk])
        summary, notes = cursor.fetchone()
    assert "secret" not in summary and "secret" not in notes


def test_a_contact_missing_its_summary_and_categories_keeps_what_was_typed(sign_in, counsellor):
    client = sign_in(counsellor)
    response = client.post(
        "/en/helpline/contacts/new/",
        {
            "channel": "phone",
            "caller_type": "caregiver",
            "age_band": "7_9",
            "gender": "boy",
            "ethnicity": "unknown",
            "disability": "yes",
            "notes": "Mother called about her son's game chat.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The contact is not saved yet" in html
    assert "Choose at least one category." in html
    assert "Write a short summary of the contact." in html
    assert "Mother called about her son&#x27;s game chat." in html
    assert 'value="caregiver" selected' in html
    assert not Contact.objects.exists()


def test_one_click_contacts_are_counted_apart_from_counselling(sign_in, counsellor):
    client = sign_in(counsellor)
    for kind in ["silent", "hang_up", "prank"]:
        response = client.post(
            "/en/helpline/contacts/quick/", {"channel": "phone", "kind": kind}, follow=True
        )
    assert "Logged: Prank or abusive (Phone call)." in response.content.decode()
    contact_log(
        acting=counsellor,
        details=ContactDetails(
            channel="phone", categories=[_category("bullying")], summary="bullied at school"
        ),
    )
    tally = selectors.contacts_today(acting=counsellor)
    assert (tally.total, tally.counselling) == (4, 1)
    html = client.get("/en/helpline/contacts/new/").content.decode()
    assert 'data-today-total="4" data-today-counselling="1"' in html


def test_a_quick_contact_cannot_pretend_to_be_counselling(sign_in, counsellor):
    response = sign_in(counsellor).post(
        "/en/helpline/contacts/quick/", {"channel": "phone", "kind": "counselling"}, follow=True
    )
    assert "Choose the kind of contact." in response.content.decode()
    assert not Contact.objects.exists()


def test_a_counsellor_reads_only_their_own_contacts_and_the_supervisor_all(
    sign_in, counsellor, second_counsellor, supervisor
):
    contact = contact_log(
        acting=second_counsellor,
        details=ContactDetails(channel="sms", categories=[_category("family")], summary="parents fighting"),
    )
    assert sign_in(counsellor).get(f"/en/helpline/contacts/{contact.pk}/").status_code == 404
    assert (
        "parents fighting" in sign_in(supervisor).get(f"/en/helpline/contacts/{contact.pk}/").content.decode()
    )


def test_people_outside_a_helpline_cannot_log_contacts(sign_in, worker):
    client = sign_in(worker)
    assert client.get("/en/helpline/contacts/new/").status_code == 403
    assert (
        client.post("/en/helpline/contacts/quick/", {"channel": "phone", "kind": "silent"}).status_code == 403
    )


def test_reloading_the_categories_changes_nothing_and_keeps_removed_ones_for_old_contacts(
    counsellor, tmp_path
):
    before = Category.objects.count()
    assert categories_load() == before
    assert Category.objects.count() == before

    contact = contact_log(
        acting=counsellor,
        details=ContactDetails(
            channel="phone", categories=[_category("legal")], summary="asked about the law"
        ),
    )
    smaller = tmp_path / "categories.json"
    smaller.write_text('{"categories": [{"code": "other", "en": "Other"}]}', encoding="utf-8")
    categories_load(path=smaller)
    assert not _category("legal").is_active
    assert [c.code for c in contact.categories.all()] == ["legal"]
    assert all(group.code == "other" for group in selectors.categories_for_form())


def test_a_contact_logged_for_a_claimed_report_links_to_it_and_takes_its_profile(
    sign_in, counsellor, send_report
):
    report = send_report()
    Report.objects.filter(pk=report.pk).update(age_band="13_15", gender="girl")
    queue_claim(acting=counsellor, report=report)
    client = sign_in(counsellor)
    queue = client.get("/en/helpline/").content.decode()
    assert f'href="/en/helpline/contacts/new/?report={report.reference}"' in queue

    url = f"/en/helpline/contacts/new/?report={report.reference}"
    page = client.get(url).content.decode()
    assert f'data-for-report="{report.reference}"' in page
    assert (
        'value="web" selected' in page
        and 'value="13_15" selected' in page
        and 'value="girl" selected' in page
    )
    response = client.post(
        url,
        {
            "channel": "web",
            "caller_type": "child",
            "age_band": "13_15",
            "gender": "girl",
            "ethnicity": "unknown",
            "disability": "unknown",
            "categories": [_category("online.grooming").pk],
            "summary": "Answered in the thread.",
        },
        follow=True,
    )
    assert f"data-report-link>{report.display_reference}<" in response.content.decode()
    assert Contact.objects.get().report == report


def test_a_contact_cannot_be_logged_for_a_report_of_another_country(sign_in, counsellor, send_report):
    report = send_report()
    Report.objects.filter(pk=report.pk).update(country="KH")
    assert sign_in(counsellor).get(f"/en/helpline/contacts/new/?report={report.reference}").status_code == 404


def test_a_contact_for_a_block_image_request_starts_as_a_web_contact(counsellor):
    from childshield.helpline.forms import initial_from_report
    from childshield.intake.models import Channel
    from childshield.intake.services import ReportContent, report_submit

    receipt = report_submit(
        content=ReportContent(about="me", safe_now="yes"),
        idempotency_key="block-image-contact",
        channel=Channel.BLOCK_IMAGE,
    )
    assert initial_from_report(receipt.report)["channel"] == "web"
