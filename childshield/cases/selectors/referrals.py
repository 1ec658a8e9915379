"""Referrals received by the acting agency: its inbox, and one referral read before it answers."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import Referral
from childshield.cases.permissions import CasePerm


def referrals_incoming(*, acting: Membership) -> QuerySet[Referral]:
    """Referrals sent to the acting agency; what the inbox lists before anyone accepts."""
    require(acting, CasePerm.REFERRAL_RESPOND)
    return (
        Referral.objects.filter(to_agency_id=acting.agency_id)
        .select_related("case", "case__child__area", "from_agency", "sent_by__user")
        .order_by("status", "-sent_at", "-id")
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
