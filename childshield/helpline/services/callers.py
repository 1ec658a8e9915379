"""Notes about a repeat caller, shown to the colleague who answers them next."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.helpline.models import CallerFlag, CallerNote, Contact
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.services.contacts import NOTES_MAX_LENGTH

LONGEST_CALLER_NOTE_DAYS = 366


@transaction.atomic
def caller_note_add(
    *, acting: Membership, contact: Contact, note: str, flags: list[str], expires_on: date
) -> CallerNote:
    """A note and flags about the caller of `contact`, shown to colleagues at the caller's next
    contacts until `expires_on` (at most a year ahead)."""
    require(acting, HelplinePerm.CONTACT_LOG)
    if contact.agency_id != acting.agency_id:
        raise ApplicationError(_("This contact belongs to another helpline."), code="forbidden")
    if not contact.caller_key:
        raise ApplicationError(
            _("No phone number or thread was entered for this contact, so the caller cannot be recognised."),
            code="no_caller",
        )
    flags = list(dict.fromkeys(flags))
    if set(flags) - set(CallerFlag.values):
        raise ApplicationError(_("Choose flags from the list."), code="invalid")
    if not note.strip() and not flags:
        raise ApplicationError(_("Write a note or choose a flag."), code="note_missing")
    if len(note) > NOTES_MAX_LENGTH:
        raise ApplicationError(_("The note is too long."), code="too_long")
    today = timezone.localdate()
    if not today < expires_on <= today + timedelta(days=LONGEST_CALLER_NOTE_DAYS):
        raise ApplicationError(_("Choose a date from tomorrow to a year ahead."), code="invalid_expiry")
    caller_note = CallerNote.objects.create(
        agency=acting.agency,
        caller_key=contact.caller_key,
        note=note.strip(),
        flags=flags,
        expires_on=expires_on,
        contact=contact,
        written_by=acting,
    )
    audit.record(
        action=AuditAction.CREATE,
        actor=acting.user,
        agency=acting.agency,
        obj=caller_note,
        reason=f"caller note on contact {contact.pk}, shown until {expires_on}",
    )
    return caller_note
