"""The helpline's CHI submission: its figures with exact counts, downloaded as a confidential CSV in the shape
of Child Helpline International's data framework (the version for publication is the insights app's)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.helpline import selectors
from childshield.helpline.figures import chi_period_parse
from childshield.helpline.permissions import HelplinePerm


@staff_view(HelplinePerm.FIGURES_EXPORT)
@require_GET
def figures(request: StaffRequest) -> HttpResponse:
    months, years = selectors.figures_periods(acting=request.membership)
    return render(request, "helpline/figures.html", {"months": months, "years": years})


@staff_view(HelplinePerm.FIGURES_EXPORT)
@require_GET
def figures_download(request: StaffRequest, period: str) -> HttpResponse:
    chosen = chi_period_parse(period)
    if chosen is None:
        raise Http404
    text = selectors.figures_export(acting=request.membership, period=chosen)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="helpline-figures-{chosen}-confidential.csv"'
    return response
