"""Who may do what with cases: named permissions per role, and the record-level rule.

The role grants say what kind of work a membership may do at all. Whether it may see one case is
decided by the record: a case is visible to its lead worker, its supervisor, and the agencies
holding an accepted referral (only the sections that referral shared) — nobody else,
administrators included, except through a break-glass access opened with a reason.
"""

from dataclasses import dataclass, field
from enum import Enum, StrEnum

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from childshield.accounts.models import Membership, Role
from childshield.accounts.permissions import PermissionSet, Scope, declare, may, perm_scope
from childshield.cases.models import BreakGlassAccess, Case, Referral
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.referrals import ReferralStatus


class CasePerm(StrEnum):
    CASE_OPEN = "cases.open"
    # Working on cases one is assigned to (SELF) or that were referred to one's agency (AGENCY).
    CASE_WORK = "cases.work"
    CASE_SUPERVISE = "cases.supervise"
    REFERRAL_RESPOND = "cases.respond_to_referrals"
    BREAK_GLASS = "cases.break_glass"
    # Publishing the agency's own versions of the assessment forms.
    FORMS_MANAGE = "cases.manage_forms"


_CASE_HANDLER: dict[CasePerm, Scope] = {
    CasePerm.CASE_OPEN: Scope.SELF,
    CasePerm.CASE_WORK: Scope.AGENCY,
    CasePerm.REFERRAL_RESPOND: Scope.AGENCY,
}

CASES = declare(
    PermissionSet(
        perms=CasePerm,
        grants={
            Role.COUNSELLOR: {**_CASE_HANDLER},
            Role.HELPLINE_SUPERVISOR: {**_CASE_HANDLER, CasePerm.CASE_SUPERVISE: Scope.AGENCY},
            Role.CASE_WORKER: {**_CASE_HANDLER},
            Role.CASE_SUPERVISOR: {
                **_CASE_HANDLER,
                CasePerm.CASE_SUPERVISE: Scope.AGENCY,
                CasePerm.BREAK_GLASS: Scope.AGENCY,
                CasePerm.FORMS_MANAGE: Scope.AGENCY,
            },
            Role.FOCAL_POINT: {**_CASE_HANDLER},
            # Administrators manage people and their agency's forms, not children's cases: they reach a
            # case only by breaking the glass.
            Role.AGENCY_ADMIN: {CasePerm.BREAK_GLASS: Scope.AGENCY, CasePerm.FORMS_MANAGE: Scope.AGENCY},
            Role.SYSTEM_ADMIN: {CasePerm.BREAK_GLASS: Scope.ALL},
        },
    )
)


class AccessKind(Enum):
    NONE = "none"
    LEAD = "lead"
    SUPERVISOR = "supervisor"
    REFERRED = "referred"
    BREAK_GLASS = "break_glass"


ALL_SECTIONS: frozenset[str] = frozenset(ShareSection.values)


@dataclass(frozen=True)
class CaseAccess:
    """What the acting membership may do with one case, and which sections it may read."""

    kind: AccessKind
    sections: frozenset[str] = field(default_factory=frozenset)

    @property
    def visible(self) -> bool:
        return self.kind is not AccessKind.NONE

    @property
    def full(self) -> bool:
        """Everything, notes and history included: the people responsible for the case."""
        return self.kind in {AccessKind.LEAD, AccessKind.SUPERVISOR, AccessKind.BREAK_GLASS}

    @property
    def may_edit(self) -> bool:
        # Break-glass is for reading in an emergency; it does not make someone the case's worker.
        return self.kind in {AccessKind.LEAD, AccessKind.SUPERVISOR}

    def shows(self, section: str) -> bool:
        return self.full or section in self.sections


NO_ACCESS = CaseAccess(AccessKind.NONE)


def case_access(membership: Membership | None, case: Case) -> CaseAccess:
    """The record-level rule, in one place. Queries only for referrals and break-glass records."""
    if perm_scope(membership, CasePerm.CASE_WORK) is not None and membership is not None:
        if case.lead_worker_id == membership.pk:
            return CaseAccess(AccessKind.LEAD, ALL_SECTIONS)
        if case.supervisor_id == membership.pk:
            return CaseAccess(AccessKind.SUPERVISOR, ALL_SECTIONS)
    if membership is None or not (
        may(membership, CasePerm.CASE_WORK) or may(membership, CasePerm.BREAK_GLASS)
    ):
        return NO_ACCESS
    if BreakGlassAccess.objects.filter(
        case=case, membership=membership, expires_at__gt=timezone.now()
    ).exists():
        return CaseAccess(AccessKind.BREAK_GLASS, ALL_SECTIONS)
    if may(membership, CasePerm.CASE_WORK):
        accepted = list(
            Referral.objects.filter(
                case=case, to_agency_id=membership.agency_id, status=ReferralStatus.ACCEPTED
            ).values_list("sections", flat=True)
        )
        if accepted:
            return CaseAccess(AccessKind.REFERRED, frozenset(s for sections in accepted for s in sections))
    return NO_ACCESS


def require_edit(membership: Membership | None, case: Case) -> CaseAccess:
    access = case_access(membership, case)
    if not access.may_edit:
        raise PermissionDenied(CasePerm.CASE_WORK)
    return access


def may_supervise(membership: Membership | None, case: Case) -> bool:
    """Approving closure and confirming emergencies: the case's own supervisor."""
    return (
        membership is not None
        and case.supervisor_id == membership.pk
        and may(membership, CasePerm.CASE_SUPERVISE)
    )


def may_decide_closure(membership: Membership | None, case: Case) -> bool:
    """Approving a closure or sending it back: the case's supervisor, and never as its lead worker
    (compared by person, since one person may hold two memberships of an agency)."""
    return (
        membership is not None
        and may_supervise(membership, case)
        and membership.user_id != case.lead_worker.user_id
    )


def may_break_glass(membership: Membership | None, case: Case) -> bool:
    scope = perm_scope(membership, CasePerm.BREAK_GLASS)
    if scope is None or membership is None:
        return False
    return scope == Scope.ALL or case.agency_id == membership.agency_id


def may_respond_to_referral(membership: Membership | None, referral: Referral) -> bool:
    return may(membership, CasePerm.REFERRAL_RESPOND) and (
        membership is not None and referral.to_agency_id == membership.agency_id
    )


def require_respond(membership: Membership | None, referral: Referral) -> None:
    if not may_respond_to_referral(membership, referral):
        raise PermissionDenied(CasePerm.REFERRAL_RESPOND)
