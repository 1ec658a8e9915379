"""Consent pages: recording consent, an emergency override and its confirmation, withdrawal."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.forms import ConsentForm, EmergencyOverrideForm, WithdrawForm
from childshield.cases.selectors.case_items import consent_get_for_case
from childshield.cases.selectors.options import agencies_for_referral
from childshield.cases.services.consent import (
    consent_emergency_confirm,
    consent_emergency_override,
    consent_record,
    consent_withdraw,
)
from childshield.cases.views.case_page import case_for_write, case_url
from childshield.core.errors import ApplicationError


@staff_view()
@require_http_methods(["GET", "POST"])
def consent_add(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = ConsentForm(request.POST or None, agencies=agencies_for_referral(acting=view.acting))
    if request.method == "POST" and form.is_valid():
        try:
            consent_record(acting=view.acting, case=view.case, consent=form.consent_input())
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect(case_url(case_id, "consent"))
    return render(
        request,
        "cases/consent_form.html",
        {"case": view.case, "form": form},
        status=400 if form.errors else 200,
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def consent_emergency(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = EmergencyOverrideForm(request.POST or None, agencies=agencies_for_referral(acting=view.acting))
    if request.method == "POST" and form.is_valid():
        try:
            consent = consent_emergency_override(
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
            return redirect(case_url(case_id, "consent"))
    return render(
        request,
        "cases/consent_emergency.html",
        {"case": view.case, "form": form},
        status=400 if form.errors else 200,
    )


@staff_view()
@require_POST
def consent_confirm(request: StaffRequest, case_id: int, consent_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    consent = consent_get_for_case(view=view, consent_id=consent_id)
    try:
        consent_emergency_confirm(acting=view.acting, consent=consent)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You confirmed the emergency override."))
    return redirect(case_url(case_id, "consent"))


@staff_view()
@require_POST
def consent_withdraw_view(request: StaffRequest, case_id: int, consent_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    consent = consent_get_for_case(view=view, consent_id=consent_id)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        consent_withdraw(acting=view.acting, consent=consent, reason=form.cleaned_data.get("reason", ""))
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The consent is withdrawn: nothing more will be shared on it."))
    return redirect(case_url(case_id, "consent"))
