"""The contact form is autosaved as an encrypted draft per counsellor, restored, and dropped once logged."""

import pytest
from django.db import connection

from childshield.audit.models import AuditAction, AuditEvent
from childshield.helpline.models import Category, Contact, ContactDraft
from childshield.helpline.services.contacts import contact_draft_save

pytestmark = pytest.mark.django_db


def _typed(**changes) -> dict:
    return {
        "channel": "chat",
        "caller": "0912345678",
        "caller_type": "child",
        "age_band": "13_15",
        "gender": "girl",
        "ethnicity": "unknown",
        "disability": "unknown",
        "categories": [Category.objects.get(code="online.sextortion").pk],
        "summary": "",
        "notes": "She is scared he will send the photos to her class.",
        "actions": ["counselling"],
        **changes,
    }


def test_the_form_autosaves_a_draft_that_is_restored_when_the_form_is_opened_again(sign_in, counsellor):
    client = sign_in(counsellor)
    page = client.get("/en/helpline/contacts/new/").content.decode()
    assert 'hx-trigger="input changed delay:2s' in page and "/en/helpline/contacts/draft/" in page

    response = client.post("/en/helpline/contacts/draft/", _typed())
    assert response.status_code == 200 and "Draft saved at" in response.content.decode()
    client.post("/en/helpline/contacts/draft/", _typed(summary="Threatened with her photos."))
    assert ContactDraft.objects.count() == 1

    page = client.get("/en/helpline/contacts/new/").content.decode()
    assert "data-draft-restored" in page
    assert "She is scared he will send the photos to her class." in page
    assert "Threatened with her photos." in page
    assert 'value="chat" selected' in page
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, reason="contact draft restored").exists()


def test_the_draft_is_encrypted_and_never_holds_the_callers_number(sign_in, counsellor):
    sign_in(counsellor).post("/en/helpline/contacts/draft/", _typed())
    assert "caller" not in ContactDraft.objects.get().typed
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM helpline_contactdraft")
        stored = repr(cursor.fetchall())
    assert "scared" not in stored and "0912345678" not in stored


def test_a_save_with_required_fields_missing_says_what_is_missing_and_keeps_the_draft(sign_in, counsellor):
    client = sign_in(counsellor)
    response = client.post("/en/helpline/contacts/new/", _typed(categories=[], summary=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert "The contact is not saved yet. Everything you typed is still here." in html
    assert "Choose at least one category." in html
    assert "Write a short summary of the contact." in html
    assert "She is scared he will send the photos to her class." in html
    assert Contact.objects.count() == 0
    draft = ContactDraft.objects.get(counsellor=counsellor)
    assert draft.typed["notes"] == ["She is scared he will send the photos to her class."]

    page = client.get("/en/helpline/contacts/new/").content.decode()
    assert "She is scared he will send the photos to her class." in page


def test_the_draft_is_discarded_when_the_contact_is_saved(sign_in, counsellor):
    client = sign_in(counsellor)
    client.post("/en/helpline/contacts/draft/", _typed())
    response = client.post("/en/helpline/contacts/new/", _typed(summary="Threatened with her photos."))
    assert response.status_code == 302
    assert not ContactDraft.objects.exists()
    assert "data-draft-restored" not in client.get("/en/helpline/contacts/new/").content.decode()


def test_each_counsellor_has_their_own_draft_and_one_per_report(
    sign_in, counsellor, second_counsellor, send_report
):
    report = send_report()
    contact_draft_save(acting=counsellor, report_reference="", fields={"notes": ["mine"]})
    contact_draft_save(acting=counsellor, report_reference=report.reference, fields={"notes": ["report"]})
    contact_draft_save(acting=second_counsellor, report_reference="", fields={"notes": ["theirs"]})
    assert ContactDraft.objects.count() == 3

    page = sign_in(second_counsellor).get("/en/helpline/contacts/new/").content.decode()
    assert "theirs" in page and "mine" not in page


def test_a_counsellor_discards_the_draft_to_start_afresh(sign_in, counsellor):
    client = sign_in(counsellor)
    client.post("/en/helpline/contacts/draft/", _typed())
    response = client.post("/en/helpline/contacts/draft/discard/", follow=True)
    assert "The draft is discarded." in response.content.decode()
    assert not ContactDraft.objects.exists()


def test_only_the_first_autosave_is_audited(sign_in, counsellor):
    client = sign_in(counsellor)
    for summary in ("a", "ab", "abc"):
        client.post("/en/helpline/contacts/draft/", _typed(summary=summary))
    assert AuditEvent.objects.filter(reason="contact draft saved").count() == 1


def test_people_outside_a_helpline_cannot_save_drafts(sign_in, worker):
    assert sign_in(worker).post("/en/helpline/contacts/draft/", {"notes": "x"}).status_code == 403


def test_an_autosave_arriving_after_the_contact_is_logged_brings_no_draft_back(sign_in, counsellor):
    client = sign_in(counsellor)
    page = client.get("/en/helpline/contacts/new/").content.decode()
    token = page.split('name="draft_token" value="')[1].split('"')[0]
    logged = client.post("/en/helpline/contacts/new/", _typed(summary="Threatened.", draft_token=token))
    assert logged.status_code == 302

    late = client.post("/en/helpline/contacts/draft/", _typed(summary="Threatened.", draft_token=token))
    assert late.status_code == 200 and "Draft saved" not in late.content.decode()
    assert not ContactDraft.objects.exists()
