"""What the audit's reason codes say to the person reading a trail, in their language.

Events keep their reasons as codes in English (they are searched and exported as such); a page
shows each through `reason_label`. A reason that is no known code (a break-glass reason someone
typed) is shown as recorded, never with a code's underscores."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

REASON_LABELS: dict[str, Promise] = {
    "case read": _("Read the case"),
    "case read (break-glass)": _("Read the case through emergency access"),
    "case opened": _("Opened the case"),
    "case opened for a child already recorded": _("Opened the case for a child already recorded"),
    "case details changed": _("Changed the case's details"),
    "supervisor named": _("Named the supervisor"),
    "supervisor removed": _("Removed the supervisor"),
    "case management handed over by referral": _("Took over the case through a referral"),
    "case linked to a known child": _("Linked the case to a child known to another agency"),
    "closure requested": _("Asked to close the case"),
    "closure review read": _("Read the request to close"),
    "closure sent back": _("Sent the closure back"),
    "closure send-back read": _("Read why the closure was sent back"),
    "case closed (supervisor approval)": _("Approved the closure"),
    "case reopened": _("Reopened the case"),
    "child link asked": _("Asked another agency whether it knows the child"),
    "child link read": _("Read a request to link a child's records"),
    "child link accepted": _("Linked the child's records"),
    "child link declined": _("Declined to link the child's records"),
    "referral accepted": _("Accepted the referral"),
    "referral declined": _("Declined the referral"),
    "referral completed": _("Completed the referral's services"),
    "consent withdrawn": _("Withdrew consent"),
    "emergency override confirmed": _("Confirmed the emergency override"),
    "follow-up done": _("Did the follow-up"),
    "report read": _("Read the report"),
    "contact read": _("Read the contact"),
}

# "status <code>": the case moved to that step of its workflow (the codes of cases' CaseStatus).
STATUS_LABELS: dict[str, Promise] = {
    "open": _("Open"),
    "safety_assessment": _("Safety assessment"),
    "comprehensive_assessment": _("Comprehensive assessment"),
    "service_plan": _("Service plan"),
    "implementation": _("Implementation"),
    "follow_up": _("Follow-up"),
    "closed": _("Closed"),
}

# Codes followed by details ("printable case summary: child,consent"): the label, then the details.
PREFIX_LABELS: dict[str, Promise] = {
    "printable case summary": _("Printed the summary"),
}


def reason_label(reason: str) -> str:
    """The reason as the reader's language says it."""
    label = REASON_LABELS.get(reason)
    if label is not None:
        return str(label)
    if reason.startswith("status "):
        status = reason.removeprefix("status ")
        shown = STATUS_LABELS.get(status)
        return gettext("Moved to: %(status)s") % {
            "status": shown if shown is not None else status.replace("_", " ")
        }
    code, colon, details = reason.partition(": ")
    if colon and code in PREFIX_LABELS:
        return f"{PREFIX_LABELS[code]}: {details.replace('_', ' ').replace(',', ', ')}"
    return reason.replace("_", " ")
