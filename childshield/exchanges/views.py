"""Staff pages of the exchanges: the connections, setting one up or changing it, running one now,
switching one on or off."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.models import Membership
from childshield.accounts.permissions import Scope, may, perm_scope
from childshield.core.errors import ApplicationError
from childshield.exchanges import selectors, services
from childshield.exchanges.adapters import adapter_for
from childshield.exchanges.forms import ConnectionForm, initial_of
from childshield.exchanges.models import ExchangeConnection, ExchangeKind
from childshield.exchanges.permissions import ExchangePerm
from childshield.hashing import selectors as hashing_selectors
from childshield.hashing.models import HashBank


def _own_banks(acting: Membership) -> QuerySet[HashBank]:
    return hashing_selectors.bank_list(membership=acting).filter(owner_id=acting.agency_id)


def _may(acting: Membership, perm: ExchangePerm, connection: ExchangeConnection) -> bool:
    scope = perm_scope(acting, perm)
    return scope is not None and (scope == Scope.ALL or connection.agency_id == acting.agency_id)


@staff_view(ExchangePerm.VIEW)
@require_GET
def connection_list(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    connections = list(selectors.connection_list(membership=acting))
    rows = [
        {
            "connection": connection,
            "may_edit": _may(acting, ExchangePerm.MANAGE, connection),
            "may_run": _may(acting, ExchangePerm.RUN, connection),
        }
        for connection in connections
    ]
    kinds = [
        {
            "label": kind.label,
            "imports": adapter_for(kind).can_import,
            "exports": adapter_for(kind).can_export,
        }
        for kind in ExchangeKind
    ]
    context = {"rows": rows, "may_add": may(acting, ExchangePerm.MANAGE), "kinds": kinds}
    return render(request, "exchanges/connection_list.html", context)


@staff_view(ExchangePerm.MANAGE)
@require_http_methods(["GET", "POST"])
def connection_add(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    form = ConnectionForm(request.POST or None, banks=_own_banks(acting), initial={"imports": True})
    if request.method == "POST" and form.is_valid():
        try:
            connection = services.connection_create(actor=acting, data=form.connection_data())
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The connection “%(name)s” was set up.") % {"name": connection.name})
            return redirect("exchanges:connection_list")
    return render(request, "exchanges/connection_form.html", {"form": form, "connection": None})


@staff_view(ExchangePerm.MANAGE)
@require_http_methods(["GET", "POST"])
def connection_edit(request: StaffRequest, pk: int) -> HttpResponse:
    acting = request.membership
    connection = selectors.connection_get(membership=acting, pk=pk)
    form = ConnectionForm(
        request.POST or None, banks=_own_banks(acting), initial=initial_of(connection), has_secrets=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.connection_update(actor=acting, connection=connection, data=form.connection_data())
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The connection was saved."))
            return redirect("exchanges:connection_list")
    return render(request, "exchanges/connection_form.html", {"form": form, "connection": connection})


@staff_view(ExchangePerm.RUN)
@require_POST
def connection_run(request: StaffRequest, pk: int) -> HttpResponse:
    """Asks a worker to run the connection; the page shows the outcome once it has run."""
    acting = request.membership
    connection = selectors.connection_get(membership=acting, pk=pk)
    try:
        services.connection_run_request(actor=acting, connection=connection)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The connection will run in a moment: reload this page to see how it went.")
        )
    return redirect("exchanges:connection_list")


@staff_view(ExchangePerm.RUN)
@require_POST
def connection_toggle(request: StaffRequest, pk: int) -> HttpResponse:
    acting = request.membership
    connection = selectors.connection_get(membership=acting, pk=pk)
    try:
        services.connection_set_enabled(
            actor=acting, connection=connection, enabled=not connection.is_enabled
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The connection is switched on.")
            if connection.is_enabled
            else _("The connection is switched off."),
        )
    return redirect("exchanges:connection_list")
