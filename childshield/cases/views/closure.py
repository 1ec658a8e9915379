"""Closing a case: the request with its checklist, the supervisor's approval, and reopening."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.forms import ClosureForm, ReopenForm, VersionForm
from childshield.cases.selectors.case_items import services_open
from childshield.cases.services.closure import case_close, case_closure_request, case_reopen
from childshield.cases.views.case_page import case_for_write, case_refused, case_url
from childshield.core.errors import ApplicationError


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
            if case.is_closed:
                messages.success(request, _("The case is closed."))
            else:
                messages.success(request, _("Closure requested: the supervisor will review and approve it."))
            return redirect(case_url(case_id))
    return render(
        request,
        "cases/case_close.html",
        {"case": case, "form": form, "open_services": services_open(case=case)},
        status=status,
    )


@staff_view()
@require_POST
def case_close_approve(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Reload the case and try again."))
        case_close(acting=view.acting, case=view.case, version=form.cleaned_data["version"])
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You approved the closure. The case is closed."))
    return redirect(case_url(case_id))


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
