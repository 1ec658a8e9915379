"""E-mails to helpline supervisors about urgent items left waiting in the queue."""

from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from childshield.helpline import queue, selectors
from childshield.helpline.models import UrgentAlert
from childshield.helpline.services.triage import reports_triage_catch_up
from childshield.outbox.services import email_enqueue


def urgent_alerts_send() -> int:
    """E-mail each helpline's supervisors about urgent items waiting longer than the alert time.

    Run every minute by Celery beat, so that a supervisor hears of it without the queue open. Each
    item is reported once per wait (a new message from the reporter starts a new wait). The e-mail
    holds report codes and minutes only: nothing the child wrote. Returns how many items were new.
    """
    # Reports are triaged as they are saved; this only catches up those saved before that was so,
    # or whose triage failed, so that their words can make them urgent here too.
    reports_triage_catch_up()
    alerted = 0
    for _agency_id, members in groupby(selectors.supervisors_alerted(), key=lambda member: member.agency_id):
        supervisors = list(members)
        acting = supervisors[0]
        # Read directly (urgent, past the alert time, not alerted for this wait), never through the
        # queue's pages: however many reports wait, an urgent one is never left out.
        due = queue.urgent_items_to_alert(acting=acting)
        if not due:
            continue
        with transaction.atomic():
            new = [
                item
                for item in due
                # Two tasks running at once: the row decides which one alerts.
                if UrgentAlert.objects.get_or_create(
                    agency=acting.agency, report=item.report, waiting_since=item.waiting_since
                )[1]
            ]
            if not new:
                continue
            alerted += len(new)
            subject = ngettext(
                "Helpline: %(count)d urgent item waiting",
                "Helpline: %(count)d urgent items waiting",
                len(new),
            ) % {"count": len(new)}
            lines = "\n".join(
                str(_("%(code)s: waiting %(minutes)d minutes"))
                % {"code": item.report.display_reference, "minutes": item.waiting_minutes}
                for item in new
            )
            body = str(
                _(
                    "Urgent items have waited longer than %(minutes)d minutes in the queue of "
                    "%(agency)s:\n\n%(lines)s\n\n"
                    "Sign in to childshield and open the Queue to answer or hand them over."
                )
            ) % {
                "minutes": settings.HELPLINE_URGENT_ALERT_MINUTES,
                "agency": acting.agency.name,
                "lines": lines,
            }
            recipients = [member.user.email for member in supervisors]
            email_enqueue(subject=subject, body=body, to=recipients)
    return alerted
