"""The case page, its printable summary, and what every form posted from the page shares: the case
as its worker may change it, and the page shown again when a change is refused."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.permissions import may
from childshield.accounts.related import related_for
from childshield.cases.assessment_forms import CHILD_WISHES
from childshield.cases.forms import (
    AttachmentForm,
    FeedbackInviteForm,
    FollowUpForm,
    LinkAskForm,
    NoteForm,
    PersonWhoHarmedForm,
    ReassignForm,
    ReopenForm,
    ServiceAddForm,
    ServiceProviderForm,
    ServiceUpdateForm,
    StatusChangeForm,
)
from childshield.cases.models.assessments import AssessmentKind
from childshield.cases.models.closure import ClosureDecision
from childshield.cases.models.consent import ConsentKind, ShareSection
from childshield.cases.permissions import may_decide_closure, may_supervise
from childshield.cases.reference import WG_DOMAINS
from childshield.cases.selectors.cases import CaseView, case_detail, case_get_for_user
from childshield.cases.selectors.links import link_requests_of_case
from childshield.cases.selectors.options import (
    agencies_active,
    case_assignees,
    case_workers_in_agency,
    consents_usable,
    directory_services,
    supervisors_in_agency,
)
from childshield.cases.selectors.summary import SUMMARY_SECTIONS, case_summary_get
from childshield.cases.workflow import CaseFacts, case_guidance, legal_next_statuses
from childshield.core.errors import ApplicationError
from childshield.core.ethnic_groups import ethnicity_label
from childshield.intake.permissions import IntakePerm
from childshield.places.models import localised


def case_url(case_id: int, anchor: str = "") -> str:
    return reverse("cases:case_detail", args=[case_id]) + (f"#{anchor}" if anchor else "")


def assessment_answer_rows(questions: list[dict[str, Any]], answers: dict[str, str]) -> list[tuple[str, str]]:
    language = get_language()
    rows = []
    for question in questions:
        value = answers.get(question["key"], "")
        for choice in question.get("choices", []):
            if choice["value"] == value:
                value = localised(values=choice["label"], language=language)
        rows.append((localised(values=question["label"], language=language), value))
    return rows


def case_page_context(view: CaseView, **forms: Any) -> dict[str, Any]:
    """What the case page shows, with the forms the person filled in `forms` (the others blank)."""
    case, access, acting = view.case, view.access, view.acting
    detail = case_detail(view=view)
    last_request = detail.closure_requests[-1] if detail.closure_requests else None
    context: dict[str, Any] = {
        "case": case,
        "child": case.child,
        "access": access,
        "detail": detail,
        "sections": ShareSection,
        "today": timezone.localdate(),
        "now": timezone.now(),
        "age": case.child.age_on(timezone.localdate()),
        "ethnicity": ethnicity_label(case.child.ethnicity) if case.child.ethnicity else "",
        "disability": [
            (label, case.child.disability.get(code, ""))
            for code, label in WG_DOMAINS
            if case.child.disability
        ],
        "may_supervise": may_supervise(acting, case),
        "may_decide_closure": may_decide_closure(acting, case),
        # The last request to close, when the supervisor sent it back (nobody has asked again since).
        "closure_sent_back": last_request
        if last_request is not None and last_request.decision == ClosureDecision.SENT_BACK
        else None,
        "may_read_report": may(acting, IntakePerm.REPORT_VIEW),
        "assessment_rows": [
            (assessment, assessment_answer_rows(assessment.form.questions, assessment.answers))
            for assessment in detail.assessments
        ],
        "safety_done": any(a.kind == AssessmentKind.SAFETY for a in detail.assessments),
        "shared_labels": [label for value, label in ShareSection.choices if value in access.sections],
        "emergency_kind": ConsentKind.EMERGENCY_OVERRIDE,
        # Each app's provider returns only what this member may see (accounts/related.py).
        "related_links": related_for(case, acting),
        "link_requests": link_requests_of_case(case=case) if access.full else [],
    }
    if access.may_edit and not case.is_closed:
        assignees = case_assignees(case=case)
        # The facts the workflow's rules look at, from what the page loaded already.
        context["guidance"] = case_guidance(
            status=case.status,
            facts=CaseFacts(
                assessments=frozenset(assessment.kind for assessment in detail.assessments),
                has_services=bool(detail.services),
            ),
        )
        context.update(
            status_form=forms.get("status_form")
            or StatusChangeForm(initial={"version": case.version}, allowed=legal_next_statuses(case.status)),
            service_form=forms.get("service_form")
            or ServiceAddForm(
                initial={"provider": case.agency_id, "starts_on": timezone.localdate()},
                agencies=agencies_active(country=case.agency.country),
                resources=directory_services(acting=acting, case=case),
            ),
            follow_up_form=forms.get("follow_up_form")
            or FollowUpForm(initial={"assignee": acting.pk}, assignees=assignees),
            note_form=forms.get("note_form") or NoteForm(),
            attachment_form=forms.get("attachment_form") or AttachmentForm(),
            harmer_form=forms.get("harmer_form") or PersonWhoHarmedForm(prefix="harmer"),
        )
        if context["may_supervise"]:
            context["reassign_form"] = forms.get("reassign_form") or ReassignForm(
                initial={"version": case.version},
                workers=case_workers_in_agency(agency_id=case.agency_id).exclude(pk=case.lead_worker_id),
                supervisors=supervisors_in_agency(agency_id=case.agency_id),
                prefix="reassign",
            )
        if case.lead_worker_id == acting.pk:
            context["link_form"] = forms.get("link_form") or LinkAskForm(prefix="link")
    if access.may_edit:
        context["feedback_form"] = forms.get("feedback_form") or FeedbackInviteForm()
    if access.may_edit and case.is_closed:
        context["reopen_form"] = forms.get("reopen_form") or ReopenForm(initial={"version": case.version})
    context["service_update_forms"] = {
        service.pk: ServiceUpdateForm(
            initial={
                "version": service.version,
                "status": service.status,
                "starts_on": service.starts_on,
                "ends_on": service.ends_on,
                "outcome": service.outcome,
            },
            prefix=f"service-{service.pk}",
        )
        for service in detail.services
    }
    bound_service = forms.get("service_update_form")
    if bound_service is not None:
        context["service_update_forms"][forms["service_id"]] = bound_service
    provider_forms: dict[int, ServiceProviderForm] = {}
    if access.may_edit and not case.is_closed and detail.services:
        agencies = agencies_active(country=case.agency.country)
        resources = directory_services(acting=acting, case=case)
        consents = consents_usable(case=case)
        provider_forms = {
            service.pk: ServiceProviderForm(
                initial={
                    "version": service.version,
                    "provider": service.provider_id,
                    "resource": service.resource_id,
                },
                prefix=f"provider-{service.pk}",
                agencies=agencies,
                resources=resources,
                consents=consents,
            )
            for service in detail.services
        }
        bound_provider = forms.get("service_provider_form")
        if bound_provider is not None:
            provider_forms[forms["service_id"]] = bound_provider
        # The options are read once for the page, not once per service.
        options: dict[str, list[Any]] = {}
        for provider_form in provider_forms.values():
            for name in ("provider", "resource", "consent"):
                field = provider_form.fields[name]
                if name not in options:
                    options[name] = list(field.choices)  # type: ignore[attr-defined]
                field.widget.choices = options[name]
    context["services_with_forms"] = [
        (
            service,
            context["service_update_forms"][service.pk],
            provider_forms.get(service.pk),
            detail.provider_requests.get(service.pk),
        )
        for service in detail.services
    ]
    return context


@staff_view()
def case_detail_view(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_get_for_user(acting=request.membership, case_id=case_id)
    return render(request, "cases/case_detail.html", case_page_context(view))


@staff_view()
def case_summary(request: StaffRequest, case_id: int) -> HttpResponse:
    """A printable summary for a referral meeting or a court, of the sections the reader chose among
    those they may see, watermarked with the reader's name and the time."""
    summary = case_summary_get(
        acting=request.membership, case_id=case_id, asked=request.GET.getlist("section")
    )
    case, detail = summary.view.case, summary.detail
    wishes = summary.child_wishes
    wishes_question = ""
    if wishes is not None:
        question = next((q for q in wishes.assessment.form.questions if q["key"] == CHILD_WISHES), None)
        wishes_question = localised(values=question["label"] if question else {}, language=get_language())
    context = {
        "case": case,
        "child": case.child,
        "access": summary.view.access,
        "detail": detail,
        "chosen": summary.chosen,
        "offered": [(code, SUMMARY_SECTIONS[code], code in summary.chosen) for code in summary.offered],
        "printed_at": timezone.now(),
        "age": case.child.age_on(timezone.localdate()),
        "ethnicity": ethnicity_label(case.child.ethnicity) if case.child.ethnicity else "",
        "assessment_rows": [
            (assessment, assessment_answer_rows(assessment.form.questions, assessment.answers))
            for assessment in detail.assessments
        ],
        "wishes": wishes,
        "wishes_question": wishes_question,
        "emergency_kind": ConsentKind.EMERGENCY_OVERRIDE,
    }
    return render(request, "cases/case_summary.html", context)


def case_for_write(request: StaffRequest, case_id: int) -> CaseView:
    """The case as someone who may change it sees it: 404 outside the rule, 403 for a reader only."""
    view = case_get_for_user(acting=request.membership, case_id=case_id, record_view=False)
    if not view.access.may_edit:
        raise PermissionDenied
    return view


def case_refused(
    request: StaffRequest, view: CaseView, error: ApplicationError, **forms: Any
) -> HttpResponse:
    """The case page again, with the error and with every form as the person filled it."""
    bound = next(iter(forms.values()))
    if hasattr(bound, "add_error"):
        bound.add_error(None, str(error.message))
    messages.error(request, str(error.message))
    status = 409 if error.code == "stale" else 400
    return render(request, "cases/case_detail.html", case_page_context(view, **forms), status=status)
