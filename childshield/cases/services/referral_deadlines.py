"""Alerts to the receiving agency's supervisors about referrals left unanswered past their deadline,
and again past twice it: in the app and by e-mail (through the outbox), once per level."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.deadlines import alert_level_due, deadline_text, duration_text
from childshield.cases.models import Referral, ReferralDeadlineAlert
from childshield.cases.models.referrals import DeadlineLevel, ReferralStatus, Urgency
from childshield.cases.selectors.referrals import referral_deadline_recipients
from childshield.outbox.services import email_enqueue


def referral_deadline_alerts_send(*, now: datetime | None = None) -> int:
    """Alert the receiving supervisors of every referral that has newly passed its deadline, or
    twice it, without an answer; returns how many referrals were alerted about.

    Run every minute by Celery beat. Each referral alerts once per level, however many runs overlap
    or retry: the level is raised by a conditional update in the transaction that writes the alerts
    and their e-mails. A referral found already past twice its deadline (the task did not run for a
    while) alerts at that level only, not twice in one run.
    """
    now = now or timezone.now()
    # The partial index `referral_deadline_due` holds exactly these rows.
    candidates = Referral.objects.filter(
        status=ReferralStatus.SENT,
        deadline_alerts_sent__lt=DeadlineLevel.TWICE,
        respond_by__lte=now,
    ).values_list("pk", "sent_at", "respond_by", "deadline_alerts_sent")
    due = [
        referral_id
        for referral_id, sent_at, respond_by, sent_level in candidates
        if alert_level_due(sent_at=sent_at, respond_by=respond_by, now=now) > sent_level
    ]
    return sum(_referral_alert(referral_id=referral_id, now=now) for referral_id in due)


@transaction.atomic
def _referral_alert(*, referral_id: int, now: datetime) -> bool:
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "from_agency", "to_agency")
        .only(
            "case",
            "from_agency",
            "to_agency",
            "status",
            "urgency",
            "sent_at",
            "respond_by",
            "deadline_alerts_sent",
            "case__number",
            "from_agency__name",
            "to_agency__name",
        )
        .filter(pk=referral_id, status=ReferralStatus.SENT)
        .first()
    )
    if referral is None:
        return False  # answered or cancelled in the meantime
    level = alert_level_due(sent_at=referral.sent_at, respond_by=referral.respond_by, now=now)
    # The condition decides, on every database: another run that raised the level first wins.
    taken = Referral.objects.filter(
        pk=referral.pk, status=ReferralStatus.SENT, deadline_alerts_sent__lt=level
    ).update(deadline_alerts_sent=level)
    if not taken:
        return False
    recipients = referral_deadline_recipients(agency_id=referral.to_agency_id)
    subject, body = _email(referral, level=level, now=now)
    for member in recipients:
        ReferralDeadlineAlert.objects.create(referral=referral, recipient=member, level=level, created_at=now)
        email_enqueue(
            subject=subject,
            body=body,
            to=[member.user.email],
            idempotency_key=f"referral-deadline-{referral.pk}-{level}-{member.pk}",
        )
    audit.record(
        action=AuditAction.UPDATE,
        agency=referral.to_agency,
        obj=referral,
        reason=f"referral unanswered past its deadline (level {level}): {len(recipients)} alerted",
    )
    return True


def _email(referral: Referral, *, level: int, now: datetime) -> tuple[str, str]:
    """Case number, agencies, urgency and times only: an e-mail can be read by anyone with the mailbox."""
    deadline = referral.respond_by - referral.sent_at
    values = {
        "number": referral.case.number,
        "from_agency": referral.from_agency.name,
        "agency": referral.to_agency.name,
        "urgency": Urgency(referral.urgency).label,
        "waited": duration_text(now - referral.sent_at),
        "deadline": deadline_text(deadline),
    }
    if level == DeadlineLevel.TWICE:
        subject = _("Referral of case %(number)s: still no answer after twice its deadline") % values
    else:
        subject = _("Referral of case %(number)s: no answer by its deadline") % values
    path = reverse("cases:referral_detail", args=[referral.pk])
    body = _(
        "The referral of case %(number)s from %(from_agency)s to %(agency)s (%(urgency)s) has "
        "waited %(waited)s without an answer; it was due within %(deadline)s.\n\n"
        "Accept or decline it, or ask the sender to find another service:\n%(link)s"
    ) % {**values, "link": f"{settings.SITE_URL}{path}"}
    return subject, body
