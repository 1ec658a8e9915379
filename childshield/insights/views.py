"""Figures for the programme: counts, small cells suppressed, nothing listed."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.models.feedback import FeedbackAnswer
from childshield.insights import selectors
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
