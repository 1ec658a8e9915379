"""A supervisor handing a case to another worker, and the new worker marking the notice read."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.forms import ReassignForm
from childshield.cases.permissions import CasePerm, may_supervise
from childshield.cases.selectors.options import case_workers_in_agency, supervisors_in_agency
from childshield.cases.services.assignments import case_handover_read, case_reassign
from childshield.cases.views.case_page import case_for_write, case_refused, case_url
from childshield.core.errors import ApplicationError


@staff_view()
@require_POST
def case_reassign_view(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    case = view.case
    if not may_supervise(view.acting, case):
        raise PermissionDenied(CasePerm.CASE_SUPERVISE)
    form = ReassignForm(
        request.POST,
        workers=case_workers_in_agency(agency_id=case.agency_id).exclude(pk=case.lead_worker_id),
        supervisors=supervisors_in_agency(agency_id=case.agency_id),
        prefix="reassign",
    )
    if not form.is_valid():
        return case_refused(request, view, ApplicationError(_("Check the handover.")), reassign_form=form)
    try:
        assignment = case_reassign(
            acting=view.acting,
            case=case,
            version=form.cleaned_data["version"],
            new_lead=form.cleaned_data["new_lead"],
            new_supervisor=form.cleaned_data["new_supervisor"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        return case_refused(request, view, error, reassign_form=form)
    messages.success(
        request,
        _("The case is now %(name)s's. They are told in the app and by e-mail.")
        % {"name": assignment.lead_worker.user.full_name},
    )
    # The supervisor keeps the case page when they still supervise it; otherwise they go home.
    if assignment.supervisor_id == view.acting.pk:
        return redirect(case_url(case_id, "history"))
    return redirect("cases:home")


@staff_view()
@require_POST
def handover_read(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    case_handover_read(acting=view.acting, case=view.case)
    return redirect("cases:home")
