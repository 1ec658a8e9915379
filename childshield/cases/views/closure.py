"""Closing a case: the request with its checklist, the supervisor's list of closures waiting, the
review where they approve or send back, and reopening."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.assessment_forms import CHILD_WISHES
from childshield.cases.forms import ClosureApproveForm, ClosureForm, ClosureSendBackForm, ReopenForm
from childshield.cases.models.closure import ClosureWarning
from childshield.cases.permissions import CasePerm
from childshield.cases.selectors.case_items import services_open
from childshield.cases.selectors.closure import (
    ClosureReview,
    closure_decision_case,
    closure_review_get,
    closures_waiting_page,
)
from childshield.cases.services.closure import (
    case_closure_approve,
    case_closure_request,
    case_closure_send_back,
    case_closure_sent_back_read,
    case_reopen,
)
from childshield.cases.views.case_page import assessment_answer_rows, case_for_write, case_refused, case_url
from childshield.cases.workflow import CLOSURE_CHECKLIST
from childshield.core.errors import ApplicationError
from childshield.places.models import localised

# Refusals that mean "the case or the request moved on since you opened the page".
_CONFLICTS = {"stale", "decided"}


@staff_view()
@require_http_methods(["GET", "POST"])
def case_close_view(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    case = view.case
    form = ClosureForm(request.POST or None, initial={"version": case.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            case = case_closure_request(
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
            messages.success(request, _("Closure requested: the supervisor will review and approve it."))
            return redirect(case_url(case_id))
    return render(
        request,
        "cases/case_close.html",
        {"case": case, "form": form, "open_services": services_open(case=case)},
        status=status,
    )


@staff_view(CasePerm.CASE_SUPERVISE)
def closures_waiting(request: StaffRequest) -> HttpResponse:
    """The supervisor's closures waiting for a decision, the longest waiting first."""
    waiting = closures_waiting_page(acting=request.membership)
    return render(request, "cases/closures_waiting.html", {"waiting": waiting})


def _review_page(
    request: StaffRequest,
    review: ClosureReview,
    *,
    refused: str = "",
    refused_form: str = "",
    reason: str = "",
    status: int = 200,
) -> HttpResponse:
    """The review as it stands now. After a refusal the forms carry the case's current version and
    warnings (the page shows them again, to be read before deciding), what was typed, and the error
    by the form it came from (`refused_form`: "approve" or "send_back")."""
    case = review.view.case
    language = get_language()
    warning_labels = dict(ClosureWarning.choices)
    context: dict[str, Any] = {
        "case": case,
        "child": case.child,
        "review": review,
        "refused": refused,
        "refused_form": refused_form,
        "now": timezone.now(),
        "today": timezone.localdate(),
        "warnings": [(code, warning_labels[code]) for code in review.warnings],
        "approve_form": ClosureApproveForm(
            initial={"version": case.version, "warnings": ",".join(review.warnings)}
        ),
        "send_back_form": ClosureSendBackForm(initial={"version": case.version, "reason": reason}),
        "assessment_rows": [
            (assessment, assessment_answer_rows(assessment.form.questions, assessment.answers))
            for assessment in review.latest_assessments
        ],
    }
    if review.waiting is not None:
        context["checklist"] = [
            (label, bool(review.waiting.checklist.get(key))) for key, label in CLOSURE_CHECKLIST
        ]
    if review.child_wishes is not None:
        question = next(
            (q for q in review.child_wishes.assessment.form.questions if q["key"] == CHILD_WISHES), None
        )
        context["wishes_question"] = localised(
            values=question["label"] if question else {}, language=language
        )
    return render(request, "cases/closure_review.html", context, status=status)


@staff_view()
def closure_review(request: StaffRequest, case_id: int) -> HttpResponse:
    """What the supervisor reads before deciding: the request, the warnings, the child's wishes."""
    return _review_page(request, closure_review_get(acting=request.membership, case_id=case_id))


def _refused(
    request: StaffRequest, case_id: int, error: ApplicationError, *, form: str, reason: str = ""
) -> HttpResponse:
    """The review again, as it stands now, with the error and what the supervisor typed."""
    review = closure_review_get(acting=request.membership, case_id=case_id)
    status = 409 if error.code in _CONFLICTS else 400
    return _review_page(
        request, review, refused=str(error.message), refused_form=form, reason=reason, status=status
    )


@staff_view()
@require_POST
def case_close_approve(request: StaffRequest, case_id: int) -> HttpResponse:
    view = closure_decision_case(acting=request.membership, case_id=case_id)
    form = ClosureApproveForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Reload the case and try again."))
        case_closure_approve(
            acting=view.acting,
            case=view.case,
            version=form.cleaned_data["version"],
            acknowledged=form.acknowledged(),
        )
    except ApplicationError as error:
        return _refused(request, case_id, error, form="approve")
    messages.success(request, _("You approved the closure. The case is closed."))
    return redirect(case_url(case_id))


@staff_view()
@require_POST
def closure_send_back(request: StaffRequest, case_id: int) -> HttpResponse:
    view = closure_decision_case(acting=request.membership, case_id=case_id)
    form = ClosureSendBackForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Say why the closure is sent back: the worker reads it."))
        case_closure_send_back(
            acting=view.acting,
            case=view.case,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as error:
        return _refused(request, case_id, error, form="send_back", reason=request.POST.get("reason", ""))
    messages.success(request, _("You sent the closure back. The lead worker sees your reason."))
    return redirect("cases:closures_waiting")


@staff_view()
@require_POST
def closure_sent_back_read(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    case_closure_sent_back_read(acting=view.acting, case=view.case)
    return redirect("cases:home")


@staff_view()
@require_POST
def case_reopen_view(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return case_refused(
            request, view, ApplicationError(_("Say why the case is reopened.")), reopen_form=form
        )
    try:
        case_reopen(acting=view.acting, case=view.case, **form.cleaned_data)
    except ApplicationError as error:
        return case_refused(request, view, error, reopen_form=form)
    messages.success(request, _("The case is open again."))
    return redirect(case_url(case_id))
