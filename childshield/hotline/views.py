"""Hotline pages: the item list, adding addresses, one item with its assessment, evidence, hosting,
notices and checks, the time-to-removal figures, and referral packages.

Thin doors: reads through selectors (which scope and audit), writes through services.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.permissions import may
from childshield.core.errors import ApplicationError
from childshield.hotline import channels, selectors
from childshield.hotline.evidence_files import evidence_content
from childshield.hotline.forms import (
    AddUrlsForm,
    AssessmentForm,
    BounceForm,
    CloseForm,
    EvidenceForm,
    ItemFilterForm,
    PackageForm,
    PlatformRequestForm,
)
from childshield.hotline.models import OPEN_NOTICE_STATUSES, ItemStatus
from childshield.hotline.package_csv import package_csv
from childshield.hotline.permissions import HotlinePerm
from childshield.hotline.services import (
    assessment,
    bounces,
    evidence,
    hosting,
    items,
    notices,
    packages,
    removal,
    requests,
)

PAGE_SIZE = 50
# The name each form of the item's page goes by in its template.
FORM_NAMES: dict[type[Form], str] = {
    AssessmentForm: "assessment_form",
    CloseForm: "close_form",
    PlatformRequestForm: "request_form",
}


def _item_url(item_id: int, anchor: str = "") -> str:
    return reverse("hotline:item_detail", args=[item_id]) + (f"#{anchor}" if anchor else "")


# Analyst welfare: how long this sign-in session has been looking at evidence.
_VIEWING_SINCE = "hotline_evidence_since"
_VIEWING_LAST = "hotline_evidence_last"


def _note_viewing(request: HttpRequest) -> None:
    now = time.time()
    last = request.session.get(_VIEWING_LAST)
    # A pause of as long as the nudge itself starts a new viewing stretch.
    if last is None or now - float(last) > settings.HOTLINE_WELFARE_NUDGE_MINUTES * 60:
        request.session[_VIEWING_SINCE] = now
    request.session[_VIEWING_LAST] = now


def _viewing_minutes(request: HttpRequest) -> float:
    since, last = request.session.get(_VIEWING_SINCE), request.session.get(_VIEWING_LAST)
    stale = last is not None and time.time() - float(last) > settings.HOTLINE_WELFARE_NUDGE_MINUTES * 60
    if since is None or last is None or stale:
        return 0.0
    return (time.time() - float(since)) / 60


def _nudge(request: HttpRequest) -> bool:
    return _viewing_minutes(request) >= settings.HOTLINE_WELFARE_NUDGE_MINUTES


@staff_view(HotlinePerm.ITEM_VIEW)
@require_GET
def item_list(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    form = ItemFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    listed = selectors.item_list(membership=acting, **{k: v for k, v in filters.items() if v})
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(membership=acting)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "counts": [(value, label, counts.get(value, 0)) for value, label in ItemStatus.choices],
        "bounced": selectors.bounced_count(membership=acting),
        "may_report": may(acting, HotlinePerm.ITEM_REPORT),
    }
    template = "hotline/_item_rows.html" if request.headers.get("HX-Request") else "hotline/item_list.html"
    return render(request, template, context)


@staff_view(HotlinePerm.ITEM_REPORT)
@require_http_methods(["GET", "POST"])
def items_add(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    form = AddUrlsForm(request.POST or None)
    results: list[items.LineResult] = []
    if request.method == "POST" and form.is_valid():
        results = items.content_items_report_lines(
            acting=acting,
            text=form.cleaned_data["urls"],
            source=form.cleaned_data["source"],
            reference=form.cleaned_data["reference"],
        )
        saved = sum(1 for result in results if result.item is not None)
        failed = [result for result in results if result.error]
        if saved:
            messages.success(request, _("%(count)d address(es) saved.") % {"count": saved})
        if not failed and saved:
            return redirect("hotline:item_list")
        # Keep only the lines still to fix in the box; the saved ones are listed as saved.
        form = AddUrlsForm(
            initial={
                "urls": "\n".join(result.text for result in failed),
                "source": form.cleaned_data["source"],
                "reference": form.cleaned_data["reference"],
            }
        )
    return render(request, "hotline/items_add.html", {"form": form, "results": results})


def _detail(request: StaffRequest, item_id: int, **forms: Any) -> HttpResponse:
    acting = request.membership
    page = selectors.item_page(membership=acting, pk=item_id)
    item = page.item
    shown = request.GET.get("evidence", "")
    may_request = may(acting, HotlinePerm.NOTICE_SEND) and item.status != ItemStatus.OUT_OF_SCOPE
    context = {
        "page": page,
        "item": item,
        "assessment_form": forms.get("assessment_form") or AssessmentForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "bounce_form": BounceForm(),
        "may_assess": may(acting, HotlinePerm.ITEM_ASSESS)
        and item.status in (ItemStatus.NEW, ItemStatus.ASSESSED),
        "may_confirm": page.pending_assessment is not None
        and may(acting, HotlinePerm.ITEM_CONFIRM)
        and page.pending_assessment.assessor.user_id != acting.user_id,
        "may_evidence": may(acting, HotlinePerm.EVIDENCE_ADD),
        "may_view_evidence": may(acting, HotlinePerm.EVIDENCE_VIEW),
        "may_trace": may(acting, HotlinePerm.TRACE),
        "may_notice": may(acting, HotlinePerm.NOTICE_SEND) and item.status in OPEN_NOTICE_STATUSES,
        "may_close": may(acting, HotlinePerm.ITEM_CLOSE) and item.status in OPEN_NOTICE_STATUSES,
        "may_request": may_request,
        "request_form": forms.get("request_form") or PlatformRequestForm(),
        # Which platform a request would go to (hosting or having reported the item), if any.
        "request_platform": channels.platform_for(item) if may_request else None,
        "shown_evidence": int(shown) if shown.isdigit() else None,
        "nudge": _nudge(request),
        "second_assessor": settings.HOTLINE_REQUIRE_SECOND_ASSESSOR,
    }
    status = 400 if any(form is not None and form.errors for form in forms.values()) else 200
    return render(request, "hotline/item_detail.html", context, status=status)


def _submit(
    request: StaffRequest,
    item_id: int,
    form: Form,
    *,
    act: Callable[[dict[str, Any]], object],
    done: str,
    anchor: str = "",
) -> HttpResponse:
    """A form of the item's page: shown again with its errors (or the service's refusal) as
    `<name>_form`, else the service's success said and the page opened at `anchor`."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, done)
            return redirect(_item_url(item_id, anchor))
    return _detail(request, item_id, **{FORM_NAMES[type(form)]: form})


@staff_view(HotlinePerm.ITEM_VIEW)
@require_GET
def item_detail(request: StaffRequest, item_id: int) -> HttpResponse:
    return _detail(request, item_id)


@staff_view(HotlinePerm.ITEM_ASSESS)
@require_POST
def item_assess(request: StaffRequest, item_id: int) -> HttpResponse:
    acting = request.membership
    item = selectors.item_get(membership=acting, pk=item_id)
    return _submit(
        request,
        item_id,
        AssessmentForm(request.POST),
        act=lambda data: assessment.assessment_record(
            acting=acting, item=item, data=assessment.AssessmentInput(**data)
        ),
        done=_("Assessment saved. Another analyst must confirm it before any notice goes out.")
        if settings.HOTLINE_REQUIRE_SECOND_ASSESSOR
        else _("Assessment saved and confirmed."),
        anchor="assessment",
    )


@staff_view(HotlinePerm.ITEM_CONFIRM)
@require_POST
def assessment_confirm(request: StaffRequest, item_id: int) -> HttpResponse:
    acting = request.membership
    page = selectors.item_page(membership=acting, pk=item_id)
    if page.pending_assessment is None:
        messages.error(request, _("There is no assessment waiting for confirmation."))
        return redirect(_item_url(item_id))
    try:
        assessment.assessment_confirm(acting=acting, assessment=page.pending_assessment)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Confirmed. The hosting is traced and the first notice goes out within a minute.")
        )
    return redirect(_item_url(item_id, "assessment"))


@staff_view(HotlinePerm.EVIDENCE_ADD)
@require_POST
def evidence_add(request: StaffRequest, item_id: int) -> HttpResponse:
    acting = request.membership
    item = selectors.item_get(membership=acting, pk=item_id)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, item_id, evidence_form=form)
    try:
        evidence.evidence_add(acting=acting, item=item, upload=form.cleaned_data["file"])
    except ApplicationError as error:
        form.add_error("file", str(error.message))
        return _detail(request, item_id, evidence_form=form)
    messages.success(request, _("The capture is kept, encrypted."))
    return redirect(_item_url(item_id, "evidence"))


@staff_view(HotlinePerm.EVIDENCE_VIEW)
@require_GET
def evidence_frame(request: StaffRequest, item_id: int, evidence_id: int) -> HttpResponse:
    """The veiled frame of one piece of evidence (HTMX); the picture itself loads from evidence_file."""
    acting = request.membership
    page_item = selectors.item_get(membership=acting, pk=item_id, perm=HotlinePerm.EVIDENCE_VIEW)
    return render(
        request,
        "hotline/_evidence_frame.html",
        {"item": page_item, "evidence_id": evidence_id, "nudge": _nudge(request)},
    )


@never_cache
@staff_view(HotlinePerm.EVIDENCE_VIEW)
@require_GET
def evidence_file(request: StaffRequest, item_id: int, evidence_id: int) -> HttpResponse:
    acting = request.membership
    capture = selectors.evidence_get(membership=acting, pk=evidence_id)
    if capture.item_id != item_id:
        return HttpResponse(status=404)
    _note_viewing(request)
    response = HttpResponse(evidence_content(evidence=capture), content_type=capture.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


@staff_view(HotlinePerm.EVIDENCE_VIEW)
@require_POST
def welfare_break(request: StaffRequest) -> HttpResponse:
    """The analyst took the nudge: the viewing stretch starts again."""
    request.session.pop(_VIEWING_SINCE, None)
    request.session.pop(_VIEWING_LAST, None)
    messages.success(request, _("Thank you for taking a break. Come back when you are ready."))
    next_url = str(request.POST.get("next", ""))
    # Only a path on this site: never a redirect elsewhere.
    return redirect(
        next_url if next_url.startswith("/") and not next_url.startswith("//") else "hotline:item_list"
    )


@staff_view(HotlinePerm.TRACE)
@require_POST
def item_trace(request: StaffRequest, item_id: int) -> HttpResponse:
    acting = request.membership
    item = selectors.item_get(membership=acting, pk=item_id)
    trace = hosting.hosting_trace(acting=acting, item=item)
    if trace.error:
        messages.error(
            request,
            _("The host could not be traced (%(error)s). The attempt is recorded.") % {"error": trace.error},
        )
    else:
        messages.success(request, _("Hosting traced."))
    return redirect(_item_url(item_id, "hosting"))


@staff_view(HotlinePerm.NOTICE_SEND)
@require_POST
def item_notice(request: StaffRequest, item_id: int) -> HttpResponse:
    acting = request.membership
    item = selectors.item_get(membership=acting, pk=item_id)
    escalation = request.POST.get("escalate") == "1"
    try:
        notices.notice_queue(acting=acting, item=item, escalation=escalation)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The notice is on its way."))
    return redirect(_item_url(item_id, "notices"))


@staff_view(HotlinePerm.NOTICE_SEND)
@require_POST
def item_request(request: StaffRequest, item_id: int) -> HttpResponse:
    """Ask the item's platform to preserve its data for the police, or to send the file."""
    acting = request.membership
    item = selectors.item_get(membership=acting, pk=item_id)
    return _submit(
        request,
        item_id,
        PlatformRequestForm(request.POST),
        act=lambda data: requests.notice_request(
            acting=acting,
            item=item,
            purpose=data["purpose"],
            preserve_days=data["preserve_days"],
            file_hash=data["file_hash"] or "",
        ),
        done=_("The request is on its way to the platform."),
        anchor="notices",
    )


@staff_view(HotlinePerm.NOTICE_SEND)
@require_POST
def notice_bounced(request: StaffRequest, item_id: int, notice_id: int) -> HttpResponse:
    acting = request.membership
    page = selectors.item_page(membership=acting, pk=item_id)
    notice = next((n for n in page.notices if n.pk == notice_id), None)
    if notice is None:
        return HttpResponse(status=404)
    form = BounceForm(request.POST)
    bounces.notice_mark_bounced(acting=acting, notice=notice, detail=form.data.get("detail", ""))
    messages.success(request, _("Recorded as bounced. Correct the contact, then send the notice again."))
    return redirect(_item_url(item_id, "notices"))


@staff_view(HotlinePerm.TRACE)
@require_POST
def item_check(request: StaffRequest, item_id: int) -> HttpResponse:
    acting = request.membership
    item = selectors.item_get(membership=acting, pk=item_id)
    check = removal.removal_check(acting=acting, item=item)
    messages.success(request, _("Checked: %(state)s.") % {"state": check.get_state_display()})
    return redirect(_item_url(item_id, "checks"))


@staff_view(HotlinePerm.ITEM_CLOSE)
@require_POST
def item_close(request: StaffRequest, item_id: int) -> HttpResponse:
    acting = request.membership
    item = selectors.item_get(membership=acting, pk=item_id)
    return _submit(
        request,
        item_id,
        CloseForm(request.POST),
        act=lambda data: removal.item_close_not_removed(acting=acting, item=item, reason=data["reason"]),
        done=_("The item is closed as not removed."),
    )


@staff_view(HotlinePerm.FIGURES_VIEW)
@require_GET
def figures(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    return render(request, "hotline/figures.html", {"figures": selectors.removal_figures(membership=acting)})


@staff_view(HotlinePerm.PACKAGE_RECEIVE)
@require_http_methods(["GET", "POST"])
def package_list(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    may_export = may(acting, HotlinePerm.PACKAGE_EXPORT)
    form = None
    if may_export:
        form = PackageForm(request.POST or None, recipients=selectors.package_recipients(membership=acting))
        if request.method == "POST" and form.is_valid():
            try:
                package = packages.package_create(
                    acting=acting,
                    items=selectors.items_for_package(membership=acting, ids=form.cleaned_data["items"]),
                    recipient=form.cleaned_data["recipient"],
                    recipient_label=form.cleaned_data["recipient_label"],
                )
            except ApplicationError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request, _("Package made: %(count)d item(s).") % {"count": package.item_count}
                )
                return redirect("hotline:package_list")
    listed = selectors.package_list(membership=acting)[:100]
    return render(
        request, "hotline/package_list.html", {"packages": listed, "form": form, "may_export": may_export}
    )


@never_cache
@staff_view(HotlinePerm.PACKAGE_RECEIVE)
@require_GET
def package_download(request: StaffRequest, package_id: int) -> HttpResponse:
    acting = request.membership
    package = selectors.package_get(membership=acting, pk=package_id)
    if request.GET.get("format") == "csv":
        response = HttpResponse(package_csv(package.document), content_type="text/csv; charset=utf-8")
        extension = "csv"
    else:
        response = HttpResponse(
            json.dumps(package.document, ensure_ascii=False, indent=2), content_type="application/json"
        )
        extension = "json"
    response["Content-Disposition"] = f'attachment; filename="referral-package-{package.pk}.{extension}"'
    return response
