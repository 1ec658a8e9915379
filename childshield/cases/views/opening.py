"""Opening a case, from nothing or from a report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.forms import CaseOpenForm
from childshield.cases.permissions import CasePerm
from childshield.cases.selectors.opening import (
    REPORT_HARMS,
    DuplicateCheck,
    child_named,
    report_for_case_opening,
)
from childshield.cases.selectors.options import agencies_for_referral, areas_for_cases, supervisors_in_agency
from childshield.cases.services.opening import CHILD_NOT_OPENABLE, ChildInput, case_open
from childshield.cases.views.case_page import case_url
from childshield.core.errors import ApplicationError
from childshield.core.ethnic_groups import ethnicity_choices


@staff_view(CasePerm.CASE_OPEN)
@require_http_methods(["GET", "POST"])
def case_open_view(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    country = acting.agency.country
    form = CaseOpenForm(
        request.POST or None,
        ethnic_groups=ethnicity_choices(country),
        areas=areas_for_cases(country=country),
        agencies=agencies_for_referral(acting=acting),
        supervisors=supervisors_in_agency(agency_id=acting.agency_id),
    )
    duplicates: DuplicateCheck | None = None
    reference = (request.POST.get("report") or request.GET.get("report") or "").strip()
    report = report_for_case_opening(acting=acting, reference=reference) if reference else None
    if report is not None and request.method == "GET":
        form.initial.update(
            summary=report.description,
            harm_types=[REPORT_HARMS[harm] for harm in report.harms if harm in REPORT_HARMS],
            risk_level="high" if report.is_urgent else "",
            gender={"girl": "girl", "boy": "boy"}.get(report.gender, "unknown"),
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = ChildInput(
            full_name=data["full_name"],
            area=data["area"],
            aliases=[alias for alias in data["aliases"].split(",") if alias.strip()],
            date_of_birth=data["date_of_birth"],
            estimated_age=data["estimated_age"],
            sex=data["sex"],
            gender=data["gender"],
            ethnicity=data["ethnicity"],
            disability=form.disability(),
            languages=data["languages"],
            school=data["school"],
            caregivers=[
                {
                    "name": data["caregiver_full_name"],
                    "relationship": data["caregiver_relationship"],
                    "phone": data["caregiver_phone"],
                }
            ]
            if data["caregiver_full_name"]
            else [],
            safe_contact=data["safe_contact"],
        )
        consent = form.consent_input() if data["record_consent"] else None
        # The service opens a case for a child already recorded only if the member may open one
        # of that child's cases; an unknown id is refused with the same words.
        existing_child = child_named(child_id=data["same_child"]) if data["same_child"] else None
        try:
            if data["same_child"] and existing_child is None:
                raise ApplicationError(CHILD_NOT_OPENABLE, code="forbidden")
            case = case_open(
                acting=acting,
                child=child,
                risk_level=data["risk_level"],
                harm_types=data["harm_types"],
                risk_reasons=data["risk_reasons"],
                summary=data["summary"],
                supervisor=data["supervisor"],
                consent=consent,
                existing_child=existing_child,
                duplicates_acknowledged=data["duplicates_acknowledged"] or data["ask_link"],
                ask_link=data["ask_link"],
                link_note=data["link_note"],
                source_report=report,
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
            found = error.extra.get("duplicates")
            duplicates = found if isinstance(found, DuplicateCheck) else None
        else:
            messages.success(request, _("Case %(number)s is open.") % {"number": case.number})
            return redirect(case_url(case.pk))
    return render(
        request,
        "cases/case_open.html",
        {"form": form, "duplicates": duplicates, "report": report},
        status=400 if form.errors else 200,
    )
