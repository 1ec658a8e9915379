"""Staff pages for helpline numbers: every number by country in its order, one added or changed
(names and hours in each language, free or not, channels, in use or not), moved up or down."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.core.errors import ApplicationError
from childshield.places.forms import HELPLINE_FORM_FIELDS, HelplineNumberForm
from childshield.places.models import HelplineNumber
from childshield.places.permissions import PlacesPerm
from childshield.places.selectors import (
    area_countries,
    helpline_number_get_for_setup,
    helpline_numbers_for_setup,
)
from childshield.places.services.helplines import (
    HelplineNumberData,
    helpline_number_move,
    helpline_number_save,
)
from childshield.places.views import show_refusal

_FIELDS = HELPLINE_FORM_FIELDS


def _countries(helpline: HelplineNumber | None) -> list[tuple[str, str]]:
    countries = [(area.country, f"{area.name} ({area.country})") for area in area_countries()]
    if helpline is not None and helpline.country not in {code for code, _name in countries}:
        countries.append((helpline.country, helpline.country))
    return countries


@staff_view(PlacesPerm.HELPLINES_MANAGE)
@require_GET
def helpline_list(request: StaffRequest) -> HttpResponse:
    numbers = list(helpline_numbers_for_setup(acting=request.membership))
    by_country: dict[str, list[HelplineNumber]] = {}
    for number in numbers:
        by_country.setdefault(number.country, []).append(number)
    return render(request, "places/helpline_list.html", {"by_country": by_country})


def _helpline_page(request: StaffRequest, helpline: HelplineNumber | None) -> HttpResponse:
    countries = _countries(helpline)
    initial = {name: getattr(helpline, name) for name in _FIELDS} if helpline else {"is_active": True}
    if request.method != "POST":
        form = HelplineNumberForm(initial=initial, countries=countries)
        return render(request, "places/helpline_form.html", {"form": form, "helpline": helpline})
    form = HelplineNumberForm(request.POST, initial=initial, countries=countries)
    if form.is_valid():
        data = HelplineNumberData(**{name: form.cleaned_data[name] for name in _FIELDS})
        try:
            helpline_number_save(actor=request.membership, helpline=helpline, data=data)
        except ApplicationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("The helpline number %(number)s was saved.") % {"number": data.number}
            )
            return HttpResponseRedirect(reverse("places:helpline_list"))
    return render(request, "places/helpline_form.html", {"form": form, "helpline": helpline}, status=400)


@staff_view(PlacesPerm.HELPLINES_MANAGE)
@require_http_methods(["GET", "POST"])
def helpline_new(request: StaffRequest) -> HttpResponse:
    return _helpline_page(request, None)


@staff_view(PlacesPerm.HELPLINES_MANAGE)
@require_http_methods(["GET", "POST"])
def helpline_edit(request: StaffRequest, helpline_id: int) -> HttpResponse:
    return _helpline_page(request, helpline_number_get_for_setup(acting=request.membership, pk=helpline_id))


@staff_view(PlacesPerm.HELPLINES_MANAGE)
@require_POST
def helpline_move(request: StaffRequest, helpline_id: int) -> HttpResponse:
    helpline = helpline_number_get_for_setup(acting=request.membership, pk=helpline_id)
    direction = request.POST.get("direction", "")
    if direction not in {"up", "down"}:
        messages.error(request, _("Choose to move the number up or down."))
    elif helpline_number_move(actor=request.membership, helpline=helpline, up=direction == "up"):
        messages.success(request, _("%(number)s was moved.") % {"number": helpline.number})
    else:
        messages.error(
            request, _("%(number)s is already at that end of the list.") % {"number": helpline.number}
        )
    return HttpResponseRedirect(reverse("places:helpline_list") + f"#helpline-{helpline.pk}")
