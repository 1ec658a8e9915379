"""Requests to link a child's records: the supervisors' list and answer, and the worker's ask."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.forms import LinkAnswerForm, LinkAskForm
from childshield.cases.permissions import CasePerm
from childshield.cases.selectors.links import link_request_for_decision, link_requests_waiting
from childshield.cases.services.links import link_ask_from_case, link_request_accept, link_request_decline
from childshield.cases.views.case_page import case_for_write, case_refused, case_url
from childshield.core.errors import ApplicationError


@staff_view(CasePerm.CASE_SUPERVISE)
def link_requests(request: StaffRequest) -> HttpResponse:
    waiting = list(link_requests_waiting(acting=request.membership))
    return render(request, "cases/link_requests.html", {"waiting": waiting})


@staff_view(CasePerm.CASE_SUPERVISE)
@require_http_methods(["GET", "POST"])
def link_request_detail(request: StaffRequest, request_id: int) -> HttpResponse:
    decision = link_request_for_decision(acting=request.membership, request_id=request_id)
    form = LinkAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["answer"] == "accept":
                link_request_accept(acting=request.membership, request=decision.request)
                messages.success(
                    request, _("The records are linked: the other agency's case now concerns this child.")
                )
            else:
                link_request_decline(
                    acting=request.membership, request=decision.request, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("You declined. The worker who asked sees your reason."))
        except ApplicationError as error:
            form.add_error(None, str(error.message))
            status = 409 if error.code == "answered" else 400
        else:
            return redirect("cases:link_requests")
    elif request.method == "POST":
        status = 400
    return render(request, "cases/link_request.html", {"decision": decision, "form": form}, status=status)


@staff_view()
@require_POST
def case_link_ask(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = LinkAskForm(request.POST, prefix="link")
    if not form.is_valid():
        return case_refused(request, view, ApplicationError(_("Check what you wrote.")), link_form=form)
    try:
        link_ask_from_case(acting=view.acting, case=view.case, note=form.cleaned_data["note"])
    except ApplicationError as error:
        return case_refused(request, view, error, link_form=form)
    messages.success(
        request,
        _("Asked. A supervisor at the agency that knows a child with these details will answer here."),
    )
    return redirect(case_url(case_id, "links"))
