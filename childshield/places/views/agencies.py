"""Staff pages for setting agencies up: a new agency, or one changed, with the areas it serves (ticked
from its country's list, or typed by code). The list of agencies is accounts' page."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.models import Agency
from childshield.core.errors import ApplicationError
from childshield.places.forms import AgencyForm
from childshield.places.permissions import PlacesPerm
from childshield.places.selectors import (
    agency_area_choices,
    agency_get_for_setup,
    agency_served_areas,
    area_countries,
)
from childshield.places.services.agencies import AgencyDetails, agency_save
from childshield.places.views import show_refusal

# The button that lists another country's areas without saving anything.
SHOW_AREAS = "show_areas"


def _countries(agency: Agency | None) -> list[tuple[str, str]]:
    countries = [(area.country, f"{area.name} ({area.country})") for area in area_countries()]
    if agency is not None and agency.country not in {code for code, _name in countries}:
        countries.append((agency.country, agency.country))  # an agency of a country without areas yet
    return countries


def _shown_country(request: StaffRequest, agency: Agency | None, countries: list[tuple[str, str]]) -> str:
    """The country whose areas the list offers: the one chosen in the form, else the agency's, else ours."""
    known = [code for code, _name in countries]
    for candidate in (
        request.POST.get("country", ""),
        request.GET.get("country", ""),
        agency.country if agency else "",
        settings.CHILDSHIELD_COUNTRY,
    ):
        if candidate in known:
            return candidate
    return known[0] if known else ""


def _initial(agency: Agency | None, offered: set[str]) -> dict[str, Any]:
    if agency is None:
        return {"is_active": True}
    served = [area.code for area in agency_served_areas(agency=agency)]
    return {
        "name": agency.name,
        "kind": agency.kind,
        "country": agency.country,
        "short_code": agency.short_code,
        "on_call_phone": agency.on_call_phone,
        "is_active": agency.is_active,
        "areas": [code for code in served if code in offered],
        "area_codes": " ".join(code for code in served if code not in offered),
    }


def _as_initial(data: QueryDict) -> dict[str, Any]:
    """What was typed, to show again unvalidated (listing another country's areas saves nothing)."""
    return {
        **{
            key: data.get(key, "")
            for key in ("name", "kind", "country", "short_code", "on_call_phone", "area_codes")
        },
        "is_active": data.get("is_active") == "on",
        "areas": data.getlist("areas"),
    }


def _agency_page(request: StaffRequest, agency: Agency | None) -> HttpResponse:
    countries = _countries(agency)
    country = _shown_country(request, agency, countries)
    choices = agency_area_choices(country=country, language=get_language() or "en")
    offered = {area.code for area in choices}
    kwargs: dict[str, Any] = {"countries": countries, "area_choices": choices}
    if request.method != "POST":
        form = AgencyForm(initial={**_initial(agency, offered), "country": country}, **kwargs)
        return _render(request, agency, form, country)
    if SHOW_AREAS in request.POST:
        form = AgencyForm(initial=_as_initial(request.POST), **kwargs)
        return _render(request, agency, form, country)
    form = AgencyForm(request.POST, **kwargs)
    if form.is_valid():
        data = form.cleaned_data
        details = AgencyDetails(
            name=data["name"].strip(),
            kind=data["kind"],
            country=data["country"],
            short_code=data["short_code"],
            on_call_phone=data["on_call_phone"].strip(),
            is_active=data["is_active"],
        )
        try:
            saved = agency_save(
                actor=request.membership, agency=agency, details=details, area_codes=form.chosen_area_codes()
            )
        except ApplicationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("%(agency)s was saved.") % {"agency": saved.name})
            return HttpResponseRedirect(reverse("accounts:agencies"))
    return _render(request, agency, form, country, status=400)


def _render(
    request: StaffRequest, agency: Agency | None, form: AgencyForm, country: str, status: int = 200
) -> HttpResponse:
    context = {"agency": agency, "form": form, "country": country, "show_areas": SHOW_AREAS}
    return render(request, "places/agency_form.html", context, status=status)


@staff_view(PlacesPerm.AGENCIES_MANAGE)
@require_http_methods(["GET", "POST"])
def agency_new(request: StaffRequest) -> HttpResponse:
    return _agency_page(request, None)


@staff_view(PlacesPerm.AGENCIES_MANAGE)
@require_http_methods(["GET", "POST"])
def agency_edit(request: StaffRequest, agency_id: int) -> HttpResponse:
    return _agency_page(request, agency_get_for_setup(acting=request.membership, pk=agency_id))
