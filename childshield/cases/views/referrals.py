"""Referral pages: sending one from a case, the inbox of those received, answering one, and reading
the news of one's own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.models import Membership
from childshield.cases.deadlines import deadline_of
from childshield.cases.forms import ReferralAcceptForm, ReferralDeclineForm, ReferralForm
from childshield.cases.models import Referral
from childshield.cases.models.consent import ShareSection
from childshield.cases.permissions import CasePerm
from childshield.cases.selectors.options import agencies_for_referral, consents_usable, supervisors_in_agency
from childshield.cases.selectors.referral_rows import referral_rows
from childshield.cases.selectors.referrals import (
    referral_get_incoming,
    referral_read,
    referrals_answered,
    referrals_waiting,
)
from childshield.cases.services.referrals import (
    referral_accept,
    referral_complete,
    referral_decline,
    referral_send,
    referral_updates_read,
)
from childshield.cases.views.case_page import case_for_write, case_url
from childshield.core.errors import ApplicationError


@staff_view()
@require_http_methods(["GET", "POST"])
def referral_send_view(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = ReferralForm(
        request.POST or None,
        agencies=agencies_for_referral(acting=view.acting),
        consents=consents_usable(case=view.case),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = referral_send(
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
            return redirect(case_url(case_id, "referrals"))
    return render(
        request,
        "cases/referral_form.html",
        {"case": view.case, "form": form},
        status=400 if form.errors else 200,
    )


@staff_view(CasePerm.REFERRAL_RESPOND)
def referral_inbox(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    now = timezone.now()
    return render(
        request,
        "cases/referral_inbox.html",
        {
            "waiting": referral_rows(referrals_waiting(acting=acting), now=now),
            "answered": referral_rows(referrals_answered(acting=acting), now=now),
        },
    )


def _referral_context(acting: Membership, referral: Referral, **forms: Any) -> dict[str, Any]:
    shares_profile = ShareSection.PROFILE in referral.sections
    return {
        "referral": referral,
        "deadline": deadline_of(referral, now=timezone.now()),
        "shares_profile": shares_profile,
        "age": referral.case.child.age_on(timezone.localdate()) if shares_profile else None,
        "accept_form": forms.get("accept_form")
        or ReferralAcceptForm(supervisors=supervisors_in_agency(agency_id=acting.agency_id)),
        "decline_form": forms.get("decline_form") or ReferralDeclineForm(),
    }


@staff_view(CasePerm.REFERRAL_RESPOND)
@require_http_methods(["GET", "POST"])
def referral_detail(request: StaffRequest, referral_id: int) -> HttpResponse:
    acting = request.membership
    if request.method == "GET":
        referral = referral_read(acting=acting, referral_id=referral_id)
        return render(request, "cases/referral_detail.html", _referral_context(acting, referral))
    referral = referral_get_incoming(acting=acting, referral_id=referral_id)
    answer = request.POST.get("answer")
    try:
        if answer == "accept":
            accept_form = ReferralAcceptForm(
                request.POST, supervisors=supervisors_in_agency(agency_id=acting.agency_id)
            )
            if not accept_form.is_valid():
                raise ApplicationError(_("Choose a supervisor from your agency."))
            referral_accept(
                acting=acting, referral=referral, supervisor=accept_form.cleaned_data["supervisor"]
            )
            messages.success(request, _("You accepted the referral."))
            return redirect(case_url(referral.case_id))
        if answer == "decline":
            decline_form = ReferralDeclineForm(request.POST)
            if not decline_form.is_valid():
                raise ApplicationError(
                    _("Say why you decline, so the sender can find another service for the child.")
                )
            referral_decline(acting=acting, referral=referral, reason=decline_form.cleaned_data["reason"])
            messages.success(request, _("You declined the referral. The sender is told."))
            return redirect("cases:referral_inbox")
        if answer == "complete":
            referral_complete(acting=acting, referral=referral)
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


@staff_view(CasePerm.CASE_WORK)
@require_POST
def updates_read(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    referral_updates_read(acting=acting)
    return redirect("cases:home")
