"""Staff pages about places: the tree of administrative areas as of a chosen day."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.permissions import Perm
from childshield.places.forms import AreaListFilterForm
from childshield.places.selectors import area_countries, area_trees


@staff_view(Perm.PLACES_VIEW)
@require_GET
def area_list(request: StaffRequest) -> HttpResponse:
    countries = [(area.country, area.name) for area in area_countries()]
    on = timezone.localdate()
    form = AreaListFilterForm(request.GET or None, countries=countries, initial={"on": on})
    country = None
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"] or on
        country = form.cleaned_data["country"] or None
    context = {"form": form, "on": on, "trees": area_trees(country=country, on=on)}
    return render(request, "places/area_list.html", context)
