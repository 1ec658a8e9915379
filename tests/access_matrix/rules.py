"""The access rules as the declarations state them, written out for the matrix to derive its answers.

Each object rule answers, for a member and one record, what the declared permissions and record
rules say: OK (the member may), HIDDEN (outside their scope: the record's existence must not leak,
404) or REFUSED (their role may not do this kind of thing to a record they may see, 403). They read
the grants through `perm_scope` and `may` (so a change of grants changes the expected answers) and
state the record rules from the docstrings of each app's permissions module, not from its selectors.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from django.utils import timezone

from childshield.accounts.models import Membership
from childshield.accounts.permissions import Scope, may, perm_scope
from childshield.cases.models import BreakGlassAccess, Case, Referral
from childshield.cases.models.referrals import ReferralStatus
from childshield.cases.permissions import CasePerm
from childshield.directory.permissions import DirectoryPerm
from childshield.hashing.permissions import HashPerm
from childshield.helpline.models import QueueClaim
from childshield.helpline.permissions import HelplinePerm
from childshield.hotline.models import ReferralPackage
from childshield.hotline.permissions import HotlinePerm
from childshield.intake.models import Report
from childshield.intake.permissions import IntakePerm


class Verdict(Enum):
    OK = "ok"
    HIDDEN = "404"
    REFUSED = "403"


OK, HIDDEN, REFUSED = Verdict.OK, Verdict.HIDDEN, Verdict.REFUSED

# A rule: (the acting member, the record asked about) -> the verdict.
Rule = Callable[[Membership, Any], Verdict]


def owned_by_agency(perm: StrEnum, owner: Callable[[Any], int | None]) -> Rule:
    """Records of one agency: the member's own agency's with scope AGENCY (SELF too), any with ALL."""

    def rule(member: Membership, record: Any) -> Verdict:
        scope = perm_scope(member, perm)
        if scope is None:
            return REFUSED
        return OK if scope == Scope.ALL or owner(record) == member.agency_id else HIDDEN

    return rule


def shared(perm: StrEnum) -> Rule:
    """Data every holder of `perm` shares (the directory, the triage rules): any record, if held."""

    def rule(member: Membership, record: Any) -> Verdict:
        return OK if may(member, perm) else REFUSED

    return rule


def report_of_the_country(perm: IntakePerm | HelplinePerm) -> Rule:
    """A helpline's reports are its country's (intake/permissions.py): scope AGENCY means the country."""

    def rule(member: Membership, report: Report) -> Verdict:
        scope = perm_scope(member, perm)
        if scope is None:
            return REFUSED
        return OK if scope == Scope.ALL or report.country == member.agency.country else HIDDEN

    return rule


def contact_rule(member: Membership, contact: Any) -> Verdict:
    """Counsellors read their own contacts (SELF), supervisors their helpline's (AGENCY)."""
    scope = perm_scope(member, HelplinePerm.CONTACT_VIEW)
    if scope is None:
        return REFUSED
    if scope == Scope.ALL:
        return OK
    if contact.agency_id != member.agency_id:
        return HIDDEN
    return OK if scope == Scope.AGENCY or contact.counsellor_id == member.pk else HIDDEN


def form_version_rule(member: Membership, form: Any) -> Verdict:
    """An agency reads its own versions of the assessment forms and the defaults, never another's."""
    if not may(member, CasePerm.FORMS_MANAGE):
        return REFUSED
    return OK if form.agency_id in (None, member.agency_id) else HIDDEN


def package_rule(member: Membership, package: ReferralPackage) -> Verdict:
    """Packages addressed to the member's agency, and those its hotline made (for exporters)."""
    if not may(member, HotlinePerm.PACKAGE_RECEIVE):
        return REFUSED
    if package.recipient_id == member.agency_id:
        return OK
    return OK if may(member, HotlinePerm.PACKAGE_EXPORT) and package.agency_id == member.agency_id else HIDDEN


def directory_edit_rule(member: Membership, resource: Any) -> Verdict:
    """EDIT in scope ALL changes any service, in scope AGENCY those its own agency runs. Every staff
    role reads every service (VIEW is ALL), so another agency's is refused (403), not hidden."""
    scope = perm_scope(member, DirectoryPerm.EDIT)
    if scope is None:
        return REFUSED
    return OK if scope == Scope.ALL or resource.agency_id == member.agency_id else REFUSED


def bank_add_rule(member: Membership, bank: Any) -> Verdict:
    """Adding to a bank: BANKS_MANAGE, on one's own agency's banks only (administrators who read
    every bank never add to one)."""
    visible = owned_by_agency(HashPerm.BANKS_VIEW, lambda bank: bank.owner_id)(member, bank)
    if visible is not OK:
        return visible
    return OK if may(member, HashPerm.BANKS_MANAGE) and bank.owner_id == member.agency_id else REFUSED


# Cases ------------------------------------------------------------------------------------------------


class CaseRight(Enum):
    NONE = "none"
    REFERRED = "referred"  # an accepted referral to the member's agency: the sections it shared
    BREAK_GLASS = "break glass"  # an emergency access still open: reading, in full
    RESPONSIBLE = "responsible"  # the lead worker or the supervisor: everything


@dataclass(frozen=True)
class AnotherCasesRecord:
    """A case's URL naming a record (a consent, a service) of another case."""

    case: Case


def _on_the_case(rule: Callable[[Membership, Case], Verdict]) -> Rule:
    """A case rule that also answers for a record of another case named through this case's URL:
    whoever passes the case's rule is told it does not exist there (404)."""

    def checked(member: Membership, record: Case | AnotherCasesRecord) -> Verdict:
        if isinstance(record, AnotherCasesRecord):
            verdict = rule(member, record.case)
            return HIDDEN if verdict is OK else verdict
        return rule(member, record)

    return checked


def case_right(member: Membership, case: Case) -> CaseRight:
    """cases/permissions.py: a case is visible to its lead worker, its supervisor, and the agencies
    holding an accepted referral — nobody else, administrators included, except through break-glass."""
    works = may(member, CasePerm.CASE_WORK)
    if works and member.pk in (case.lead_worker_id, case.supervisor_id):
        return CaseRight.RESPONSIBLE
    if (works or may(member, CasePerm.BREAK_GLASS)) and BreakGlassAccess.objects.filter(
        case=case, membership=member, expires_at__gt=timezone.now()
    ).exists():
        return CaseRight.BREAK_GLASS
    if (
        works
        and Referral.objects.filter(
            case=case, to_agency_id=member.agency_id, status=ReferralStatus.ACCEPTED
        ).exists()
    ):
        return CaseRight.REFERRED
    return CaseRight.NONE


def case_alike(member: Membership, record: Case | AnotherCasesRecord) -> tuple[object, ...]:
    """What the case rule looks at: members alike here are answered alike by it (what they hold of
    the case, whether they work on cases or may break the glass, and whether it is their agency's)."""
    case = record.case if isinstance(record, AnotherCasesRecord) else record
    return (
        case_right(member, case),
        may(member, CasePerm.CASE_WORK),
        may(member, CasePerm.BREAK_GLASS),
        case.agency_id == member.agency_id,
    )


@_on_the_case
def case_read(member: Membership, case: Case) -> Verdict:
    return HIDDEN if case_right(member, case) is CaseRight.NONE else OK


@_on_the_case
def case_read_in_full(member: Membership, case: Case) -> Verdict:
    """Attachments: only those who hold the case in full, never through a referral."""
    return OK if case_right(member, case) in (CaseRight.RESPONSIBLE, CaseRight.BREAK_GLASS) else HIDDEN


@_on_the_case
def case_write(member: Membership, case: Case) -> Verdict:
    """Changing a case: its lead and supervisor. Others who may read it are refused (403), since
    they know it exists; break-glass is for reading only."""
    right = case_right(member, case)
    if right is CaseRight.NONE:
        return HIDDEN
    return OK if right is CaseRight.RESPONSIBLE else REFUSED


def link_request_rule(member: Membership, request: Any) -> Verdict:
    """cases/selectors/links.py: a request to link a child's records is read and answered by the
    supervisors of the agency asked, and by nobody else."""
    if not may(member, CasePerm.CASE_SUPERVISE):
        return REFUSED
    return OK if request.holding_agency_id == member.agency_id else HIDDEN


@_on_the_case
def case_supervise(member: Membership, case: Case) -> Verdict:
    """Handing a case to another worker (cases/permissions.py, may_supervise): the case's own
    supervisor, holding CASE_SUPERVISE. Others who may read the case are refused (403), its lead
    worker among them."""
    right = case_right(member, case)
    if right is CaseRight.NONE:
        return HIDDEN
    supervises = case.supervisor_id == member.pk and may(member, CasePerm.CASE_SUPERVISE)
    return OK if supervises else REFUSED


@_on_the_case
def case_closure_decide(member: Membership, case: Case) -> Verdict:
    """Deciding a closure (cases/permissions.py, may_decide_closure): the case's own supervisor,
    holding CASE_SUPERVISE, and never the person who leads it. Others who may read the case are
    refused (403), its lead worker among them."""
    right = case_right(member, case)
    if right is CaseRight.NONE:
        return HIDDEN
    decides = (
        case.supervisor_id == member.pk
        and may(member, CasePerm.CASE_SUPERVISE)
        and member.user_id != case.lead_worker.user_id
    )
    return OK if decides else REFUSED


# The helpline's queue ------------------------------------------------------------------------------------


def claim_act_rule(member: Membership, claim: QueueClaim) -> Verdict:
    """Releasing, handing over or answering a held report (helpline/permissions.py, issue 14): its
    holder may; a claim belongs to the holder's agency, so only that agency's supervisors may act on
    someone else's. Another country's reports are not in the member's queue at all."""
    report_visible = report_of_the_country(HelplinePerm.QUEUE_VIEW)(member, claim.report)
    if report_visible is not OK:
        return report_visible
    if claim.holder_id == member.pk:
        return OK
    if may(member, HelplinePerm.QUEUE_REASSIGN) and claim.holder.agency_id == member.agency_id:
        return OK
    return REFUSED


def claim_rule(member: Membership, record: QueueClaim | Report) -> Verdict:
    """Claiming: a report of the member's country that nobody holds; claiming one someone holds
    changes nothing (the claimer is told who holds it), so it counts as refused."""
    report = record.report if isinstance(record, QueueClaim) else record
    visible = report_of_the_country(HelplinePerm.QUEUE_VIEW)(member, report)
    if visible is not OK:
        return visible
    return REFUSED if isinstance(record, QueueClaim) else OK
