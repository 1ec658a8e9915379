"""Staff pages of posters: the posters made, one made for a school or commune, and its printable page
(A4 or A3, in its language: a QR code to the report form at the poster's short address, the address
printed beside it, and the country's helpline number)."""

import segno
from django import forms
from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.core.errors import ApplicationError
from childshield.intake.models import SourceLinkKind
from childshield.learning.models import Poster
from childshield.learning.models.posters import Paper, PosterLanguage
from childshield.learning.permissions import LearningPerm
from childshield.learning.poster_selectors import poster_get_for, posters_for
from childshield.learning.services.posters import POSTER_KINDS, PosterInput, poster_make
from childshield.places.selectors import helplines_for_country


class PosterForm(forms.Form):
    place_name = forms.CharField(
        label=_("Name of the school or campaign"),
        max_length=200,
        help_text=_("How the figures name it, e.g. Kim Thuy lower secondary school."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(kind.value, kind.label) for kind in SourceLinkKind if kind in POSTER_KINDS],
        widget=forms.RadioSelect,
        initial=SourceLinkKind.SCHOOL,
    )
    area_code = forms.CharField(
        label=_("Code of the commune (or district, province)"),
        max_length=40,
        help_text=_("As on the areas page, e.g. VN26734."),
    )
    language = forms.ChoiceField(label=_("Language of the poster"), choices=PosterLanguage.choices)
    paper = forms.ChoiceField(
        label=_("Paper"), choices=Paper.choices, widget=forms.RadioSelect, initial=Paper.A4
    )


@staff_view(LearningPerm.POSTERS_MAKE)
@require_GET
def poster_list(request: StaffRequest) -> HttpResponse:
    posters = list(posters_for(actor=request.membership)[:200])
    return render(request, "learning/posters/poster_list.html", {"posters": posters})


@staff_view(LearningPerm.POSTERS_MAKE)
@require_http_methods(["GET", "POST"])
def poster_new(request: StaffRequest) -> HttpResponse:
    if request.method != "POST":
        form = PosterForm(initial={"language": translation.get_language() or PosterLanguage.VI})
        return render(request, "learning/posters/poster_form.html", {"form": form})
    form = PosterForm(request.POST)
    if form.is_valid():
        try:
            poster = poster_make(actor=request.membership, data=PosterInput(**form.cleaned_data))
        except ApplicationError as error:
            # Beside the field it names; everything typed stays on the form.
            field = str(error.extra.get("field", ""))
            form.add_error(field if field in form.fields else None, str(error.message))
        else:
            return HttpResponseRedirect(reverse("learning:poster_print", args=[poster.pk]))
    return render(request, "learning/posters/poster_form.html", {"form": form}, status=400)


def poster_short_address(request: StaffRequest, poster: Poster) -> str:
    """The poster's short address, in its language: SITE_URL's host when set, else this request's."""
    with translation.override(poster.language):
        path = reverse("public:short_link", kwargs={"code": poster.link.code})
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL else request.build_absolute_uri(path)


def poster_qr_svg(address: str) -> str:
    """The QR code as inline SVG, sized by the print stylesheet (error correction M: a poster gets
    scuffed and folded)."""
    return str(segno.make(address, error="m", micro=False).svg_inline(scale=4, border=4, omitsize=True))


@staff_view(LearningPerm.POSTERS_MAKE)
@require_GET
@never_cache
def poster_print(request: StaffRequest, pk: int) -> HttpResponse:
    poster = poster_get_for(actor=request.membership, pk=pk)
    address = poster_short_address(request, poster)
    context = {
        "poster": poster,
        "address": address,
        "address_shown": address.split("://", 1)[-1],
        "qr_svg": poster_qr_svg(address),
        "helplines": list(helplines_for_country(country=poster.link.country)[:2]),
        "library_path": f"/{poster.language}/learn/?from={poster.link.code}",
    }
    return render(request, "learning/posters/poster_print.html", context)
