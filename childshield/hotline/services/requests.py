"""Requests to a platform about an item, sent as notices: keep its data for the police (preservation),
or send the hotline the file behind a reported hash or address (file request); and the platform's
answers, which the platforms app records through here.

The platform is the one that hosts or reported the item, named by the platforms app through
`hotline.channels.platform_for`; the e-mail is the notice of record, the webhook goes too.
"""

import re
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hotline import channels, tasks
from childshield.hotline.custody import custody_record
from childshield.hotline.evidence_files import evidence_kind
from childshield.hotline.models import (
    PLATFORM_REQUESTS,
    PRESERVE_DAYS_MAX,
    PRESERVE_DAYS_MIN,
    ContentItem,
    Evidence,
    ItemStatus,
    Notice,
    NoticeOutcome,
    NoticePurpose,
    RecipientKind,
)
from childshield.hotline.permissions import HotlinePerm, require_for_item
from childshield.hotline.services.evidence import evidence_keep
from childshield.hotline.services.notices import Recipient, _notice_create
from childshield.outbox.kicks import kick_on_commit

# An MD5 or a SHA-256, in hex: the hashes a platform's report names its files by, exactly.
_FILE_HASH = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{64})$")


@transaction.atomic
def notice_request(
    *,
    acting: Membership,
    item: ContentItem,
    purpose: NoticePurpose | str,
    preserve_days: int | None = None,
    file_hash: str = "",
    now: datetime | None = None,
) -> Notice:
    """An analyst asks the item's platform to preserve its data for `preserve_days`, or to send the
    file (the one with `file_hash`, else the one at the address); sent as a notice within a minute."""
    require_for_item(acting, item, HotlinePerm.NOTICE_SEND)
    item = ContentItem.objects.select_for_update(of=("self",)).select_related("agency").get(pk=item.pk)
    if purpose not in PLATFORM_REQUESTS:
        raise ApplicationError(_("Ask a platform to preserve data or to send a file."), code="wrong_purpose")
    purpose = NoticePurpose(purpose)
    if item.status == ItemStatus.OUT_OF_SCOPE:
        raise ApplicationError(
            _("The item is out of scope: nothing is asked of the platform."), code="closed"
        )
    fields: dict[str, object] = {}
    if purpose == NoticePurpose.PRESERVATION:
        if preserve_days is None or not PRESERVE_DAYS_MIN <= preserve_days <= PRESERVE_DAYS_MAX:
            raise ApplicationError(
                _("Ask for %(low)d to %(high)d days.")
                % {"low": PRESERVE_DAYS_MIN, "high": PRESERVE_DAYS_MAX},
                code="invalid",
            )
        fields["preserve_days"] = preserve_days
    else:
        file_hash = file_hash.strip().lower()
        if file_hash and not _FILE_HASH.match(file_hash):
            raise ApplicationError(_("Give the file's MD5 or SHA-256 in hex, or nothing."), code="invalid")
        fields["file_hash"] = file_hash
    contact = channels.platform_for(item)
    if contact is None:
        raise ApplicationError(
            _("No platform with an abuse address is known to host or have reported this item."),
            code="no_recipient",
        )
    notice = _notice_create(
        item=item,
        recipient=Recipient(RecipientKind.PLATFORM, contact.name, contact.email),
        acting=acting,
        escalation=False,
        now=now or timezone.now(),
        purpose=purpose,
        platform_id=contact.platform_id,
        **fields,
    )
    kick_on_commit(tasks.notice_send, notice.pk)
    return notice


def _locked_request(notice: Notice, purpose: NoticePurpose) -> Notice:
    notice = Notice.objects.select_for_update(of=("self",)).select_related("item__agency").get(pk=notice.pk)
    if notice.purpose != purpose:
        raise ApplicationError(
            _("This notice is not a %(purpose)s.") % {"purpose": purpose.label.lower()}, code="wrong_purpose"
        )
    return notice


@transaction.atomic
def notice_preservation_answer(
    *, notice: Notice, preserved_until: date | None, note: str = "", now: datetime | None = None
) -> tuple[Notice, bool]:
    """The platform kept the data until `preserved_until`, or (None) refused, saying why in `note`.
    (The notice, whether the answer is new); the same answer again is the first, another refused."""
    notice = _locked_request(notice, NoticePurpose.PRESERVATION)
    outcome = NoticeOutcome.PRESERVED if preserved_until is not None else NoticeOutcome.PRESERVATION_REFUSED
    if notice.outcome:
        if notice.outcome == outcome and notice.preserved_until == preserved_until:
            return notice, False
        raise ApplicationError(_("This request was answered already."), code="already_answered")
    if preserved_until is not None and notice.sent_at is not None and preserved_until < notice.sent_at.date():
        raise ApplicationError(_("The data cannot be preserved until before the request."), code="invalid")
    notice.outcome = outcome
    notice.preserved_until = preserved_until
    notice.outcome_note = note.strip()[:1000]
    notice.outcome_at = now or timezone.now()
    notice.save(update_fields=["outcome", "preserved_until", "outcome_note", "outcome_at"])
    said = f"until {preserved_until.isoformat()}" if preserved_until is not None else "refused"
    custody_record(
        None,
        AuditAction.UPDATE,
        notice.item,
        f"platform answered preservation request {notice.sequence}: {said}",
        notice.item.agency,
    )
    return notice, True


@transaction.atomic
def notice_file_receive(*, notice: Notice, content: bytes, now: datetime | None = None) -> Evidence:
    """The platform sent the file a file request asked for: checked to be an image, kept encrypted as
    the item's evidence (matched against the banks on arrival), received once."""
    notice = _locked_request(notice, NoticePurpose.FILE_REQUEST)
    if notice.outcome:
        raise ApplicationError(_("A file was received for this request already."), code="already_answered")
    content_type = evidence_kind(content)
    if content_type is None or not content_type.startswith("image/"):
        raise ApplicationError(_("Send one JPEG, PNG, GIF or WebP image."), code="wrong_type")
    if notice.created_by is None:  # requests are made by analysts; the file is kept in their name
        raise ApplicationError(_("This request was not made by an analyst."), code="wrong_purpose")
    evidence = evidence_keep(
        item=notice.item,
        content=content,
        content_type=content_type,
        uploaded_by=notice.created_by,
        notice=notice,
    )
    notice.outcome = NoticeOutcome.FILE_RECEIVED
    notice.outcome_at = now or timezone.now()
    notice.save(update_fields=["outcome", "outcome_at"])
    return evidence
