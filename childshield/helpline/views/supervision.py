"""The supervisor's page: queue waits, who is on shift and their load, today's contacts; it only reads."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.helpline import supervision
from childshield.helpline.permissions import HelplinePerm


@staff_view(HelplinePerm.SUPERVISE)
@require_GET
def supervisor(request: StaffRequest) -> HttpResponse:
    """The supervisor's page; HTMX asks for its body alone every few seconds."""
    acting = request.membership
    context = {
        "queue": supervision.queue_overview(acting=acting),
        "counsellors": supervision.counsellors_on_shift(acting=acting),
        "contacts": supervision.contacts_today(acting=acting),
        "shift_hours": settings.HELPLINE_SHIFT_HOURS,
        "poll_seconds": settings.HELPLINE_SUPERVISOR_POLL_SECONDS,
        "updated_at": timezone.now(),
    }
    partial = request.headers.get("HX-Request") == "true"
    template = "helpline/supervisor_body.html" if partial else "helpline/supervisor.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
