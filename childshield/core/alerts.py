"""Alerts to the administrators (settings.ADMINS): sent at once, by plain e-mail, at most once per
ALERT_REPEAT_MINUTES for each kind of alert.

Never through the outbox (an alert may be about the outbox or the broker being down), and recorded
in the database, not the cache (it may be about the cache). A summary names a fault and what to do,
never a person: codes, ids and counts only.
"""

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mail_admins
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from childshield.core.models import AdministratorAlert

logger = logging.getLogger(__name__)

# When the database itself fails, alerts are held back in this process instead: kind -> monotonic time.
_SENT_WITHOUT_DATABASE: dict[str, float] = {}


def administrators_alert(*, kind: str, summary: str) -> bool:
    """E-mail the administrators about `kind` unless it was e-mailed in the last ALERT_REPEAT_MINUTES.

    Returns whether an e-mail went out. Never raises: an alert is called where something already failed.
    """
    now = timezone.now()
    try:
        # A savepoint of its own: a failure here must not break the caller's transaction.
        with transaction.atomic():
            send, held_back = _due(kind=kind[:100], summary=summary[:500], now=now)
    except DatabaseError:
        send, held_back = _due_without_database(kind), 0
    if not send:
        return False
    body = summary
    if held_back:
        body += f"\n\n{held_back} more alert(s) of this kind were held back since the last e-mail."
    body += f"\n\nAlert kind: {kind}. Repeats are held back for {settings.ALERT_REPEAT_MINUTES} minutes."
    mail_admins(subject=summary.splitlines()[0][:150], message=body, fail_silently=True)
    logger.warning("administrators alerted: %s", kind)
    return True


def _due(*, kind: str, summary: str, now: datetime) -> tuple[bool, int]:
    """Whether this alert goes out now, and how many were held back before it; recorded either way.

    Each step is a single conditional write, so two processes alerting at once send one e-mail.
    """
    cutoff = now - timedelta(minutes=settings.ALERT_REPEAT_MINUTES)
    alert = AdministratorAlert.objects.filter(kind=kind).first()
    if alert is None:
        try:
            with transaction.atomic():
                AdministratorAlert.objects.create(kind=kind, summary=summary, last_sent_at=now)
        except IntegrityError:
            # Another process recorded the first alert of this kind a moment ago and sends it.
            AdministratorAlert.objects.filter(kind=kind).update(held_back=F("held_back") + 1)
            return False, 0
        return True, 0
    if alert.last_sent_at <= cutoff:
        taken = AdministratorAlert.objects.filter(pk=alert.pk, last_sent_at=alert.last_sent_at).update(
            last_sent_at=now, summary=summary, held_back=0
        )
        if taken:
            return True, alert.held_back
    AdministratorAlert.objects.filter(pk=alert.pk).update(held_back=F("held_back") + 1)
    return False, 0


def _due_without_database(kind: str) -> bool:
    now = time.monotonic()
    last = _SENT_WITHOUT_DATABASE.get(kind)
    if last is not None and now - last < settings.ALERT_REPEAT_MINUTES * 60:
        return False
    _SENT_WITHOUT_DATABASE[kind] = now
    return True


CACHE_ALERT = "core.cache_unreachable"
HEALTH_ALERT = "core.health_degraded"


def cache_unreachable_alert(error_kind: str) -> None:
    administrators_alert(
        kind=CACHE_ALERT,
        summary=(
            f"The cache (CACHE_URL) cannot be reached ({error_kind}). Nothing is lost: rate limits count "
            "in the database and children's reports are saved. Check the cache's Redis."
        ),
    )


def degraded_health_alert(unavailable: list[str]) -> None:
    """/healthz found a part down that the site works without, for now."""
    administrators_alert(
        kind=HEALTH_ALERT,
        summary=(
            f"childshield is degraded: {', '.join(unavailable)} unavailable. Reports are still saved and "
            "background work waits in the database; restore the service so that it is done."
        ),
    )
