"""Reads of cases, each scoped to the acting membership through the rule in permissions.py."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from childshield.accounts.models import Agency, Membership, Role
from childshield.accounts.permissions import Scope, may, require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.models import (
    SERVICE_DONE_STATUSES,
    Assessment,
    AssessmentForm,
    AssessmentKind,
    Attachment,
    BreakGlassAccess,
    Case,
    CaseNote,
    CaseStatus,
    CaseStatusChange,
    Child,
    ChildNamePart,
    Consent,
    FeedbackInvitation,
    FollowUp,
    HarmType,
    PersonWhoHarmed,
    Referral,
    ReferralStatus,
    ReferralUpdate,
    RiskLevel,
    Service,
    ShareSection,
)
from childshield.cases.name_search import query_part_indexes
from childshield.cases.permissions import ALL_SECTIONS, AccessKind, CaseAccess, CasePerm, case_access
from childshield.core.blind_index import blind_index
from childshield.directory.models import Resource
from childshield.directory.selectors import resource_search
from childshield.intake.models import Report
from childshield.intake.permissions import IntakePerm
from childshield.intake.selectors import report_get_for_staff
from childshield.places.models import Area

CHILD_NAME_PURPOSE = "cases.child.name"
CHILD_DUPLICATE_PURPOSE = "cases.child.duplicate"


def child_name_index(name: str) -> str:
    return blind_index(name, purpose=CHILD_NAME_PURPOSE)


def child_duplicate_index(*, name: str, birth_year: int | None, area_id: int) -> str:
    return blind_index(f"{name}|{birth_year or ''}|{area_id}", purpose=CHILD_DUPLICATE_PURPOSE)


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


def _visible_case_ids(acting: Membership, *, works: bool) -> QuerySet[Any]:
    """The ids of the cases the membership may open, as one UNION of index lookups.

    An OR of these conditions on the case table cannot use an index and reads every case; each
    branch alone is one index lookup, and the union stays as small as the person's caseload.
    """
    branches: list[QuerySet[Any]] = [
        BreakGlassAccess.objects.filter(membership=acting, expires_at__gt=timezone.now())
        .values("case_id")
        .order_by()
    ]
    if works:
        branches += [
            Case.objects.filter(lead_worker=acting).values("pk").order_by(),
            Case.objects.filter(supervisor=acting).values("pk").order_by(),
            Referral.objects.filter(to_agency_id=acting.agency_id, status=ReferralStatus.ACCEPTED)
            .values("case_id")
            .order_by(),
        ]
    first, *rest = branches
    return first.union(*rest, all=True)


def cases_visible_to(*, acting: Membership | None) -> QuerySet[Case]:
    """Every case the acting membership may open: as lead, as supervisor, through an accepted
    referral to its agency, or through a break-glass access still open."""
    if acting is None:
        return Case.objects.none()
    works = may(acting, CasePerm.CASE_WORK)
    breaks = may(acting, CasePerm.BREAK_GLASS)
    if not works and not breaks:
        return Case.objects.none()
    return Case.objects.filter(pk__in=_visible_case_ids(acting, works=works))


@dataclass(frozen=True)
class CaseView:
    case: Case
    access: CaseAccess
    acting: Membership


def case_get_for_user(*, acting: Membership | None, case_id: int, record_view: bool = True) -> CaseView:
    """One case with what the acting membership may do with it; 404 for anyone outside the rule,
    so a case URL does not even tell an outsider that the case exists. Reading is audited."""
    case = (
        Case.objects.select_related(
            "child",
            "child__area",
            "agency",
            "opened_by_agency",
            "lead_worker__user",
            "supervisor__user",
            "source_report",
        )
        .filter(pk=case_id)
        .first()
    )
    access = case_access(acting, case) if case is not None else None
    if case is None or access is None or not access.visible or acting is None:
        raise Http404
    if record_view:
        audit.record(
            action=AuditAction.VIEW,
            actor=acting.user,
            agency=acting.agency,
            obj=case,
            reason="case read (break-glass)" if access.kind is AccessKind.BREAK_GLASS else "case read",
        )
    return CaseView(case=case, access=access, acting=acting)


def case_get_for_print(*, acting: Membership | None, case_id: int) -> CaseView:
    """The case for its printable summary; printing is recorded as an export, not a view."""
    view = case_get_for_user(acting=acting, case_id=case_id, record_view=False)
    audit.record(
        action=AuditAction.EXPORT,
        actor=view.acting.user,
        agency=view.acting.agency,
        obj=view.case,
        reason="printable case summary",
    )
    return view


@dataclass(frozen=True)
class CaseFilters:
    number: str = ""
    child_name: str = ""
    area_id: int | None = None
    status: str = ""
    risk: str = ""
    overdue: bool = False
    include_closed: bool = False


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


_LIST_RELATED = ("child", "child__area", "agency", "opened_by_agency", "lead_worker__user")
# Encrypted columns a list row does not show: left out, they cost no decryption (the dearest part
# of a list page) and never reach memory.
_CASE_TEXT = ("case__risk_reasons", "case__summary", "case__closure_note")
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


def case_list(*, acting: Membership | None, filters: CaseFilters) -> QuerySet[Case]:
    """The visible cases, filtered, with what a list row shows fetched in the same query."""
    if acting is None:
        return Case.objects.none()
    today = timezone.localdate()
    cases = cases_visible_to(acting=acting)
    if filters.number:
        cases = cases.filter(number=filters.number.strip())
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
    return cases.select_related(*_LIST_RELATED).order_by("-opened_at", "-id")


def _cases_in_order(ids: list[int]) -> list[Case]:
    """The cases of a page with what a row shows, fetched by id once the page is chosen. Joined in
    the query that picks the page, the planner misjudges the rows and loops over small tables."""
    by_id = Case.objects.select_related(*_LIST_RELATED).defer(*_LIST_DEFERRED).in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def _mark_overdue(cases: list[Case], today: date) -> list[Case]:
    """Set `has_overdue` on each case of a page in one query. As an annotation on the whole list, the
    planner would check every open follow-up in the country before picking the page's rows."""
    overdue = set(
        FollowUp.objects.filter(
            case_id__in=[case.pk for case in cases], done_at__isnull=True, due_on__lt=today
        ).values_list("case_id", flat=True)
    )
    for case in cases:
        case.has_overdue = case.pk in overdue  # type: ignore[attr-defined]
    return cases


def case_access_for_rows(*, acting: Membership | None, cases: list[Case]) -> dict[int, CaseAccess]:
    """The access to each case of a list page in at most two queries, so a list never costs one per row."""
    result: dict[int, CaseAccess] = {}
    if acting is None or not cases:
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
class WorkerHome:
    my_cases: list[Case]
    due_today: list[FollowUp]
    overdue: list[FollowUp]
    high_risk: list[Case]
    referrals_waiting: int
    updates: list[ReferralUpdate]


def worker_home(*, acting: Membership) -> WorkerHome:
    """The worker's home: their open cases, follow-ups due, high risk, referral news. It lists
    children's names, so reading it is audited like the case list."""
    today = timezone.localdate()
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        object_type="cases.Case",
        reason="cases home",
    )
    # The cases the member leads or supervises are visible to them by the rule itself: asked for
    # directly, the two indexes answer without the union cases_visible_to needs for the rest.
    own = (
        Case.objects.filter(Q(lead_worker=acting) | Q(supervisor=acting))
        if may(acting, CasePerm.CASE_WORK)
        else Case.objects.none()
    )
    mine = own.exclude(status=CaseStatus.CLOSED).order_by("-opened_at", "-id")
    mine_ids = mine.values_list("pk", flat=True)
    high_risk_ids = mine.filter(risk_level=RiskLevel.HIGH).values_list("pk", flat=True)
    # A follow-up is the member's when it is theirs to do, or when it is in a case they lead or
    # supervise (a supervisor must see that the worker's home visit is late).
    # The open case ids are few (one member's caseload), so both halves of the OR use an index.
    my_open_case_ids = list(mine_ids)
    my_follow_ups = (
        FollowUp.objects.filter(
            Q(assignee=acting) | Q(case_id__in=my_open_case_ids),
            done_at__isnull=True,
            case__status__in=_open_statuses(),
        )
        .select_related("case")
        .defer("outcome", *_CASE_TEXT)
        .annotate(assignee_name=F("assignee__user__full_name"))
    )
    return WorkerHome(
        my_cases=_mark_overdue(_cases_in_order(my_open_case_ids[:20]), today),
        due_today=list(my_follow_ups.filter(due_on=today)),
        overdue=list(my_follow_ups.filter(due_on__lt=today).order_by("due_on", "id")[:50]),
        high_risk=_mark_overdue(_cases_in_order(list(high_risk_ids[:20])), today),
        referrals_waiting=referrals_incoming(acting=acting).filter(status=ReferralStatus.SENT).count()
        if may(acting, CasePerm.REFERRAL_RESPOND)
        else 0,
        updates=list(
            ReferralUpdate.objects.filter(recipient=acting, read_at__isnull=True)
            .select_related("referral", "referral__to_agency", "referral__case")
            .defer("referral__message", "referral__decline_reason", *(f"referral__{f}" for f in _CASE_TEXT))[
                :20
            ]
        ),
    )


def _open_statuses() -> list[str]:
    return [status for status in CaseStatus.values if status != CaseStatus.CLOSED]


def possible_duplicates(*, name: str, birth_year: int | None, area_id: int) -> list[Child]:
    """Children already recorded with the same name, birth year and area; shown, never merged."""
    index = child_duplicate_index(name=name, birth_year=birth_year, area_id=area_id)
    cases = Prefetch("cases", queryset=Case.objects.select_related("agency").order_by("opened_at"))
    return list(Child.objects.filter(duplicate_index=index).prefetch_related(cases).order_by("id")[:10])


@dataclass(frozen=True)
class CaseDetail:
    consents: list[Consent]
    referrals: list[Referral]
    services: list[Service]
    follow_ups: list[FollowUp]
    notes: list[CaseNote]
    history: list[CaseStatusChange]
    people_who_harmed: list[PersonWhoHarmed]
    audit_trail: list[AuditEvent]
    assessments: list[Assessment]
    attachments: list[Attachment]


def case_detail(*, view: CaseView) -> CaseDetail:
    """The sections of one case the access allows; a referred agency sees only what was shared."""
    case, access = view.case, view.access
    referrals = Referral.objects.filter(case=case).select_related("from_agency", "to_agency", "sent_by__user")
    if not access.full:
        referrals = referrals.filter(to_agency_id=view.acting.agency_id)
    return CaseDetail(
        consents=list(case.consents.prefetch_related("agencies").select_related("recorded_by__user"))
        if access.full
        else [],
        referrals=list(referrals),
        services=list(case.services.select_related("provider", "resource"))
        if access.shows("services")
        else [],
        follow_ups=list(case.follow_ups.select_related("assignee__user")) if access.full else [],
        notes=list(case.notes.select_related("author__user")) if access.full else [],
        history=list(case.status_changes.select_related("changed_by__user")) if access.full else [],
        people_who_harmed=list(case.people_who_harmed.all()) if access.shows(ShareSection.HARM) else [],
        assessments=list(case.assessments.select_related("form", "completed_by__user"))
        if access.full
        else [],
        attachments=list(case.attachments.select_related("uploaded_by__user")) if access.full else [],
        # The people responsible for the case see who read it, break-glass included.
        audit_trail=list(
            AuditEvent.objects.filter(object_type="cases.Case", object_id=str(case.pk)).order_by(
                "-occurred_at", "-id"
            )[:50]
        )
        if access.may_edit
        else [],
    )


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


def referral_get_for_case(*, view: CaseView, referral_id: int) -> Referral:
    referral = Referral.objects.filter(case=view.case, pk=referral_id).first()
    if referral is None:
        raise Http404
    return referral


def consent_get_for_case(*, view: CaseView, consent_id: int) -> Consent:
    consent = Consent.objects.filter(case=view.case, pk=consent_id).first()
    if consent is None:
        raise Http404
    return consent


def consents_in_force(*, case: Case) -> list[Consent]:
    return [consent for consent in case.consents.prefetch_related("agencies") if consent.is_in_force]


def service_get_for_case(*, view: CaseView, service_id: int) -> Service:
    service = Service.objects.filter(case=view.case, pk=service_id).first()
    if service is None:
        raise Http404
    return service


def follow_up_get_for_case(*, view: CaseView, follow_up_id: int) -> FollowUp:
    follow_up = FollowUp.objects.filter(case=view.case, pk=follow_up_id).first()
    if follow_up is None:
        raise Http404
    return follow_up


def agencies_for_referral(*, acting: Membership) -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True, country=acting.agency.country).exclude(pk=acting.agency_id)


def supervisors_in_agency(*, agency_id: int) -> QuerySet[Membership]:
    return Membership.objects.filter(
        agency_id=agency_id,
        is_active=True,
        user__is_active=True,
        role__in=[Role.CASE_SUPERVISOR, Role.HELPLINE_SUPERVISOR],
    ).select_related("user", "agency")


def case_assignees(*, case: Case) -> QuerySet[Membership]:
    """Who a follow-up can go to: the people who can open the case."""
    ids = [pk for pk in (case.lead_worker_id, case.supervisor_id) if pk]
    return Membership.objects.filter(pk__in=ids, is_active=True).select_related("user", "agency")


def breakable_case(*, acting: Membership, number: str, agency_id: int | None) -> Case | None:
    """The case a break-glass request names, if the membership may break the glass for it."""
    scope = require(acting, CasePerm.BREAK_GLASS)
    cases = Case.objects.filter(number=number.strip())
    if agency_id:
        cases = cases.filter(opened_by_agency_id=agency_id)
    if scope != Scope.ALL:
        cases = cases.filter(agency_id=acting.agency_id)
    return cases.first()


def areas_for_cases(*, country: str) -> QuerySet[Area]:
    """The areas a child can be placed in: current provinces and communes of the country."""
    return (
        Area.objects.filter(
            country=country, level__in=[Area.Level.PROVINCE, Area.Level.COMMUNE], valid_to__isnull=True
        )
        .select_related("parent")
        .order_by("code")
    )


def consents_usable(*, case: Case) -> QuerySet[Consent]:
    return case.consents.filter(withdrawn_at__isnull=True).order_by("-recorded_at", "-id")


@dataclass(frozen=True)
class CaseRow:
    case: Case
    access: CaseAccess


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
    cases = _mark_overdue(_cases_in_order(list(page.object_list)), timezone.localdate())
    accesses = case_access_for_rows(acting=acting, cases=cases)
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        object_type="cases.Case",
        reason=_list_audit_reason(filters, page.number, cases),
    )
    return CaseListPage(page=page, rows=[CaseRow(case=case, access=accesses[case.pk]) for case in cases])


def agencies_active(*, country: str | None) -> QuerySet[Agency]:
    agencies = Agency.objects.filter(is_active=True).order_by("name")
    return agencies if country is None else agencies.filter(country=country)


def services_open(*, case: Case) -> list[Service]:
    return list(
        case.services.exclude(status__in=SERVICE_DONE_STATUSES).select_related("provider", "resource")
    )


def directory_services(*, acting: Membership, case: Case) -> QuerySet[Resource]:
    """The directory's active services that serve the child's area (the areas above and inside it
    included): those a service in the child's plan can be provided by."""
    return resource_search(acting=acting, country=case.agency.country, area=case.child.area)


def assessment_form_current(*, kind: str, agency_id: int) -> AssessmentForm | None:
    """The newest version of the agency's own form for `kind`, else the newest default."""
    forms = AssessmentForm.objects.filter(kind=kind)
    own = forms.filter(agency_id=agency_id).order_by("-version").first()
    return own or forms.filter(agency__isnull=True).order_by("-version").first()


@dataclass(frozen=True)
class FormVersions:
    kind: str
    in_use: AssessmentForm | None  # what a new assessment of the agency's cases uses now
    default: AssessmentForm | None  # the newest shipped default
    own: Sequence[AssessmentForm]  # the agency's versions, newest first, each with `assessment_count`


def assessment_forms_of_agency(*, acting: Membership) -> list[FormVersions]:
    """Each kind of assessment with the agency's versions and the default, for the forms page."""
    require(acting, CasePerm.FORMS_MANAGE)
    own = list(
        AssessmentForm.objects.filter(agency_id=acting.agency_id)
        .annotate(assessment_count=Count("assessments"))
        .order_by("kind", "-version")
    )
    overview = []
    for kind in AssessmentKind.values:
        versions = [form for form in own if form.kind == kind]
        default = AssessmentForm.objects.filter(kind=kind, agency__isnull=True).order_by("-version").first()
        in_use = versions[0] if versions else default
        overview.append(FormVersions(kind=kind, in_use=in_use, default=default, own=versions))
    return overview


def assessment_form_version_get(*, acting: Membership, form_id: int) -> AssessmentForm:
    """One version of a form the agency may read: its own or a default; 404 for another agency's."""
    require(acting, CasePerm.FORMS_MANAGE)
    form = (
        AssessmentForm.objects.filter(pk=form_id)
        .filter(Q(agency__isnull=True) | Q(agency_id=acting.agency_id))
        .first()
    )
    if form is None:
        raise Http404
    return form


def assessment_form_get(*, form_id: int, kind: str) -> AssessmentForm | None:
    return AssessmentForm.objects.filter(pk=form_id, kind=kind).first()


def attachment_get_for_download(*, view: CaseView, attachment_id: int) -> Attachment:
    """An attachment of a case the reader holds in full (never through a referral); audited."""
    if not view.access.full:
        raise Http404
    attachment = Attachment.objects.filter(case=view.case, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    audit.record(
        action=AuditAction.EXPORT,
        actor=view.acting.user,
        agency=view.acting.agency,
        obj=attachment,
        reason=f"attachment downloaded (case {view.case.pk})",
    )
    return attachment


def feedback_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feedback_invitation_open(*, token: str) -> FeedbackInvitation | None:
    """The invitation behind a feedback link, if it can still be answered."""
    return (
        FeedbackInvitation.objects.filter(
            token_hash=feedback_token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .only("id", "respondent")
        .first()
    )


# What a report's words for what happened mean as a case's harm types.
REPORT_HARMS: dict[str, str] = {
    "threatened": HarmType.SEXTORTION,
    "asked_for_pictures": HarmType.SELF_GENERATED_UNDER_PRESSURE,
    "pictures_shared": HarmType.NON_CONSENSUAL_SHARING,
    "unwanted_images": HarmType.SEXUAL_CONTENT_EXPOSURE,
    "grooming": HarmType.GROOMING,
    "bullying": HarmType.SEXUAL_CYBERBULLYING,
    "abuse_material": HarmType.ABUSE_MATERIAL,
    "other": HarmType.OTHER,
}


def report_for_case_opening(*, acting: Membership, reference: str) -> Report | None:
    """The report a case is opened from, for someone who may read it (the reading is audited by
    intake); None for anyone else, so the case form simply opens empty."""
    if not may(acting, IntakePerm.REPORT_VIEW):
        return None
    try:
        return report_get_for_staff(acting=acting, reference=reference)
    except Http404:
        return None
