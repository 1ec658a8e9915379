"""Emergency access to a case one would not otherwise see."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.forms import BreakGlassForm
from childshield.cases.permissions import CasePerm
from childshield.cases.selectors.break_glass import breakable_case
from childshield.cases.selectors.options import agencies_active
from childshield.cases.services.break_glass import BREAK_GLASS_HOURS, break_glass_open
from childshield.cases.views.case_page import case_url
from childshield.core.errors import ApplicationError


@staff_view(CasePerm.BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def break_glass(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    form = BreakGlassForm(request.POST or None, agencies=agencies_active(country=None))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = breakable_case(
            acting=acting,
            number=data["number"],
            agency_id=data["opened_by"].pk if data["opened_by"] else None,
        )
        if case is None:
            form.add_error("number", _("No case with that number that you may open in an emergency."))
        else:
            try:
                break_glass_open(acting=acting, case=case, reason=data["reason"])
            except (ApplicationError, PermissionDenied) as error:
                form.add_error(None, str(getattr(error, "message", _("You cannot open this case."))))
            else:
                messages.warning(
                    request,
                    _("You opened this case for %(hours)d hours. Every page you see is in the audit log.")
                    % {"hours": BREAK_GLASS_HOURS},
                )
                return redirect(case_url(case.pk))
    return render(request, "cases/break_glass.html", {"form": form})
