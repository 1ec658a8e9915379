"""Directory pages: search, one service, add and change. Thin doors onto selectors and services."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.models import Membership
from childshield.core.errors import ApplicationError
from childshield.directory import selectors, services
from childshield.directory.forms import ResourceForm, ResourceSearchForm
from childshield.directory.permissions import DirectoryPerm, keeps_whole_directory, may_edit, require_edit

# A page of results; the search narrows past this instead of paging through a whole country.
RESULT_LIMIT = 100


@staff_view(DirectoryPerm.VIEW)
@require_GET
def resource_list(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    country = acting.agency.country
    editor = may_edit(acting)
    form = ResourceSearchForm(
        request.GET or None, areas=selectors.areas_for_directory(country=country), may_see_inactive=editor
    )
    searched = form.is_bound and form.is_valid()
    data = form.cleaned_data if searched else {}
    now = timezone.now()
    results = selectors.resource_search(
        acting=acting,
        country=country,
        text=data.get("q", ""),
        kinds=[data["kind"]] if data.get("kind") else [],
        area=data.get("area"),
        language=data.get("language", ""),
        open_at=now if data.get("open_now") else None,
        self_referral_only=bool(data.get("self_referral")),
        include_inactive=bool(data.get("inactive")),
    )
    rows = list(results[: RESULT_LIMIT + 1])
    context = {
        "form": form,
        "resources": [(resource, resource.is_open_at(now)) for resource in rows[:RESULT_LIMIT]],
        "more": len(rows) > RESULT_LIMIT,
        "searched": searched,
        "may_add": editor,
    }
    return render(request, "directory/resource_list.html", context)


@staff_view(DirectoryPerm.VIEW)
@require_GET
def resource_detail(request: StaffRequest, pk: int) -> HttpResponse:
    acting = request.membership
    resource = selectors.resource_get(acting=acting, pk=pk)
    context = {
        "resource": resource,
        "open_now": resource.is_open_at(timezone.now()),
        "may_edit": may_edit(acting, resource),
    }
    return render(request, "directory/resource_detail.html", context)


def _form(request: HttpRequest, acting: Membership, **kwargs: object) -> ResourceForm:
    country = acting.agency.country
    return ResourceForm(
        request.POST or None,
        areas=selectors.areas_for_directory(country=country),
        agencies=selectors.agencies_for_directory(acting=acting),
        country=country,
        **kwargs,
    )


@staff_view(DirectoryPerm.EDIT)
@require_http_methods(["GET", "POST"])
def resource_new(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    form = _form(
        request, acting, initial={} if keeps_whole_directory(acting) else {"agency": acting.agency_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(acting=acting, details=form.details())
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The service is in the directory."))
            return redirect("directory:resource_detail", pk=resource.pk)
    status = 400 if form.errors else 200
    return render(request, "directory/resource_form.html", {"form": form, "resource": None}, status=status)


@staff_view(DirectoryPerm.EDIT)
@require_http_methods(["GET", "POST"])
def resource_edit(request: StaffRequest, pk: int) -> HttpResponse:
    acting = request.membership
    resource = selectors.resource_get(acting=acting, pk=pk)
    require_edit(acting, resource)
    form = _form(request, acting, initial=ResourceForm.initial_for(resource))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.resource_update(acting=acting, resource=resource, details=form.details())
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing had changed."))
            return redirect("directory:resource_detail", pk=resource.pk)
    status = 400 if form.errors else 200
    return render(
        request, "directory/resource_form.html", {"form": form, "resource": resource}, status=status
    )
