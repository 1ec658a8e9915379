"""The case list: the visible cases filtered and searched (by part of the child's name too), a page
at a time, each row with what the reader may see of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from childshield.accounts.models import Membership
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import BreakGlassAccess, Case, ChildNamePart, FollowUp, Referral
from childshield.cases.models.cases import CaseStatus
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.referrals import ReferralStatus
from childshield.cases.name_search import query_part_indexes
from childshield.cases.numbers import number_matches
from childshield.cases.permissions import ALL_SECTIONS, AccessKind, CaseAccess
from childshield.cases.selectors.cases import cases_visible_to


@dataclass(frozen=True)
class CaseFilters:
    number: str = ""
    child_name: str = ""
    area_id: int | None = None
    status: str = ""
    risk: str = ""
    overdue: bool = False
    include_closed: bool = False


def _break_glass_open(acting: Membership) -> Exists:
    return Exists(
        BreakGlassAccess.objects.filter(case=OuterRef("pk"), membership=acting, expires_at__gt=timezone.now())
    )


def _referred_to(acting: Membership, **extra: object) -> Exists:
    return Exists(
        Referral.objects.filter(
            case=OuterRef("pk"), to_agency_id=acting.agency_id, status=ReferralStatus.ACCEPTED, **extra
        )
    )


def _overdue_follow_up(today: date) -> Exists:
    return Exists(FollowUp.objects.filter(case=OuterRef("pk"), done_at__isnull=True, due_on__lt=today))


def _full_or_shared(acting: Membership, section: str) -> Q:
    """Cases where the acting membership may read `section`: its own, break-glass, or a referral that
    shared it. Filters on a section use it, so a filter cannot reveal what a referral did not share."""
    return (
        Q(lead_worker=acting)
        | Q(supervisor=acting)
        | Q(_break_glass_open(acting))
        | Q(_referred_to(acting, section_flags__contains=f",{section},"))
    )


def _full(acting: Membership) -> Q:
    return Q(lead_worker=acting) | Q(supervisor=acting) | Q(_break_glass_open(acting))


LIST_RELATED = ("child", "child__area", "agency", "opened_by_agency", "lead_worker__user")


# Encrypted columns a list row does not show: left out, they cost no decryption (the dearest part
# of a list page) and never reach memory.
CASE_TEXT_FIELDS = ("case__risk_reasons", "case__summary", "case__closure_note")


_LIST_DEFERRED = (
    "risk_reasons",
    "summary",
    "closure_note",
    *(
        f"child__{name}"
        for name in ("aliases", "date_of_birth", "disability", "school", "caregivers", "safe_contact")
    ),
)


def _name_matches(term: str) -> Q:
    """Cases whose child has every word of `term` as a word, or a word's beginning, of a name.

    Probed from the case's child_id straight into the name-part index: the child's own row is not
    read. Children recorded before name parts were kept are found once `reindex_children` ran.
    """
    parts = query_part_indexes(term)
    if not parts:
        return Q(pk__in=[])
    every_part = Q()
    for part in parts:
        every_part &= Q(Exists(ChildNamePart.objects.filter(child_id=OuterRef("child_id"), part_index=part)))
    return every_part


def case_list(*, acting: Membership, filters: CaseFilters) -> QuerySet[Case]:
    """The visible cases, filtered, with what a list row shows fetched in the same query."""
    today = timezone.localdate()
    cases = cases_visible_to(acting=acting)
    if filters.number:
        cases = cases.filter(number_matches(filters.number))
    if filters.child_name:
        cases = cases.filter(_name_matches(filters.child_name)).filter(
            _full_or_shared(acting, ShareSection.IDENTITY)
        )
    if filters.area_id:
        cases = cases.filter(child__area_id=filters.area_id).filter(
            _full_or_shared(acting, ShareSection.PROFILE)
        )
    if filters.status:
        cases = cases.filter(status=filters.status)
    elif not filters.include_closed:
        cases = cases.exclude(status=CaseStatus.CLOSED)
    if filters.risk:
        cases = cases.filter(risk_level=filters.risk).filter(_full_or_shared(acting, ShareSection.HARM))
    if filters.overdue:
        # Follow-ups belong to the people responsible for the case, never to a referred agency.
        cases = cases.filter(_full(acting), _overdue_follow_up(today))
    return cases.select_related(*LIST_RELATED).order_by("-opened_at", "-id")


def cases_by_ids(*, ids: list[int]) -> list[Case]:
    """The cases of a page with what a row shows, fetched by id once the page is chosen. Joined in
    the query that picks the page, the planner misjudges the rows and loops over small tables."""
    by_id = Case.objects.select_related(*LIST_RELATED).defer(*_LIST_DEFERRED).in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def overdue_case_ids(*, cases: list[Case], today: date) -> frozenset[int]:
    """Which cases of a page have an overdue follow-up, in one query. As an annotation on the whole
    list, the planner would check every open follow-up in the country before picking the page's rows."""
    return frozenset(
        FollowUp.objects.filter(
            case_id__in=[case.pk for case in cases], done_at__isnull=True, due_on__lt=today
        ).values_list("case_id", flat=True)
    )


def _access_for_rows(*, acting: Membership, cases: list[Case]) -> dict[int, CaseAccess]:
    """The access to each case of a list page in at most two queries, so a list never costs one per row."""
    result: dict[int, CaseAccess] = {}
    if not cases:
        return result
    ids = [case.pk for case in cases]
    glass = set(
        BreakGlassAccess.objects.filter(
            case_id__in=ids, membership=acting, expires_at__gt=timezone.now()
        ).values_list("case_id", flat=True)
    )
    shared: dict[int, set[str]] = {}
    for case_id, sections in Referral.objects.filter(
        case_id__in=ids, to_agency_id=acting.agency_id, status=ReferralStatus.ACCEPTED
    ).values_list("case_id", "sections"):
        shared.setdefault(case_id, set()).update(sections)
    for case in cases:
        if case.lead_worker_id == acting.pk:
            result[case.pk] = CaseAccess(AccessKind.LEAD, ALL_SECTIONS)
        elif case.supervisor_id == acting.pk:
            result[case.pk] = CaseAccess(AccessKind.SUPERVISOR, ALL_SECTIONS)
        elif case.pk in glass:
            result[case.pk] = CaseAccess(AccessKind.BREAK_GLASS, ALL_SECTIONS)
        else:
            result[case.pk] = CaseAccess(AccessKind.REFERRED, frozenset(shared.get(case.pk, set())))
    return result


@dataclass(frozen=True)
class CaseRow:
    case: Case
    access: CaseAccess
    overdue: bool  # a follow-up of the case is overdue


@dataclass(frozen=True)
class CaseListPage:
    page: Page[Any]  # of case ids; `rows` holds the cases
    rows: list[CaseRow]


CASES_PER_PAGE = 25


def _list_audit_reason(filters: CaseFilters, page_number: int, cases: list[Case]) -> str:
    """What the audit log keeps of a listing. A search by name keeps which cases it showed, so a
    reviewer can see whose names someone looked for, but never the words searched for."""
    if filters.child_name:
        listed = ", ".join(str(case.pk) for case in cases) or "none"
        return f"case search by name, page {page_number}, cases listed: {listed}"
    return f"case list, page {page_number}, {len(cases)} rows"


def case_list_page(
    *, acting: Membership, filters: CaseFilters, page_number: str | int | None
) -> CaseListPage:
    """One page of the case list, with each row's access; the listing itself is audited."""
    ids = case_list(acting=acting, filters=filters).values_list("pk", flat=True)
    page = Paginator(ids, CASES_PER_PAGE).get_page(page_number)
    cases = cases_by_ids(ids=list(page.object_list))
    overdue = overdue_case_ids(cases=cases, today=timezone.localdate())
    accesses = _access_for_rows(acting=acting, cases=cases)
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        object_type="cases.Case",
        reason=_list_audit_reason(filters, page.number, cases),
    )
    return CaseListPage(
        page=page,
        rows=[CaseRow(case=case, access=accesses[case.pk], overdue=case.pk in overdue) for case in cases],
    )
