"""Referrals received by the acting agency (its inbox, ordered by urgency and wait, and one referral
read before it answers), the referrals past their deadline that concern the acting member, and who
is alerted when one is."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require, roles_holding
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import Referral, ReferralDeadlineAlert
from childshield.cases.models.referrals import ReferralStatus, Urgency
from childshield.cases.permissions import CasePerm
from childshield.cases.selectors.case_list import CASE_TEXT_FIELDS
from childshield.cases.selectors.referral_rows import ReferralRow, referral_rows

# Emergency first, then urgent, then routine: the order of the inbox and of the alerts.
URGENCY_RANK = models.Case(
    models.When(urgency=Urgency.EMERGENCY, then=0),
    models.When(urgency=Urgency.URGENT, then=1),
    default=2,
    output_field=models.IntegerField(),
)

# What lists of referrals never show: the free text, and the case's.
_LIST_DEFERRED = ("message", "decline_reason", *CASE_TEXT_FIELDS)

# The most the home page lists of each kind of overdue referral, the most answered ones the inbox lists.
OVERDUE_SHOWN = 50
ANSWERED_SHOWN = 200


def referrals_incoming(*, acting: Membership) -> QuerySet[Referral]:
    """Referrals sent to the acting agency; what the inbox lists before anyone accepts."""
    require(acting, CasePerm.REFERRAL_RESPOND)
    return (
        Referral.objects.filter(to_agency_id=acting.agency_id)
        .select_related("case", "case__child__area", "from_agency", "sent_by__user")
        .order_by("status", "-sent_at", "-id")
    )


def referrals_waiting(*, acting: Membership) -> QuerySet[Referral]:
    """The referrals waiting for the acting agency's answer, the most urgent first and, within an
    urgency, the one waiting longest first: ordered in the database, so a limit keeps the right ones."""
    return (
        referrals_incoming(acting=acting)
        .filter(status=ReferralStatus.SENT)
        .alias(urgency_rank=URGENCY_RANK)
        .order_by("urgency_rank", "sent_at", "id")
    )


def referrals_answered(*, acting: Membership) -> QuerySet[Referral]:
    """The referrals the acting agency answered (or that were cancelled), the newest first."""
    return (
        referrals_incoming(acting=acting)
        .exclude(status=ReferralStatus.SENT)
        .order_by("-sent_at", "-id")[:ANSWERED_SHOWN]
    )


def referral_get_incoming(*, acting: Membership, referral_id: int) -> Referral:
    referral = referrals_incoming(acting=acting).filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    return referral


def referral_read(*, acting: Membership, referral_id: int) -> Referral:
    """A referral as the receiving agency reads it before answering; the reading is audited, since
    it shows what the referral shares about the child."""
    referral = referral_get_incoming(acting=acting, referral_id=referral_id)
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        obj=referral,
        reason=f"referral read (case {referral.case_id})",
    )
    return referral


def referrals_overdue_sent(*, acting: Membership, now: datetime) -> list[ReferralRow]:
    """The referrals the acting member sent that are past their deadline without an answer, with
    the receiving agencies' numbers, the longest overdue first."""
    overdue = (
        Referral.objects.filter(sent_by=acting, status=ReferralStatus.SENT, respond_by__lte=now)
        .select_related("case", "to_agency")
        .defer(*_LIST_DEFERRED)
        .order_by("respond_by", "id")[:OVERDUE_SHOWN]
    )
    return referral_rows(overdue, now=now, with_contacts=True)


def referrals_overdue_alerted(*, acting: Membership, now: datetime) -> list[ReferralRow]:
    """The in-app alerts of the acting member: referrals to their agency they were alerted about
    (past the deadline, or twice it) that still wait for an answer, the most urgent first."""
    alerted = ReferralDeadlineAlert.objects.filter(recipient=acting).values("referral_id")
    waiting = (
        Referral.objects.filter(
            pk__in=alerted, to_agency_id=acting.agency_id, status=ReferralStatus.SENT, respond_by__lte=now
        )
        .select_related("case", "from_agency")
        .defer(*_LIST_DEFERRED)
        .alias(urgency_rank=URGENCY_RANK)
        .order_by("urgency_rank", "sent_at", "id")[:OVERDUE_SHOWN]
    )
    return referral_rows(waiting, now=now)


def referral_deadline_recipients(*, agency_id: int) -> list[Membership]:
    """Who is alerted when a referral to the agency goes unanswered past its deadline: its
    supervisors; in an agency without one, everyone who may answer referrals, so someone hears."""
    members = Membership.objects.filter(agency_id=agency_id, is_active=True, user__is_active=True)
    answering = roles_holding(CasePerm.REFERRAL_RESPOND)
    supervising = [role for role in roles_holding(CasePerm.CASE_SUPERVISE) if role in answering]
    chosen = list(members.filter(role__in=supervising).select_related("user").order_by("pk")) or list(
        members.filter(role__in=answering).select_related("user").order_by("pk")
    )
    # A person holding two of these roles in the agency is alerted once, in the first of them.
    once: dict[int, Membership] = {}
    for member in chosen:
        once.setdefault(member.user_id, member)
    return list(once.values())
