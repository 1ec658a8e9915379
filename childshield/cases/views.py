"""Case pages: the worker's home, the list, opening a case, one case with its sections, referrals.

Thin doors: every read goes through selectors (which apply the access rule and audit reads),
every write through services. A refused write re-renders the page with what was typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may, require
from childshield.accounts.related import related_for
from childshield.cases import selectors, services
from childshield.cases.assessment_form_editor import (
    FORM_LANGUAGES,
    FormTitleForm,
    formset_for,
    questions_from,
)
from childshield.cases.forms import (
    AssessmentAnswerForm,
    AttachmentForm,
    BreakGlassForm,
    CaseEditForm,
    CaseFilterForm,
    CaseOpenForm,
    ClosureForm,
    ConsentForm,
    EmergencyOverrideForm,
    FeedbackForm,
    FeedbackInviteForm,
    FeedbackPaperForm,
    FollowUpDoneForm,
    FollowUpForm,
    NoteForm,
    PersonWhoHarmedForm,
    ReferralAcceptForm,
    ReferralDeclineForm,
    ReferralForm,
    ReopenForm,
    ServiceAddForm,
    ServiceUpdateForm,
    StatusChangeForm,
    VersionForm,
    WithdrawForm,
)
from childshield.cases.models import AssessmentKind, ConsentKind, ReferralStatus, Respondent, ShareSection
from childshield.cases.permissions import CasePerm, may_supervise
from childshield.cases.reference import WG_DOMAINS, ethnicity_label
from childshield.core.errors import ApplicationError
from childshield.core.public import public_page, same_site_posts
from childshield.intake.permissions import IntakePerm
from childshield.places.models import localised


def _acting(request: HttpRequest, perm: CasePerm = CasePerm.CASE_WORK) -> Membership:
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    require(membership, perm)
    assert membership is not None
    return membership


def _case_url(case_id: int, anchor: str = "") -> str:
    return reverse("cases:case_detail", args=[case_id]) + (f"#{anchor}" if anchor else "")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    acting = _acting(request)
    data = selectors.worker_home(acting=acting)
    return render(
        request,
        "cases/home.html",
        {"home": data, "today": timezone.localdate(), "breaks_glass": may(acting, CasePerm.BREAK_GLASS)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    """The case list. A search by name is posted, never put in the address: addresses end up in
    browser history and server logs. Other filters also work as a link (?status=...)."""
    acting = _acting(request)
    data = request.POST.copy() if request.method == "POST" else request.GET.copy()
    if request.method == "GET":
        data.pop("child_name", None)
    page_number = data.pop("page", [None])[-1]
    form = CaseFilterForm(data or None, areas=selectors.areas_for_cases(country=acting.agency.country))
    filters = selectors.CaseFilters()
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        filters = selectors.CaseFilters(
            number=cleaned["number"],
            child_name=cleaned["child_name"],
            area_id=cleaned["area"].pk if cleaned["area"] else None,
            status=cleaned["status"],
            risk=cleaned["risk"],
            overdue=cleaned["overdue"],
        )
    listing = selectors.case_list_page(acting=acting, filters=filters, page_number=page_number)
    data.pop("csrfmiddlewaretoken", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "listing": listing,
            "query": "" if filters.child_name else data.urlencode(),
            "by_name": bool(filters.child_name),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest) -> HttpResponse:
    acting = _acting(request, CasePerm.CASE_OPEN)
    country = acting.agency.country
    form = CaseOpenForm(
        request.POST or None,
        country=country,
        areas=selectors.areas_for_cases(country=country),
        agencies=selectors.agencies_for_referral(acting=acting),
        supervisors=selectors.supervisors_in_agency(agency_id=acting.agency_id),
    )
    duplicates: list[Any] = []
    reference = (request.POST.get("report") or request.GET.get("report") or "").strip()
    report = selectors.report_for_case_opening(acting=acting, reference=reference) if reference else None
    if report is not None and request.method == "GET":
        form.initial.update(
            summary=report.description,
            harm_types=[
                selectors.REPORT_HARMS[harm] for harm in report.harms if harm in selectors.REPORT_HARMS
            ],
            risk_level="high" if report.is_urgent else "",
            gender={"girl": "girl", "boy": "boy"}.get(report.gender, "unknown"),
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = services.ChildInput(
            full_name=data["full_name"],
            area=data["area"],
            aliases=[alias for alias in data["aliases"].split(",") if alias.strip()],
            date_of_birth=data["date_of_birth"],
            estimated_age=data["estimated_age"],
            sex=data["sex"],
            gender=data["gender"],
            ethnicity=data["ethnicity"],
            disability=form.disability(),
            languages=data["languages"],
            school=data["school"],
            caregivers=[
                {
                    "name": data["caregiver_full_name"],
                    "relationship": data["caregiver_relationship"],
                    "phone": data["caregiver_phone"],
                }
            ]
            if data["caregiver_full_name"]
            else [],
            safe_contact=data["safe_contact"],
        )
        consent = (
            services.ConsentInput(
                purpose=data["purpose"],
                agencies=list(data["consent_agencies"]),
                sections=data["sections"],
                child_assent=data["child_assent"],
                caregiver_consent=data["caregiver_consent"],
                caregiver_name=data["caregiver_name"],
                caregiver_not_asked_reason=data["caregiver_not_asked_reason"],
            )
            if data["record_consent"]
            else None
        )
        existing_child = None
        if data["same_child"]:
            birth_year = child.birth_year(timezone.localdate())
            matches = selectors.possible_duplicates(
                name=child.full_name, birth_year=birth_year, area_id=child.area.pk
            )
            existing_child = next((match for match in matches if match.pk == data["same_child"]), None)
        try:
            case = services.case_open(
                acting=acting,
                child=child,
                risk_level=data["risk_level"],
                harm_types=data["harm_types"],
                risk_reasons=data["risk_reasons"],
                summary=data["summary"],
                supervisor=data["supervisor"],
                consent=consent,
                existing_child=existing_child,
                duplicates_acknowledged=data["duplicates_acknowledged"],
                source_report=report,
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
            duplicates = list(error.extra.get("duplicates", []))  # type: ignore[call-overload]
        else:
            messages.success(request, _("Case %(number)s is open.") % {"number": case.number})
            return redirect(_case_url(case.pk))
    return render(
        request,
        "cases/case_open.html",
        {"form": form, "duplicates": duplicates, "report": report},
        status=400 if form.errors else 200,
    )


def _answer_rows(questions: list[dict[str, Any]], answers: dict[str, str]) -> list[tuple[str, str]]:
    language = get_language()
    rows = []
    for question in questions:
        value = answers.get(question["key"], "")
        for choice in question.get("choices", []):
            if choice["value"] == value:
                value = localised(values=choice["label"], language=language)
        rows.append((localised(values=question["label"], language=language), value))
    return rows


def _detail_context(request: HttpRequest, view: selectors.CaseView, **forms: Any) -> dict[str, Any]:
    case, access, acting = view.case, view.access, view.acting
    detail = selectors.case_detail(view=view)
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
        "may_read_report": may(acting, IntakePerm.REPORT_VIEW),
        "assessment_rows": [
            (assessment, _answer_rows(assessment.form.questions, assessment.answers))
            for assessment in detail.assessments
        ],
        "safety_done": any(a.kind == AssessmentKind.SAFETY for a in detail.assessments),
        "shared_labels": [label for value, label in ShareSection.choices if value in access.sections],
        "emergency_kind": ConsentKind.EMERGENCY_OVERRIDE,
        # Each app's provider returns only what this member may see (accounts/related.py).
        "related_links": related_for(case, acting),
    }
    if access.may_edit and not case.is_closed:
        assignees = selectors.case_assignees(case=case)
        context.update(
            status_form=forms.get("status_form")
            or StatusChangeForm(
                initial={"version": case.version}, allowed=services.legal_next_statuses(case.status)
            ),
            service_form=forms.get("service_form")
            or ServiceAddForm(
                initial={"provider": case.agency_id, "starts_on": timezone.localdate()},
                agencies=selectors.agencies_active(country=case.agency.country),
                resources=selectors.directory_services(acting=acting, case=case),
            ),
            follow_up_form=forms.get("follow_up_form")
            or FollowUpForm(initial={"assignee": acting.pk}, assignees=assignees),
            note_form=forms.get("note_form") or NoteForm(),
            attachment_form=forms.get("attachment_form") or AttachmentForm(),
            harmer_form=forms.get("harmer_form") or PersonWhoHarmedForm(prefix="harmer"),
        )
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
    context["services_with_forms"] = [
        (service, context["service_update_forms"][service.pk]) for service in detail.services
    ]
    return context


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    view = selectors.case_get_for_user(acting=request.membership, case_id=case_id)  # type: ignore[attr-defined]
    return render(request, "cases/case_detail.html", _detail_context(request, view))


@login_required
def case_summary(request: HttpRequest, case_id: int) -> HttpResponse:
    """A printable summary for a referral meeting or a court, watermarked with the reader's name."""
    view = selectors.case_get_for_print(acting=request.membership, case_id=case_id)  # type: ignore[attr-defined]
    context = _detail_context(request, view)
    context["printed_at"] = timezone.now()
    return render(request, "cases/case_summary.html", context)


def _view_for_write(request: HttpRequest, case_id: int) -> selectors.CaseView:
    view = selectors.case_get_for_user(
        acting=request.membership,  # type: ignore[attr-defined]
        case_id=case_id,
        record_view=False,
    )
    if not view.access.may_edit:
        raise PermissionDenied
    return view


def _refused(
    request: HttpRequest, view: selectors.CaseView, error: ApplicationError, **forms: Any
) -> HttpResponse:
    """The case page again, with the error and with every form as the person filled it."""
    bound = next(iter(forms.values()))
    if hasattr(bound, "add_error"):
        bound.add_error(None, str(error.message))
    messages.error(request, str(error.message))
    status = 409 if error.code == "stale" else 400
    return render(request, "cases/case_detail.html", _detail_context(request, view, **forms), status=status)


@login_required
@require_POST
def status_change(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            services.case_status_change(
                acting=view.acting,
                case=view.case,
                version=form.cleaned_data["version"],
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            return _refused(request, view, error, status_form=form)
        messages.success(request, _("The case moved to the next step."))
        return redirect(_case_url(case_id))
    return _refused(request, view, ApplicationError(_("Choose a status.")), status_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    case = view.case
    form = CaseEditForm(
        request.POST or None,
        initial={
            "version": case.version,
            "supervisor": case.supervisor_id,
            "harm_types": case.harm_types,
            "summary": case.summary,
            "risk_level": case.risk_level,
            "risk_reasons": case.risk_reasons,
        },
        supervisors=selectors.supervisors_in_agency(agency_id=case.agency_id).exclude(pk=case.lead_worker_id),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        supervisor = data.pop("supervisor")
        try:
            with transaction.atomic():
                case = services.case_update(acting=view.acting, case=case, **data)
                if supervisor != case.supervisor:
                    case = services.case_supervisor_assign(
                        acting=view.acting, case=case, version=case.version, supervisor=supervisor
                    )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
            status = 409 if error.code == "stale" else 400
        else:
            messages.success(request, _("The case is saved."))
            return redirect(_case_url(case_id))
    return render(request, "cases/case_edit.html", {"case": case, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = ConsentForm(request.POST or None, agencies=selectors.agencies_for_referral(acting=view.acting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                acting=view.acting,
                case=view.case,
                consent=services.ConsentInput(
                    purpose=data["purpose"],
                    agencies=list(data["consent_agencies"]),
                    sections=data["sections"],
                    child_assent=data["child_assent"],
                    caregiver_consent=data["caregiver_consent"],
                    caregiver_name=data["caregiver_name"],
                    caregiver_not_asked_reason=data["caregiver_not_asked_reason"],
                ),
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect(_case_url(case_id, "consent"))
    return render(
        request,
        "cases/consent_form.html",
        {"case": view.case, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_emergency(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = EmergencyOverrideForm(
        request.POST or None, agencies=selectors.agencies_for_referral(acting=view.acting)
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.consent_emergency_override(
                acting=view.acting,
                case=view.case,
                reason=form.cleaned_data["reason"],
                agencies=list(form.cleaned_data["consent_agencies"]),
                sections=form.cleaned_data["sections"],
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            if consent.confirmed_at:
                messages.success(request, _("The emergency override is recorded and confirmed."))
            else:
                messages.success(
                    request,
                    _("The emergency override is recorded. The supervisor must confirm it before sharing."),
                )
            return redirect(_case_url(case_id, "consent"))
    return render(
        request,
        "cases/consent_emergency.html",
        {"case": view.case, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def consent_confirm(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    consent = selectors.consent_get_for_case(view=view, consent_id=consent_id)
    try:
        services.consent_emergency_confirm(acting=view.acting, consent=consent)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You confirmed the emergency override."))
    return redirect(_case_url(case_id, "consent"))


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    consent = selectors.consent_get_for_case(view=view, consent_id=consent_id)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.consent_withdraw(
            acting=view.acting, consent=consent, reason=form.cleaned_data.get("reason", "")
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The consent is withdrawn: nothing more will be shared on it."))
    return redirect(_case_url(case_id, "consent"))


@login_required
@require_http_methods(["GET", "POST"])
def referral_send(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = ReferralForm(
        request.POST or None,
        agencies=selectors.agencies_for_referral(acting=view.acting),
        consents=selectors.consents_usable(case=view.case),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_send(
                acting=view.acting,
                case=view.case,
                to_agency=data["to_agency"],
                services=data["services"],
                consent=data["consent"],
                sections=data["sections"],
                urgency=data["urgency"],
                message=data["message"],
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request, _("The referral is sent to %(agency)s.") % {"agency": referral.to_agency.name}
            )
            return redirect(_case_url(case_id, "referrals"))
    return render(
        request,
        "cases/referral_form.html",
        {"case": view.case, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def service_add(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = ServiceAddForm(
        request.POST,
        agencies=selectors.agencies_active(country=view.case.agency.country),
        resources=selectors.directory_services(acting=view.acting, case=view.case),
    )
    if not form.is_valid():
        return _refused(request, view, ApplicationError(_("Check the service.")), service_form=form)
    try:
        services.service_add(acting=view.acting, case=view.case, **form.cleaned_data)
    except ApplicationError as error:
        return _refused(request, view, error, service_form=form)
    messages.success(request, _("The service is added to the plan."))
    return redirect(_case_url(case_id, "services"))


@login_required
@require_POST
def service_update(request: HttpRequest, case_id: int, service_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    service = selectors.service_get_for_case(view=view, service_id=service_id)
    form = ServiceUpdateForm(request.POST, prefix=f"service-{service.pk}")
    if not form.is_valid():
        error = ApplicationError(_("Check the service."))
        return _refused(request, view, error, service_update_form=form, service_id=service.pk)
    try:
        services.service_update(acting=view.acting, service=service, **form.cleaned_data)
    except ApplicationError as error:
        return _refused(request, view, error, service_update_form=form, service_id=service.pk)
    messages.success(request, _("The service is saved."))
    return redirect(_case_url(case_id, "services"))


@login_required
@require_POST
def follow_up_add(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = FollowUpForm(request.POST, assignees=selectors.case_assignees(case=view.case))
    if not form.is_valid():
        return _refused(request, view, ApplicationError(_("Check the follow-up.")), follow_up_form=form)
    try:
        services.followup_add(acting=view.acting, case=view.case, **form.cleaned_data)
    except ApplicationError as error:
        return _refused(request, view, error, follow_up_form=form)
    messages.success(request, _("The follow-up is planned."))
    return redirect(_case_url(case_id, "follow-ups"))


@login_required
@require_POST
def follow_up_done(request: HttpRequest, case_id: int, follow_up_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    follow_up = selectors.follow_up_get_for_case(view=view, follow_up_id=follow_up_id)
    form = FollowUpDoneForm(request.POST, prefix=f"follow-up-{follow_up.pk}")
    form.is_valid()
    try:
        services.followup_complete(
            acting=view.acting, follow_up=follow_up, outcome=form.cleaned_data.get("outcome", "")
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The follow-up is done."))
    return redirect(_case_url(case_id, "follow-ups"))


@login_required
@require_http_methods(["GET", "POST"])
def assessment_record(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    view = _view_for_write(request, case_id)
    if kind not in AssessmentKind.values:
        raise Http404
    services.assessment_forms_default_install()
    form_version = selectors.assessment_form_current(kind=kind, agency_id=view.case.agency_id)
    if form_version is None:
        raise Http404
    # The version the worker saw is posted back, so answers always match their questions.
    posted_version = request.POST.get("form_version")
    if posted_version and posted_version.isdigit() and int(posted_version) != form_version.pk:
        form_version = selectors.assessment_form_get(form_id=int(posted_version), kind=kind) or form_version
    form = AssessmentAnswerForm(
        request.POST or None, questions=form_version.questions, language=get_language()
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(
                acting=view.acting, case=view.case, form=form_version, answers=form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
            status = 400
        else:
            messages.success(request, _("The assessment is recorded."))
            return redirect(_case_url(case_id, "assessments"))
    elif request.method == "POST":
        status = 400
    title = localised(values=form_version.title, language=get_language())
    return render(
        request,
        "cases/assessment_form.html",
        {"case": view.case, "form": form, "form_version": form_version, "title": title},
        status=status,
    )


@login_required
@require_POST
def person_who_harmed_add(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = PersonWhoHarmedForm(request.POST, prefix="harmer")
    if not form.is_valid():
        return _refused(request, view, ApplicationError(_("Check the person who harmed.")), harmer_form=form)
    try:
        person = services.person_who_harmed_add(acting=view.acting, case=view.case, **form.cleaned_data)
    except ApplicationError as error:
        return _refused(request, view, error, harmer_form=form)
    if person.is_child:
        messages.warning(
            request,
            _(
                "A child who harmed needs the rehabilitation pathway, not a victim case with the roles "
                "swapped: refer them to the agency for children in conflict with the law."
            ),
        )
    else:
        messages.success(request, _("Saved."))
    return redirect(_case_url(case_id, "what-happened"))


@login_required
@require_POST
def attachment_add(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, view, ApplicationError(_("Choose a file.")), attachment_form=form)
    try:
        services.attachment_add(
            acting=view.acting,
            case=view.case,
            upload=form.cleaned_data["upload"],
            description=form.cleaned_data["description"],
        )
    except ApplicationError as error:
        return _refused(request, view, error, attachment_form=form)
    messages.success(request, _("The file is attached."))
    return redirect(_case_url(case_id, "attachments"))


@login_required
def attachment_download(request: HttpRequest, case_id: int, attachment_id: int) -> HttpResponse:
    view = selectors.case_get_for_user(
        acting=request.membership,  # type: ignore[attr-defined]
        case_id=case_id,
        record_view=False,
    )
    attachment = selectors.attachment_get_for_download(view=view, attachment_id=attachment_id)
    response = HttpResponse(
        services.attachment_content(attachment=attachment), content_type=attachment.content_type
    )
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[attachment.content_type]
    # A neutral name: the original may carry the child's name into a downloads folder.
    response["Content-Disposition"] = (
        f'attachment; filename="case-{view.case.number}-{attachment.pk}.{extension}"'
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def note_add(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _refused(request, view, ApplicationError(_("The note is empty.")), note_form=form)
    try:
        services.note_add(acting=view.acting, case=view.case, body=form.cleaned_data["body"])
    except ApplicationError as error:
        return _refused(request, view, error, note_form=form)
    messages.success(request, _("The note is saved."))
    return redirect(_case_url(case_id, "notes"))


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    case = view.case
    form = ClosureForm(request.POST or None, initial={"version": case.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_closure_request(
                acting=view.acting,
                case=case,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                checklist=form.checklist(),
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
            status = 409 if error.code == "stale" else 400
        else:
            if case.is_closed:
                messages.success(request, _("The case is closed."))
            else:
                messages.success(request, _("Closure requested: the supervisor will review and approve it."))
            return redirect(_case_url(case_id))
    return render(
        request,
        "cases/case_close.html",
        {"case": case, "form": form, "open_services": selectors.services_open(case=case)},
        status=status,
    )


@login_required
@require_POST
def case_close_approve(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Reload the case and try again."))
        services.case_close(acting=view.acting, case=view.case, version=form.cleaned_data["version"])
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You approved the closure. The case is closed."))
    return redirect(_case_url(case_id))


@login_required
@require_POST
def case_reopen(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _refused(request, view, ApplicationError(_("Say why the case is reopened.")), reopen_form=form)
    try:
        services.case_reopen(acting=view.acting, case=view.case, **form.cleaned_data)
    except ApplicationError as error:
        return _refused(request, view, error, reopen_form=form)
    messages.success(request, _("The case is open again."))
    return redirect(_case_url(case_id))


@login_required
def referral_inbox(request: HttpRequest) -> HttpResponse:
    acting = _acting(request, CasePerm.REFERRAL_RESPOND)
    referrals = selectors.referrals_incoming(acting=acting)
    return render(
        request,
        "cases/referral_inbox.html",
        {
            "waiting": [r for r in referrals if r.status == ReferralStatus.SENT],
            "answered": [r for r in referrals[:200] if r.status != ReferralStatus.SENT],
        },
    )


def _referral_context(acting: Membership, referral: Any, **forms: Any) -> dict[str, Any]:
    shares_profile = ShareSection.PROFILE in referral.sections
    return {
        "referral": referral,
        "shares_profile": shares_profile,
        "age": referral.case.child.age_on(timezone.localdate()) if shares_profile else None,
        "accept_form": forms.get("accept_form")
        or ReferralAcceptForm(supervisors=selectors.supervisors_in_agency(agency_id=acting.agency_id)),
        "decline_form": forms.get("decline_form") or ReferralDeclineForm(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    acting = _acting(request, CasePerm.REFERRAL_RESPOND)
    if request.method == "GET":
        referral = selectors.referral_read(acting=acting, referral_id=referral_id)
        return render(request, "cases/referral_detail.html", _referral_context(acting, referral))
    referral = selectors.referral_get_incoming(acting=acting, referral_id=referral_id)
    answer = request.POST.get("answer")
    try:
        if answer == "accept":
            accept_form = ReferralAcceptForm(
                request.POST, supervisors=selectors.supervisors_in_agency(agency_id=acting.agency_id)
            )
            if not accept_form.is_valid():
                raise ApplicationError(_("Choose a supervisor from your agency."))
            services.referral_accept(
                acting=acting, referral=referral, supervisor=accept_form.cleaned_data["supervisor"]
            )
            messages.success(request, _("You accepted the referral."))
            return redirect(_case_url(referral.case_id))
        if answer == "decline":
            decline_form = ReferralDeclineForm(request.POST)
            if not decline_form.is_valid():
                raise ApplicationError(
                    _("Say why you decline, so the sender can find another service for the child.")
                )
            services.referral_decline(
                acting=acting, referral=referral, reason=decline_form.cleaned_data["reason"]
            )
            messages.success(request, _("You declined the referral. The sender is told."))
            return redirect("cases:referral_inbox")
        if answer == "complete":
            services.referral_complete(acting=acting, referral=referral)
            messages.success(request, _("The referral is completed. The sender is told."))
            return redirect("cases:referral_inbox")
    except ApplicationError as error:
        context = _referral_context(acting, referral)
        if answer == "decline":
            context["decline_form"] = ReferralDeclineForm(request.POST)
            context["decline_form"].is_valid()
        context["error"] = str(error.message)
        return render(request, "cases/referral_detail.html", context, status=400)
    raise Http404


@login_required
@require_POST
def updates_read(request: HttpRequest) -> HttpResponse:
    acting = _acting(request)
    services.referral_updates_read(acting=acting)
    return redirect("cases:home")


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    acting = _acting(request, CasePerm.BREAK_GLASS)
    form = BreakGlassForm(request.POST or None, agencies=selectors.agencies_active(country=None))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = selectors.breakable_case(
            acting=acting,
            number=data["number"],
            agency_id=data["opened_by"].pk if data["opened_by"] else None,
        )
        if case is None:
            form.add_error("number", _("No case with that number that you may open in an emergency."))
        else:
            try:
                services.break_glass_open(acting=acting, case=case, reason=data["reason"])
            except (ApplicationError, PermissionDenied) as error:
                form.add_error(None, str(getattr(error, "message", _("You cannot open this case."))))
            else:
                messages.warning(
                    request,
                    _("You opened this case for %(hours)d hours. Every page you see is in the audit log.")
                    % {"hours": services.BREAK_GLASS_HOURS},
                )
                return redirect(_case_url(case.pk))
    return render(request, "cases/break_glass.html", {"form": form})


@login_required
@require_POST
def feedback_invite(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = FeedbackInviteForm(request.POST)
    if not form.is_valid():
        return _refused(request, view, ApplicationError(_("Choose who will answer.")), feedback_form=form)
    invitation, token = services.feedback_invite(
        acting=view.acting, case=view.case, respondent=form.cleaned_data["respondent"]
    )
    link = request.build_absolute_uri(reverse("cases:feedback_public", args=[token]))
    # Shown once, not redirected to: the secret is never stored, so it cannot be shown again.
    return render(
        request, "cases/feedback_link.html", {"case": view.case, "invitation": invitation, "link": link}
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_paper(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view_for_write(request, case_id)
    form = FeedbackPaperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        respondent = data.pop("respondent")
        try:
            services.feedback_record_paper(
                acting=view.acting,
                case=view.case,
                respondent=respondent,
                answers=data,
                language=get_language(),
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Thank you. The answers are counted without the child's name."))
            return redirect(_case_url(case_id, "feedback"))
    return render(
        request,
        "cases/feedback_paper.html",
        {"case": view.case, "form": form},
        status=400 if form.errors else 200,
    )


@public_page
@csrf_exempt
@same_site_posts
@never_cache
@require_http_methods(["GET", "POST"])
def feedback_public(request: HttpRequest, token: str) -> HttpResponse:
    """The survey the child or caregiver opens alone: no sign-in, no cookie, their language.

    Like the public report forms (decision 0002) it carries no CSRF cookie: the one-time link is
    the only key, it works once, and posts from another site are refused by their Origin.
    """
    invitation = selectors.feedback_invitation_open(token=token)
    if invitation is None:
        return render(request, "cases/feedback_closed.html", status=404)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(token=token, answers=form.cleaned_data, language=get_language())
        except ApplicationError:
            return render(request, "cases/feedback_closed.html", status=410)
        return render(request, "cases/feedback_thanks.html")
    return render(
        request,
        "cases/feedback_public.html",
        {"form": form, "for_child": invitation.respondent == Respondent.CHILD},
        status=400 if form.errors else 200,
    )


@login_required
def assessment_forms(request: HttpRequest) -> HttpResponse:
    """The agency's assessment forms: the version in use, earlier versions, and the default."""
    acting = _acting(request, CasePerm.FORMS_MANAGE)
    services.assessment_forms_default_install()
    language = get_language()
    rows = [
        (
            versions,
            localised(values=versions.in_use.title, language=language) if versions.in_use else versions.kind,
        )
        for versions in selectors.assessment_forms_of_agency(acting=acting)
    ]
    return render(request, "cases/assessment_forms.html", {"rows": rows})


@login_required
def assessment_form_version(request: HttpRequest, form_id: int) -> HttpResponse:
    """One version as a worker sees it, in each language, read-only."""
    acting = _acting(request, CasePerm.FORMS_MANAGE)
    version = selectors.assessment_form_version_get(acting=acting, form_id=form_id)
    previews = _form_previews(version.title, version.questions)
    return render(request, "cases/assessment_form_version.html", {"version": version, "previews": previews})


def _form_previews(title: dict[str, str], questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    previews = []
    for code, name in FORM_LANGUAGES:
        form = AssessmentAnswerForm(questions=questions, language=code, prefix=f"preview-{code}")
        for field in form.fields.values():
            field.disabled = True
        previews.append(
            {"code": code, "name": name, "title": localised(values=title, language=code), "form": form}
        )
    return previews


@login_required
@require_http_methods(["GET", "POST"])
def assessment_form_edit(request: HttpRequest, kind: str) -> HttpResponse:
    """Edit a copy of the form in use (the default until the agency publishes its own), preview it,
    and publish it as the agency's next version. Nothing is saved until it is published."""
    acting = _acting(request, CasePerm.FORMS_MANAGE)
    if kind not in AssessmentKind.values:
        raise Http404
    services.assessment_forms_default_install()
    in_use = selectors.assessment_form_current(kind=kind, agency_id=acting.agency_id)
    assert in_use is not None
    title_form = FormTitleForm(
        request.POST or None,
        initial={**FormTitleForm.initial_from(in_use.title), "preview_language": get_language()},
    )
    questions = formset_for(in_use.questions, request.POST or None)
    previews: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST":
        if title_form.is_valid() and questions.is_valid():
            draft = questions_from(questions)
            title = title_form.title()
            if request.POST.get("action") == "publish":
                try:
                    published = services.assessment_form_publish(
                        acting=acting, kind=kind, title=title, questions=draft
                    )
                except ApplicationError as error:
                    title_form.add_error(None, str(error.message))
                    status = 400
                else:
                    messages.success(
                        request,
                        _(
                            "Version %(version)d is published. New assessments use it; assessments "
                            "already recorded keep the version they answered."
                        )
                        % {"version": published.version},
                    )
                    return redirect("cases:assessment_forms")
            # A preview shows the draft as workers will see it, with two blank rows for more questions.
            language = title_form.cleaned_data.get("preview_language")
            previews = [p for p in _form_previews(title, draft) if not language or p["code"] == language]
            if status == 200:
                questions = formset_for(draft)
        else:
            status = 400
    return render(
        request,
        "cases/assessment_form_edit.html",
        {
            "kind": kind,
            "kind_label": dict(AssessmentKind.choices)[kind],
            "in_use": in_use,
            "title_form": title_form,
            "questions": questions,
            "previews": previews,
        },
        status=status,
    )
