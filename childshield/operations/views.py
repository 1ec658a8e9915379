"""Pages of data-subject requests, for system administrators: the list, a new request, the identity
check, finding the person, the export of what is held (a page to print and JSON), the answer, the
refusal and the erasure. URLs carry the request's id only, never a name, a code or a case number."""

import json

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.core.errors import ApplicationError
from childshield.operations import selectors, subject_requests
from childshield.operations.forms import (
    AnswerForm,
    IdentityForm,
    RefusalForm,
    SubjectChoiceForm,
    SubjectRequestForm,
    SubjectSearchForm,
)
from childshield.operations.models import SubjectRequest, SubjectRequestKind
from childshield.operations.permissions import OperationsPerm
from childshield.operations.subject_exports import Export
from childshield.operations.subject_lookup import subject_label
from childshield.operations.subject_request_terms import terms

PERM = OperationsPerm.SUBJECT_REQUESTS


def _to_detail(request: SubjectRequest) -> HttpResponse:
    return redirect("operations:subject_request_detail", pk=request.pk)


@staff_view(PERM)
@require_GET
def subject_request_list(request: StaffRequest) -> HttpResponse:
    rows = list(selectors.subject_request_list(acting=request.membership)[:200])
    context = {"rows": rows, "now": timezone.now()}
    return render(request, "operations/subject_request_list.html", context)


@staff_view(PERM)
@require_http_methods(["GET", "POST"])
def subject_request_add(request: StaffRequest) -> HttpResponse:
    form = SubjectRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = subject_requests.subject_request_create(
                acting=request.membership, data=form.request_input()
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The request was recorded. Check the requester's identity next."))
            return _to_detail(made)
    periods = [(SubjectRequestKind(kind).label, term) for kind, term in terms().period_basis.items()]
    return render(request, "operations/subject_request_form.html", {"form": form, "periods": periods})


@staff_view(PERM)
@require_GET
def subject_request_detail(request: StaffRequest, pk: int) -> HttpResponse:
    subject_request = selectors.subject_request_get(acting=request.membership, pk=pk)
    context = {
        "subject_request": subject_request,
        "subject": subject_label(subject_request),
        "history": list(selectors.subject_request_history(request=subject_request)),
        "answer_form": AnswerForm(),
        "refusal_form": RefusalForm(),
        "is_erasure": subject_request.kind == SubjectRequestKind.ERASURE,
        "period": terms().period_basis[subject_request.kind],
        "now": timezone.now(),
    }
    return render(request, "operations/subject_request_detail.html", context)


@staff_view(PERM)
@require_http_methods(["GET", "POST"])
def subject_request_identity(request: StaffRequest, pk: int) -> HttpResponse:
    subject_request = selectors.subject_request_get(acting=request.membership, pk=pk)
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subject_requests.subject_request_identity_record(
                acting=request.membership,
                request=subject_request,
                document=data["document"],
                checked_by=data["checked_by"],
                checked_at=data["checked_at"],
                note=data["note"],
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The identity check was recorded."))
            return _to_detail(subject_request)
    context = {"subject_request": subject_request, "form": form}
    return render(request, "operations/subject_request_identity.html", context)


def _choose(request: StaffRequest, subject_request: SubjectRequest) -> HttpResponse:
    choice = SubjectChoiceForm(request.POST)
    if not choice.is_valid():
        messages.error(request, _("Choose one of the people found."))
        return redirect("operations:subject_request_find", pk=subject_request.pk)
    record_id, part = choice.chosen()
    try:
        subject_requests.subject_request_subject_set(
            acting=request.membership,
            request=subject_request,
            kind=choice.cleaned_data["kind"],
            record_id=record_id,
            part=part,
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("operations:subject_request_find", pk=subject_request.pk)
    messages.success(request, _("The person the request is about was recorded."))
    return _to_detail(subject_request)


@staff_view(PERM)
@require_http_methods(["GET", "POST"])
def subject_request_find(request: StaffRequest, pk: int) -> HttpResponse:
    """Look the person up (a POST, so what was typed stays out of the URL and the logs), then choose
    one of those found. The search form is shown empty again: a case number typed for a person who
    harmed is not written back on the page."""
    subject_request = selectors.subject_request_get(acting=request.membership, pk=pk)
    if request.method == "POST" and "candidate" in request.POST:
        return _choose(request, subject_request)
    form = SubjectSearchForm(request.POST or None)
    found = None
    kind = ""
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            found = subject_requests.subject_candidates(
                acting=request.membership,
                request=subject_request,
                kind=kind,
                query=form.cleaned_data["query"],
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            form = SubjectSearchForm(initial={"kind": kind})
    context = {"subject_request": subject_request, "form": form, "found": found, "kind": kind}
    return render(request, "operations/subject_request_find.html", context)


def _export(request: StaffRequest, pk: int, form: str) -> tuple[SubjectRequest, Export | None, str]:
    """The request, and what is held (its reading audited), or why nothing may be shown yet."""
    subject_request = selectors.subject_request_get(acting=request.membership, pk=pk)
    try:
        export = subject_requests.subject_export(
            acting=request.membership, request=subject_request, form=form
        )
    except ApplicationError as error:
        return subject_request, None, str(error.message)
    return subject_request, export, ""


@staff_view(PERM)
@require_GET
def subject_request_export(request: StaffRequest, pk: int) -> HttpResponse:
    """What is held about the person, decrypted, as a page to print."""
    subject_request, export, refusal = _export(request, pk, "page")
    if export is None:
        messages.error(request, refusal)
        return _to_detail(subject_request)
    context = {"subject_request": subject_request, "export": export, "now": timezone.now()}
    return render(request, "operations/subject_request_export.html", context)


@staff_view(PERM)
@require_GET
def subject_request_export_json(request: StaffRequest, pk: int) -> HttpResponse:
    """The same, as a JSON file to send."""
    subject_request, export, refusal = _export(request, pk, "json")
    if export is None:
        return JsonResponse({"detail": refusal}, status=409)
    response = HttpResponse(
        json.dumps(export.as_json(), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="subject-request-{subject_request.pk}.json"'
    return response


@staff_view(PERM)
@require_POST
def subject_request_answer(request: StaffRequest, pk: int) -> HttpResponse:
    subject_request = selectors.subject_request_get(acting=request.membership, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what was sent, corrected or erased."))
        return _to_detail(subject_request)
    try:
        subject_requests.subject_request_answer(
            acting=request.membership, request=subject_request, note=form.cleaned_data["note"]
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The request is answered."))
    return _to_detail(subject_request)


@staff_view(PERM)
@require_POST
def subject_request_refuse(request: StaffRequest, pk: int) -> HttpResponse:
    subject_request = selectors.subject_request_get(acting=request.membership, pk=pk)
    form = RefusalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the reason for refusing."))
        return _to_detail(subject_request)
    try:
        subject_requests.subject_request_refuse(
            acting=request.membership,
            request=subject_request,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The request is refused."))
    return _to_detail(subject_request)


@staff_view(PERM)
@require_POST
def subject_request_erase(request: StaffRequest, pk: int) -> HttpResponse:
    subject_request = selectors.subject_request_get(acting=request.membership, pk=pk)
    try:
        outcome = subject_requests.subject_request_erase(acting=request.membership, request=subject_request)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        if outcome.erased:
            messages.success(request, _("Erased, and journalled for a restore."))
        else:
            messages.warning(request, _("The erasure is refused: the reason is on the request."))
    return _to_detail(subject_request)
