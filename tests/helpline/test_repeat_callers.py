"""Repeat callers are recognised by a keyed hash of their number or thread, with notes that expire."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from childshield.audit.models import AuditAction, AuditEvent
from childshield.core.errors import ApplicationError
from childshield.helpline import selectors
from childshield.helpline.caller_identity import caller_key_for
from childshield.helpline.models import CallerNote, Category, Contact
from childshield.helpline.services.callers import caller_note_add
from childshield.helpline.services.contacts import ContactDetails, contact_log

pytestmark = pytest.mark.django_db

NUMBER = "0912 345 678"


def _log(member, caller: str = NUMBER, summary: str = "Asked about blocking someone.") -> Contact:
    return contact_log(
        acting=member,
        details=ContactDetails(
            channel="phone",
            categories=[Category.objects.get(code="online.grooming")],
            summary=summary,
            caller_key=caller_key_for(caller),
        ),
    )


@pytest.mark.parametrize(
    "same", ["0912345678", "+84 912 345 678", "0084-912-345-678", "84912345678", "(091) 234-5678"]
)
def test_one_phone_number_written_in_different_ways_is_one_caller(same):
    assert caller_key_for(same) == caller_key_for(NUMBER)


def test_different_callers_and_chat_threads_have_different_keys():
    assert caller_key_for("0912345679") != caller_key_for(NUMBER)
    assert caller_key_for("zalo:thread-ABC") == caller_key_for("  ZALO:thread-abc ")
    assert caller_key_for("zalo:thread-ABC") != caller_key_for("zalo:thread-ABD")
    assert caller_key_for("   ") == ""


def test_the_number_is_never_stored(counsellor):
    contact = _log(counsellor)
    assert len(contact.caller_key) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM helpline_contact")
        stored = repr(cursor.fetchall())
    assert "912345678" not in stored and "912 345" not in stored


def test_the_form_says_how_often_this_caller_contacted_us_with_colleagues_notes(
    sign_in, counsellor, second_counsellor
):
    first = _log(second_counsellor)
    _log(second_counsellor)
    caller_note_add(
        acting=second_counsellor,
        contact=first,
        note="Talks more easily in the evening.",
        flags=["prefers_female", "at_risk"],
        expires_on=timezone.localdate() + timedelta(days=30),
    )

    html = (
        sign_in(counsellor)
        .post("/en/helpline/contacts/caller/", {"caller": "+84 912 345 678"})
        .content.decode()
    )
    assert 'data-caller-history="2"' in html
    assert "contacted us 2 times before" in html
    assert "Prefers a female counsellor" in html and "At risk" in html
    assert "Talks more easily in the evening." in html
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="helpline.CallerNote", actor_id=str(counsellor.user.pk)
    ).exists()


def test_a_new_caller_is_a_first_contact(sign_in, counsellor):
    html = (
        sign_in(counsellor).post("/en/helpline/contacts/caller/", {"caller": "0987000111"}).content.decode()
    )
    assert 'data-caller-history="0"' in html


def test_notes_stop_showing_after_their_date(counsellor):
    contact = _log(counsellor)
    note = caller_note_add(
        acting=counsellor,
        contact=contact,
        note="",
        flags=["prefers_male"],
        expires_on=timezone.localdate() + timedelta(days=1),
    )
    assert selectors.caller_history(acting=counsellor, caller_key=contact.caller_key).notes == [note]
    CallerNote.objects.filter(pk=note.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    assert selectors.caller_history(acting=counsellor, caller_key=contact.caller_key).notes == []


@pytest.mark.parametrize("days", [0, 400])
def test_a_note_expires_between_tomorrow_and_a_year_ahead(counsellor, days):
    contact = _log(counsellor)
    with pytest.raises(ApplicationError):
        caller_note_add(
            acting=counsellor,
            contact=contact,
            note="x",
            flags=[],
            expires_on=timezone.localdate() + timedelta(days=days),
        )


def test_a_note_needs_a_caller(counsellor):
    contact = _log(counsellor, caller="")
    with pytest.raises(ApplicationError) as error:
        caller_note_add(
            acting=counsellor,
            contact=contact,
            note="x",
            flags=[],
            expires_on=timezone.localdate() + timedelta(days=3),
        )
    assert error.value.code == "no_caller"


def test_a_counsellor_adds_a_note_from_the_contact_page_and_it_is_audited(sign_in, counsellor):
    contact = _log(counsellor)
    client = sign_in(counsellor)
    until = timezone.localdate() + timedelta(days=60)
    response = client.post(
        f"/en/helpline/contacts/{contact.pk}/caller-note/",
        {
            "note": "Her mother must not know she called.",
            "flags": ["at_risk"],
            "expires_on": until.isoformat(),
        },
    )
    assert response.status_code == 302
    note = CallerNote.objects.get()
    assert note.note == "Her mother must not know she called." and note.flags == ["at_risk"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="helpline.CallerNote").exists()

    missing = client.post(f"/en/helpline/contacts/{contact.pk}/caller-note/", {"note": "x"})
    assert missing.status_code == 400 and "Choose until when the note is shown." in missing.content.decode()


def test_the_contact_form_keeps_the_callers_key_not_the_number(sign_in, counsellor):
    client = sign_in(counsellor)
    response = client.post(
        "/en/helpline/contacts/new/",
        {
            "channel": "phone",
            "caller": "+84 912 345 678",
            "caller_type": "child",
            "age_band": "unknown",
            "gender": "unknown",
            "ethnicity": "unknown",
            "disability": "unknown",
            "categories": [Category.objects.get(code="online.grooming").pk],
            "summary": "Worried about a new online friend.",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.get().caller_key == caller_key_for(NUMBER)


def test_a_refused_save_still_shows_what_is_known_of_the_caller(sign_in, counsellor):
    _log(counsellor)
    response = sign_in(counsellor).post(
        "/en/helpline/contacts/new/", {"channel": "phone", "caller": "+84 912 345 678", "summary": ""}
    )
    assert response.status_code == 400
    assert 'data-caller-history="1"' in response.content.decode()
