"""A counsellor's chats: closing one (the child is told how to come back) and, for a supervisor,
blocking an abusive sender on a chat app. Either frees the counsellor's place for the next chat."""

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.core.errors import ApplicationError
from childshield.helpline.models import QueueClaim
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.services.queue import claim_respected, require_same_helpline
from childshield.hotline.services.received_images import received_image_add
from childshield.intake.models import CHAT_CHANNELS, Report
from childshield.messaging import selectors as messaging_selectors
from childshield.messaging import services as messaging


@transaction.atomic
def chat_close(*, acting: Membership, report: Report) -> None:
    """Close the chat and put its claim down; its holder may, or a supervisor of the holder's agency."""
    require(acting, HelplinePerm.QUEUE_CLAIM)
    require_same_helpline(acting, report)
    claim_respected(acting=acting, report=report)
    if report.channel not in CHAT_CHANNELS:
        raise ApplicationError(_("This report is not a chat."), code="not_a_chat")
    messaging.conversation_end(acting=acting, report=report)
    QueueClaim.objects.filter(report=report).delete()


@transaction.atomic
def chat_picture_pass(*, acting: Membership, report: Report, message_id: int) -> None:
    """Pass a picture the child sent to the hotline's encrypted evidence store, fetched again from the
    app (it was never kept here); the holder of the chat may, or a supervisor of the holder's agency."""
    require(acting, HelplinePerm.QUEUE_CLAIM)
    require_same_helpline(acting, report)
    claim_respected(acting=acting, report=report)
    picture = messaging_selectors.picture_of(report_id=report.pk, message_id=message_id)
    if picture is None:
        raise Http404
    if picture.passed_to_hotline_at is not None:
        return
    content = messaging.picture_content(picture=picture)
    received_image_add(passed_by=acting, report=report, content=content)
    messaging.picture_passed(picture=picture)


@transaction.atomic
def chat_sender_block(*, acting: Membership, report: Report, reason: str) -> None:
    """Block the sender of a chat-app conversation (a supervisor); the chat is closed and released."""
    require_same_helpline(acting, report)
    messaging.sender_block(acting=acting, report=report, reason=reason)
    QueueClaim.objects.filter(report=report).delete()
