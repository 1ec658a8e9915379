"""Figures for the programme: counts, small cells suppressed, nothing listed (children's feedback, the
helplines' CHI figures for publication)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.models.feedback import FeedbackAnswer
from childshield.core.periods import Period
from childshield.helpline.figures import chi_period_parse
from childshield.insights import selectors
from childshield.insights.agency import agency_export, agency_figures
from childshield.insights.figures import releases
from childshield.insights.figures.dashboard import indicator_export, indicator_figures
from childshield.insights.permissions import InsightsPerm


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    this_year = timezone.localdate().year
    if text.isdigit() and 2000 <= int(text) <= this_year:
        return int(text)
    return this_year


@staff_view(InsightsPerm.FEEDBACK_VIEW)
@require_GET
def feedback(request: StaffRequest) -> HttpResponse:
    figures = selectors.feedback_figures(acting=request.membership, year=_year(request))
    return render(request, "insights/feedback.html", {"figures": figures, "answers": FeedbackAnswer.choices})


@staff_view(InsightsPerm.HELPLINE_FIGURES_VIEW)
@require_GET
def helpline_figures(request: StaffRequest) -> HttpResponse:
    offer = selectors.helpline_figures_offer(acting=request.membership)
    return render(request, "insights/helpline_figures.html", {"offer": offer})


@staff_view(InsightsPerm.HELPLINE_FIGURES_VIEW)
@require_GET
def helpline_figures_download(request: StaffRequest, period: str) -> HttpResponse:
    chosen = chi_period_parse(period)
    if chosen is None:
        raise Http404
    text = selectors.helpline_figures_published(acting=request.membership, period=chosen)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="helpline-figures-{chosen}-published.csv"'
    return response


@staff_view(InsightsPerm.INDICATORS_VIEW)
@require_GET
def indicators(request: StaffRequest) -> HttpResponse:
    """The programme's indicators for a period and a place; a period that cannot be read is this year."""
    period = Period.parse(request.GET.get("period", "")) or Period(year=timezone.localdate().year)
    figures = indicator_figures(
        acting=request.membership, period=period, province_code=request.GET.get("province", "")[:20]
    )
    return render(request, "insights/indicators.html", {"figures": figures})


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@staff_view(InsightsPerm.INDICATORS_VIEW)
@require_GET
def indicators_download(request: StaffRequest, as_format: str) -> HttpResponse:
    """The page's tables as a file for publication (CSV or XLSX), as suppressed as the page."""
    if as_format not in EXPORT_TYPES:
        raise Http404
    period = Period.parse(request.GET.get("period", "")) or Period(year=timezone.localdate().year)
    figures = indicator_figures(
        acting=request.membership,
        period=period,
        province_code=request.GET.get("province", "")[:20],
        exported_as=as_format,
    )
    response = HttpResponse(
        indicator_export(figures, as_format=as_format), content_type=EXPORT_TYPES[as_format]
    )
    place = figures.place.province.code if figures.place.province else figures.place.country
    response["Content-Disposition"] = f'attachment; filename="indicators-{period}-{place}.{as_format}"'
    return response


@staff_view(InsightsPerm.AGENCY_FIGURES_VIEW)
@require_GET
def agency(request: StaffRequest) -> HttpResponse:
    """The supervisor's agency's exact figures, marked confidential; an unreadable period is this year."""
    period = Period.parse(request.GET.get("period", "")) or Period(year=timezone.localdate().year)
    figures = agency_figures(acting=request.membership, period=period)
    return render(request, "insights/agency.html", {"figures": figures})


@staff_view(InsightsPerm.AGENCY_FIGURES_VIEW)
@require_GET
def agency_download(request: StaffRequest) -> HttpResponse:
    """The same figures as a CSV file, marked confidential in its first row and its name."""
    period = Period.parse(request.GET.get("period", "")) or Period(year=timezone.localdate().year)
    figures = agency_figures(acting=request.membership, period=period, exported=True)
    response = HttpResponse(agency_export(figures), content_type=EXPORT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="agency-figures-{period}-confidential.csv"'
    return response


@staff_view(InsightsPerm.INDICATORS_VIEW)
@require_GET
def open_data(request: StaffRequest) -> HttpResponse:
    """The finished quarters whose open-data file may be downloaded."""
    return _open_data_page(request, refusal="")


def _open_data_page(request: StaffRequest, *, refusal: str) -> HttpResponse:
    context = {
        "quarters": releases.finished_quarters(timezone.localdate()),
        "refusal": refusal,
        "licence": releases.LICENCE,
    }
    return render(request, "insights/open_data.html", context, status=400 if refusal else 200)


@staff_view(InsightsPerm.INDICATORS_VIEW)
@require_GET
def open_data_download(request: StaffRequest, quarter: str, as_format: str) -> HttpResponse:
    """A finished quarter's open-data file (CSV or XLSX); a quarter still running is refused, said so."""
    if as_format not in EXPORT_TYPES:
        raise Http404
    refusal = releases.quarter_refusal(quarter, timezone.localdate())
    chosen = Period.parse(quarter)
    if refusal or chosen is None:
        return _open_data_page(request, refusal=refusal)
    data = releases.open_data(acting=request.membership, quarter=chosen, as_format=as_format)
    response = HttpResponse(
        releases.open_data_file(data, as_format=as_format), content_type=EXPORT_TYPES[as_format]
    )
    response["Content-Disposition"] = f'attachment; filename="open-data-{chosen}.{as_format}"'
    return response


@staff_view(InsightsPerm.INDICATORS_VIEW)
@require_GET
def annual_report(request: StaffRequest, year: int) -> HttpResponse:
    """The year's report to print: each source's indicators beside the year before; a year not yet
    final (`publication.final_on`) is marked provisional; a year not begun (or before the programme)
    is refused with the years there are."""
    today = timezone.localdate()
    context: dict[str, object] = {
        "year": year,
        "years": releases.annual_years(today),
        "refusal": releases.annual_year_refusal(year, today),
    }
    if context["refusal"]:
        return render(request, "insights/annual_report.html", context, status=404)
    context["figures"] = indicator_figures(acting=request.membership, period=Period(year=year))
    return render(request, "insights/annual_report.html", context)
