"""The queue's writes: claiming, releasing and handing over a waiting report, and answering it."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import perm_scope, require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core import soft_cache
from childshield.core.errors import ApplicationError
from childshield.helpline.models import QueueClaim
from childshield.helpline.permissions import HelplinePerm
from childshield.intake import services as intake_services
from childshield.intake.models import CHAT_CHANNELS, Report, ReportMessage, ReportStatus

# How long a sent reply form is remembered, so that sending it twice adds one message.
REPLY_REPLAY_SECONDS = 60 * 60


class AlreadyClaimed(ApplicationError):
    """Someone else claimed the item first; `holder` says who."""

    def __init__(self, holder: Membership | None) -> None:
        name = holder.user.full_name if holder is not None else ""
        message = (
            _("%(name)s took this report a moment ago. It is theirs now.") % {"name": name}
            if name
            else _("Someone else took this report a moment ago.")
        )
        super().__init__(message, code="conflict")
        self.holder = holder


def require_same_helpline(acting: Membership, report: Report) -> None:
    """A helpline works its own country's reports only."""
    if report.country != acting.agency.country:
        raise ApplicationError(_("This report belongs to another country's helpline."), code="forbidden")


def _claims_acting_may_move(acting: Membership, report: Report) -> QuerySet[QueueClaim]:
    """The report's claim, if the acting member may release or hand it over.

    A claim belongs to the claiming counsellor's agency: its holder may move it, and so may a
    supervisor of that agency, never one of another helpline of the same country.
    """
    claims = QueueClaim.objects.filter(report=report)
    if perm_scope(acting, HelplinePerm.QUEUE_REASSIGN) is None:
        return claims.filter(holder=acting)
    return claims.filter(holder__agency_id=acting.agency_id)


def report_claimed(*, report: Report) -> bool:
    """Whether a counsellor holds the report now (registered with intake: its thread is a live chat)."""
    return QueueClaim.objects.filter(report_id=report.pk).exists()


def claim_respected(*, acting: Membership, report: Report) -> None:
    """A report someone holds is answered by its holder or a supervisor of the holder's agency only,
    from the queue or the report's page (registered with intake as a staff-reply guard)."""
    claimed = QueueClaim.objects.filter(report=report).exists()
    if claimed and not _claims_acting_may_move(acting, report).exists():
        raise ApplicationError(_("Claim this report before you answer it."), code="not_holder")


def _record(acting: Membership, report: Report, reason: str) -> None:
    audit.record(
        action=AuditAction.UPDATE, actor=acting.user, agency=acting.agency, obj=report, reason=reason
    )


def _chat_cap_respected(acting: Membership, report: Report) -> None:
    """A counsellor holds at most HELPLINE_CHAT_CAP open chats at once: a child in a chat waits for
    each answer, and a counsellor spread over too many keeps every one of them waiting."""
    held = (
        QueueClaim.objects.filter(holder=acting, report__channel__in=CHAT_CHANNELS)
        .exclude(report__status=ReportStatus.CLOSED)
        .exclude(report_id=report.pk)
        .count()
    )
    if held >= settings.HELPLINE_CHAT_CAP:
        raise ApplicationError(
            _("You already hold %(count)d chats. Close one or hand it over before you take another.")
            % {"count": held},
            code="chat_cap",
        )


@transaction.atomic
def queue_claim(*, acting: Membership, report: Report) -> QueueClaim:
    """The acting counsellor takes a waiting report; if someone else already holds it, they are told who."""
    require(acting, HelplinePerm.QUEUE_CLAIM)
    require_same_helpline(acting, report)
    if report.channel in CHAT_CHANNELS:
        _chat_cap_respected(acting, report)
    try:
        # A savepoint, so that losing the race leaves the outer transaction usable.
        with transaction.atomic():
            claim = QueueClaim.objects.create(report_id=report.pk, holder=acting)
    except IntegrityError:
        existing = QueueClaim.objects.select_related("holder__user").filter(report=report).first()
        if existing is not None and existing.holder_id == acting.pk:
            return existing
        raise AlreadyClaimed(existing.holder if existing is not None else None) from None
    _record(acting, report, f"claimed report {report.display_reference}")
    return claim


@transaction.atomic
def queue_release(*, acting: Membership, report: Report) -> None:
    """Put a report back in the queue: its holder may, and a supervisor of the holder's agency."""
    require(acting, HelplinePerm.QUEUE_CLAIM)
    require_same_helpline(acting, report)
    if _claims_acting_may_move(acting, report).delete()[0] == 0:
        raise ApplicationError(_("You do not hold this report any more."), code="conflict")
    _record(acting, report, f"released report {report.display_reference}")


@transaction.atomic
def queue_hand_over(*, acting: Membership, report: Report, to: Membership) -> QueueClaim:
    """Give a held report to a colleague: its holder may, or a supervisor of its agency."""
    require(acting, HelplinePerm.QUEUE_CLAIM)
    require_same_helpline(acting, report)
    if to.agency_id != acting.agency_id or perm_scope(to, HelplinePerm.QUEUE_CLAIM) is None:
        raise ApplicationError(_("Hand reports only to a counsellor of your helpline."), code="invalid")
    # One conditional UPDATE: if the holder changed meanwhile, nothing is overwritten.
    if _claims_acting_may_move(acting, report).update(holder=to, claimed_at=timezone.now()) == 0:
        raise ApplicationError(_("You do not hold this report any more."), code="conflict")
    _record(acting, report, f"handed report {report.display_reference} to membership {to.pk}")
    return QueueClaim.objects.get(report=report)


def _reply_cache_key(once: str) -> str:
    return f"helpline:reply:{once}"


@transaction.atomic
def queue_reply(*, acting: Membership, report: Report, body: str, once: str = "") -> ReportMessage:
    """Answer a report's thread from the queue; only its holder (or a supervisor of its agency) may.

    `once` identifies the form: the same form sent twice adds one message. A closed thread is
    reopened by the reply (intake), so nothing the counsellor wrote is lost.
    """
    require(acting, HelplinePerm.QUEUE_CLAIM)
    require_same_helpline(acting, report)
    claim_respected(acting=acting, report=report)
    if once:
        sent_id = soft_cache.get(_reply_cache_key(once))
        sent = ReportMessage.objects.filter(pk=sent_id, report=report).first() if sent_id else None
        if sent is not None:
            return sent
    message = intake_services.report_message_from_staff(acting=acting, report=report, body=body)
    if once:
        # Set now rather than on commit: should this transaction roll back, the remembered message
        # is not found above and a resent form is answered normally.
        soft_cache.set(_reply_cache_key(once), message.pk, REPLY_REPLAY_SECONDS)
    return message
