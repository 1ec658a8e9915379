"""Changing a case's details, moving it along the workflow, and recording who harmed the child."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.forms import CaseEditForm, PersonWhoHarmedForm, StatusChangeForm
from childshield.cases.selectors.options import supervisors_in_agency
from childshield.cases.services.details import case_supervisor_assign, case_update
from childshield.cases.services.people_who_harmed import person_who_harmed_add
from childshield.cases.services.status import case_status_change
from childshield.cases.views.case_page import case_for_write, case_refused, case_url
from childshield.core.errors import ApplicationError


@staff_view()
@require_http_methods(["GET", "POST"])
def case_edit(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
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
        supervisors=supervisors_in_agency(agency_id=case.agency_id).exclude(pk=case.lead_worker_id),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        supervisor = data.pop("supervisor")
        try:
            with transaction.atomic():
                case = case_update(acting=view.acting, case=case, **data)
                if supervisor != case.supervisor:
                    case = case_supervisor_assign(
                        acting=view.acting, case=case, version=case.version, supervisor=supervisor
                    )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
            status = 409 if error.code == "stale" else 400
        else:
            messages.success(request, _("The case is saved."))
            return redirect(case_url(case_id))
    return render(request, "cases/case_edit.html", {"case": case, "form": form}, status=status)


@staff_view()
@require_POST
def status_change(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            case_status_change(
                acting=view.acting,
                case=view.case,
                version=form.cleaned_data["version"],
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            return case_refused(request, view, error, status_form=form)
        messages.success(request, _("The case moved to the next step."))
        return redirect(case_url(case_id))
    return case_refused(request, view, ApplicationError(_("Choose a status.")), status_form=form)


@staff_view()
@require_POST
def person_who_harmed_add_view(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = PersonWhoHarmedForm(request.POST, prefix="harmer")
    if not form.is_valid():
        return case_refused(
            request, view, ApplicationError(_("Check the person who harmed.")), harmer_form=form
        )
    try:
        person = person_who_harmed_add(acting=view.acting, case=view.case, **form.cleaned_data)
    except ApplicationError as error:
        return case_refused(request, view, error, harmer_form=form)
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
    return redirect(case_url(case_id, "what-happened"))
