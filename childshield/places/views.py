"""Staff pages about places: the tree of administrative areas as of a chosen day."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from childshield.accounts.permissions import Perm, require
from childshield.places.forms import AreaListFilterForm
from childshield.places.selectors import area_countries, area_trees


@login_required
@require_GET
def area_list(request: HttpRequest) -> HttpResponse:
    require(request.membership, Perm.PLACES_VIEW)  # type: ignore[attr-defined]
    countries = [(area.country, area.name) for area in area_countries()]
    on = timezone.localdate()
    form = AreaListFilterForm(request.GET or None, countries=countries, initial={"on": on})
    country = None
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"] or on
        country = form.cleaned_data["country"] or None
    context = {"form": form, "on": on, "trees": area_trees(country=country, on=on)}
    return render(request, "places/area_list.html", context)
