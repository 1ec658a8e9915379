"""The worker's home and the case list."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.permissions import may
from childshield.cases.forms import CaseFilterForm
from childshield.cases.permissions import CasePerm
from childshield.cases.selectors.case_list import CaseFilters, case_list_page
from childshield.cases.selectors.home import worker_home
from childshield.cases.selectors.options import areas_for_cases


@staff_view(CasePerm.CASE_WORK)
def home(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    data = worker_home(acting=acting)
    return render(
        request,
        "cases/home.html",
        {"home": data, "today": timezone.localdate(), "breaks_glass": may(acting, CasePerm.BREAK_GLASS)},
    )


@staff_view(CasePerm.CASE_WORK)
@require_http_methods(["GET", "POST"])
def case_list(request: StaffRequest) -> HttpResponse:
    """The case list. A search by name is posted, never put in the address: addresses end up in
    browser history and server logs. Other filters also work as a link (?status=...)."""
    acting = request.membership
    data = request.POST.copy() if request.method == "POST" else request.GET.copy()
    if request.method == "GET":
        data.pop("child_name", None)
    page_number = data.pop("page", [None])[-1]
    form = CaseFilterForm(data or None, areas=areas_for_cases(country=acting.agency.country))
    filters = CaseFilters()
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        filters = CaseFilters(
            number=cleaned["number"],
            child_name=cleaned["child_name"],
            area_id=cleaned["area"].pk if cleaned["area"] else None,
            status=cleaned["status"],
            risk=cleaned["risk"],
            overdue=cleaned["overdue"],
        )
    listing = case_list_page(acting=acting, filters=filters, page_number=page_number)
    data.pop("csrfmiddlewaretoken", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "listing": listing,
            "query": "" if filters.child_name else data.urlencode(),
            "by_name": bool(filters.child_name),
            "today": timezone.localdate(),
        },
    )
