"""The service plan's pages: services added and updated, follow-ups planned and done."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.forms import (
    FollowUpDoneForm,
    FollowUpForm,
    ServiceAddForm,
    ServiceProviderForm,
    ServiceUpdateForm,
)
from childshield.cases.selectors.case_items import follow_up_get_for_case, service_get_for_case
from childshield.cases.selectors.options import (
    agencies_active,
    case_assignees,
    consents_usable,
    directory_services,
)
from childshield.cases.services.follow_ups import followup_add, followup_complete
from childshield.cases.services.plan import service_add, service_provider_set, service_update
from childshield.cases.views.case_page import case_for_write, case_refused, case_url
from childshield.core.errors import ApplicationError


@staff_view()
@require_POST
def service_add_view(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = ServiceAddForm(
        request.POST,
        agencies=agencies_active(country=view.case.agency.country),
        resources=directory_services(acting=view.acting, case=view.case),
    )
    if not form.is_valid():
        return case_refused(request, view, ApplicationError(_("Check the service.")), service_form=form)
    try:
        service_add(acting=view.acting, case=view.case, **form.cleaned_data)
    except ApplicationError as error:
        return case_refused(request, view, error, service_form=form)
    messages.success(request, _("The service is added to the plan."))
    return redirect(case_url(case_id, "services"))


@staff_view()
@require_POST
def service_update_view(request: StaffRequest, case_id: int, service_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    service = service_get_for_case(view=view, service_id=service_id)
    form = ServiceUpdateForm(request.POST, prefix=f"service-{service.pk}")
    if not form.is_valid():
        error = ApplicationError(_("Check the service."))
        return case_refused(request, view, error, service_update_form=form, service_id=service.pk)
    try:
        service_update(acting=view.acting, service=service, **form.cleaned_data)
    except ApplicationError as error:
        return case_refused(request, view, error, service_update_form=form, service_id=service.pk)
    messages.success(request, _("The service is saved."))
    return redirect(case_url(case_id, "services"))


@staff_view()
@require_POST
def service_provider_view(request: StaffRequest, case_id: int, service_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    service = service_get_for_case(view=view, service_id=service_id)
    form = ServiceProviderForm(
        request.POST,
        prefix=f"provider-{service.pk}",
        agencies=agencies_active(country=view.case.agency.country),
        resources=directory_services(acting=view.acting, case=view.case),
        consents=consents_usable(case=view.case),
    )
    if not form.is_valid():
        error = ApplicationError(_("Check the service's provider."))
        return case_refused(request, view, error, service_provider_form=form, service_id=service.pk)
    try:
        request_sent = service_provider_set(acting=view.acting, service=service, **form.cleaned_data)
    except ApplicationError as error:
        return case_refused(request, view, error, service_provider_form=form, service_id=service.pk)
    if request_sent is not None:
        messages.success(
            request,
            _("%(agency)s is asked to provide the service; its answer will show here.")
            % {"agency": request_sent.to_agency.name},
        )
    else:
        messages.success(request, _("The service's provider is saved."))
    return redirect(case_url(case_id, "services"))


@staff_view()
@require_POST
def follow_up_add(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = FollowUpForm(request.POST, assignees=case_assignees(case=view.case))
    if not form.is_valid():
        return case_refused(request, view, ApplicationError(_("Check the follow-up.")), follow_up_form=form)
    try:
        followup_add(acting=view.acting, case=view.case, **form.cleaned_data)
    except ApplicationError as error:
        return case_refused(request, view, error, follow_up_form=form)
    messages.success(request, _("The follow-up is planned."))
    return redirect(case_url(case_id, "follow-ups"))


@staff_view()
@require_POST
def follow_up_done(request: StaffRequest, case_id: int, follow_up_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    follow_up = follow_up_get_for_case(view=view, follow_up_id=follow_up_id)
    form = FollowUpDoneForm(request.POST, prefix=f"follow-up-{follow_up.pk}")
    form.is_valid()
    try:
        followup_complete(
            acting=view.acting, follow_up=follow_up, outcome=form.cleaned_data.get("outcome", "")
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The follow-up is done."))
    return redirect(case_url(case_id, "follow-ups"))
