"""The printable summary of a case: the sections a reader may print, the ones they chose, and the
export recorded with the chosen sections' codes."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models.consent import ShareSection
from childshield.cases.selectors.cases import CaseDetail, CaseView, case_detail, case_get_for_user
from childshield.cases.selectors.closure import ChildWishes, child_wishes_latest

# The sections of the summary in the order they print; the codes go into the URL and the audit.
SUMMARY_SECTIONS: dict[str, Promise] = {
    "child": _("The child"),
    "harm": _("What happened"),
    "consent": _("Consent"),
    "assessments": _("Assessments"),
    "wishes": _("What the child wants"),
    "services": _("Service plan"),
    "referrals": _("Referrals"),
    "follow_ups": _("Follow-ups"),
    "closure": _("Closure"),
}


def summary_sections_offered(view: CaseView) -> list[str]:
    """The sections this reader may print: a referred agency only what its referral shared (and its
    own referrals), the people responsible for the case everything it holds."""
    access, case = view.access, view.case
    allowed = {
        "child": access.full
        or bool(access.sections & {ShareSection.IDENTITY, ShareSection.PROFILE, ShareSection.CAREGIVERS}),
        "harm": access.shows(ShareSection.HARM),
        "consent": access.full,
        "assessments": access.full,
        "wishes": access.full,
        "services": access.shows(ShareSection.SERVICES),
        "referrals": access.visible,
        "follow_ups": access.full,
        # Only once the case is closed or its closure was asked for: before that there is no reason.
        "closure": access.full and bool(case.closure_reason),
    }
    return [code for code in SUMMARY_SECTIONS if allowed[code]]


@dataclass(frozen=True)
class CaseSummary:
    view: CaseView
    detail: CaseDetail
    offered: list[str]  # the sections the reader may print, in print order
    chosen: list[str]  # those printed: the ones asked for among those offered, or all offered
    child_wishes: ChildWishes | None


def case_summary_get(*, acting: Membership, case_id: int, asked: Collection[str]) -> CaseSummary:
    """The case's summary with the sections asked for (all the reader may print when none is); a
    section the reader may not see is never printed, whatever the URL asks. Recorded as an export
    whose reason lists the printed sections' codes."""
    view = case_get_for_user(acting=acting, case_id=case_id, record_view=False)
    offered = summary_sections_offered(view)
    chosen = [code for code in offered if code in asked] if asked else offered
    audit.record(
        action=AuditAction.EXPORT,
        actor=acting.user,
        agency=acting.agency,
        obj=view.case,
        reason=f"printable case summary: {','.join(chosen) or '-'}",
    )
    detail = case_detail(view=view)
    return CaseSummary(
        view=view,
        detail=detail,
        offered=offered,
        chosen=chosen,
        child_wishes=child_wishes_latest(detail.assessments) if "wishes" in chosen else None,
    )
