"""The audit log page: who did what, for which agency, to which object."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from childshield.accounts.permissions import Perm, Scope, require
from childshield.audit.models import AuditAction
from childshield.audit.selectors import audit_events_visible


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    acting = request.membership  # type: ignore[attr-defined]
    scope = require(acting, Perm.AUDIT_VIEW)
    events = audit_events_visible(agency_id=acting.agency_id, see_all=scope == Scope.ALL)
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {"page": page, "actions": AuditAction.choices, "action": action, "see_all": scope == Scope.ALL},
    )
