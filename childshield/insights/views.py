from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models.feedback import FeedbackAnswer
from childshield.insights import selectors


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    this_year = timezone.localdate().year
    if text.isdigit() and 2000 <= int(text) <= this_year:
        return int(text)
    return this_year


@login_required
@require_GET
def feedback(request: HttpRequest) -> HttpResponse:
    acting = request.membership  # type: ignore[attr-defined]
    figures = selectors.feedback_figures(acting=acting, year=_year(request))
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        object_type="insights.feedback",
        reason=f"children's feedback figures {figures.year}",
    )
    return render(request, "insights/feedback.html", {"figures": figures, "answers": FeedbackAnswer.choices})
