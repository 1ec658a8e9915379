"""Reference pages: the hosting providers traces recognise and notices go to, and the partner
hotlines and police escalations go to; listed, added, changed and switched off, without the admin.

Thin doors: reads through `reference_selectors`, writes through `services.reference`.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.permissions import may
from childshield.core.errors import ApplicationError
from childshield.hotline import reference_selectors as selectors
from childshield.hotline.models import HostingProvider, PartnerHotline
from childshield.hotline.permissions import HotlinePerm
from childshield.hotline.reference_forms import PartnerForm, ProviderForm, SearchForm
from childshield.hotline.services import reference

PAGE_SIZE = 50


@staff_view(HotlinePerm.REFERENCE_MANAGE)
@require_GET
def provider_list(request: StaffRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    providers = selectors.hosting_provider_list(membership=request.membership, query=query)
    page = Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hotline/provider_list.html", {"form": form, "page": page, "query": query})


def _provider_page(
    request: StaffRequest, form: ProviderForm, provider: HostingProvider | None = None
) -> HttpResponse:
    context: dict[str, object] = {"form": form, "provider": provider}
    if provider is not None:
        context |= {
            "notice_count": selectors.provider_notice_count(provider=provider),
            "in_use": reference.hosting_provider_in_use(provider),
            "may_view_items": may(request.membership, HotlinePerm.ITEM_VIEW),
        }
    return render(request, "hotline/provider_form.html", context)


def _saved(request: StaffRequest, notes: list[str], message: str) -> None:
    messages.success(request, message)
    for note in notes:
        messages.info(request, note)


@staff_view(HotlinePerm.REFERENCE_MANAGE)
@require_http_methods(["GET", "POST"])
def provider_add(request: StaffRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, notes = form.data_read()
        try:
            provider = reference.hosting_provider_create(acting=request.membership, data=data)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            _saved(request, notes, _("The hosting provider is added."))
            return redirect("hotline:provider_edit", provider_id=provider.pk)
    return _provider_page(request, form)


@staff_view(HotlinePerm.REFERENCE_MANAGE)
@require_http_methods(["GET", "POST"])
def provider_edit(request: StaffRequest, provider_id: int) -> HttpResponse:
    provider = selectors.hosting_provider_get(membership=request.membership, pk=provider_id)
    if request.method != "POST":
        return _provider_page(request, ProviderForm.for_provider(provider), provider)
    form = ProviderForm(request.POST)
    if form.is_valid():
        data, notes = form.data_read()
        try:
            reference.hosting_provider_update(acting=request.membership, provider=provider, data=data)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            _saved(request, notes, _("The hosting provider is saved."))
            return redirect("hotline:provider_edit", provider_id=provider.pk)
    return _provider_page(request, form, provider)


@staff_view(HotlinePerm.REFERENCE_MANAGE)
@require_POST
def provider_active(request: StaffRequest, provider_id: int) -> HttpResponse:
    provider = selectors.hosting_provider_get(membership=request.membership, pk=provider_id)
    active = request.POST.get("active") == "on"
    reference.hosting_provider_active_set(acting=request.membership, provider=provider, active=active)
    if active:
        messages.success(request, _("The hosting provider is switched on: traces find it again."))
    else:
        messages.success(request, _("The hosting provider is switched off: traces no longer find it."))
    return redirect("hotline:provider_edit", provider_id=provider.pk)


@staff_view(HotlinePerm.REFERENCE_MANAGE)
@require_POST
def provider_delete(request: StaffRequest, provider_id: int) -> HttpResponse:
    provider = selectors.hosting_provider_get(membership=request.membership, pk=provider_id)
    try:
        reference.hosting_provider_delete(acting=request.membership, provider=provider)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("hotline:provider_edit", provider_id=provider.pk)
    messages.success(request, _("The hosting provider is deleted."))
    return redirect("hotline:provider_list")


@staff_view(HotlinePerm.REFERENCE_MANAGE)
@require_GET
def partner_list(request: StaffRequest) -> HttpResponse:
    partners = selectors.partner_hotline_list(membership=request.membership)
    return render(request, "hotline/partner_list.html", {"partners": partners})


def _partner_page(
    request: StaffRequest, form: PartnerForm, partner: PartnerHotline | None = None
) -> HttpResponse:
    return render(request, "hotline/partner_form.html", {"form": form, "partner": partner})


@staff_view(HotlinePerm.REFERENCE_MANAGE)
@require_http_methods(["GET", "POST"])
def partner_add(request: StaffRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reference.partner_hotline_create(acting=request.membership, data=form.data_read())
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The partner is added."))
            return redirect("hotline:partner_list")
    return _partner_page(request, form)


@staff_view(HotlinePerm.REFERENCE_MANAGE)
@require_http_methods(["GET", "POST"])
def partner_edit(request: StaffRequest, partner_id: int) -> HttpResponse:
    partner = selectors.partner_hotline_get(membership=request.membership, pk=partner_id)
    if request.method != "POST":
        return _partner_page(request, PartnerForm.for_partner(partner), partner)
    form = PartnerForm(request.POST)
    if form.is_valid():
        try:
            reference.partner_hotline_update(
                acting=request.membership, partner=partner, data=form.data_read()
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The partner is saved."))
            return redirect("hotline:partner_list")
    return _partner_page(request, form, partner)


@staff_view(HotlinePerm.REFERENCE_MANAGE)
@require_POST
def partner_active(request: StaffRequest, partner_id: int) -> HttpResponse:
    partner = selectors.partner_hotline_get(membership=request.membership, pk=partner_id)
    active = request.POST.get("active") == "on"
    reference.partner_hotline_active_set(acting=request.membership, partner=partner, active=active)
    if active:
        messages.success(request, _("The partner is switched on: escalations may go to it again."))
    else:
        messages.success(request, _("The partner is switched off: escalations no longer go to it."))
    return redirect("hotline:partner_list")
