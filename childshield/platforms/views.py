"""Staff pages of the platforms app: platforms onboarded, a platform's keys (live and sandbox) and a
test notice to its webhooks, a platform's dashboard, what platforms said of each hash of a bank, and
platforms' reports for the hotline that holds them."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.models import Agency
from childshield.accounts.permissions import may
from childshield.core.errors import ApplicationError
from childshield.hashing.api_keys import ROTATION_OVERLAP_HOURS, ROTATION_OVERLAP_MAX_HOURS
from childshield.hashing.forms import ApiKeyFieldsForm, ApiKeyRotateForm
from childshield.hashing.permissions import HashPerm
from childshield.platforms import dashboard, report_reads, selectors, sync
from childshield.platforms.forms import PlatformCreateForm, WebhookTestForm
from childshield.platforms.permissions import PlatformPerm
from childshield.platforms.services import credentials, sandbox


@staff_view(HashPerm.BANKS_VIEW)
@require_GET
def bank_feedback(request: StaffRequest, bank_id: int) -> HttpResponse:
    feedback = sync.bank_feedback(membership=request.membership, pk=bank_id, page=request.GET.get("page"))
    return render(request, "platforms/bank_feedback.html", {"feedback": feedback})


@staff_view(PlatformPerm.ONBOARD)
@require_http_methods(["GET", "POST"])
def platform_list(request: StaffRequest) -> HttpResponse:
    """Every platform and its keys at a glance; a new one onboarded, then its keys page."""
    acting = request.membership
    data = request.POST if request.method == "POST" else None
    form = PlatformCreateForm(data, providers=dashboard.providers_free())
    if data is not None and form.is_valid():
        try:
            platform = credentials.platform_create(actor=acting, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The platform was added: issue its keys here."))
            return redirect("platforms:keys", platform_id=platform.pk)
    platforms = dashboard.onboarded_platforms(membership=acting)
    return render(request, "platforms/platform_list.html", {"platforms": platforms, "form": form})


def _keys_page(
    request: StaffRequest, platform: Agency, form: ApiKeyFieldsForm | None = None, **shown: object
) -> HttpResponse:
    """The platform's keys and webhooks, the forms, and what a POST brought: a secret shown once or an
    error."""
    context = {
        "platform": platform,
        "keys": dashboard.platform_keys(platform=platform),
        "webhooks": selectors.webhooks(platform=platform),
        "form": form or ApiKeyFieldsForm(),
        "overlap_hours": ROTATION_OVERLAP_HOURS,
        "overlap_max_hours": ROTATION_OVERLAP_MAX_HOURS,
        "sandbox_days": sandbox.SANDBOX_KEY_DAYS,
        **shown,
    }
    return render(request, "platforms/keys.html", context)


@staff_view(PlatformPerm.CREDENTIALS_MANAGE)
@require_http_methods(["GET", "POST"])
def keys(request: StaffRequest, platform_id: int) -> HttpResponse:
    acting = request.membership
    platform = dashboard.managed_platform_get(membership=acting, pk=platform_id)
    if request.method != "POST":
        return _keys_page(request, platform)
    form = ApiKeyFieldsForm(request.POST)
    if not form.is_valid():
        return _keys_page(request, platform, form)
    try:
        _key, secret = credentials.platform_key_issue(actor=acting, platform=platform, **form.cleaned_data)
    except ApplicationError as error:
        form.add_error(None, str(error.message))
        return _keys_page(request, platform, form)
    return _keys_page(request, platform, secret=secret)


@staff_view(PlatformPerm.CREDENTIALS_MANAGE)
@require_POST
def key_sandbox(request: StaffRequest, platform_id: int) -> HttpResponse:
    """A sandbox key of every scope: its secret is shown once, on the page this POST answers with."""
    acting = request.membership
    platform = dashboard.managed_platform_get(membership=acting, pk=platform_id)
    try:
        _key, secret = credentials.platform_sandbox_key_issue(actor=acting, platform=platform)
    except ApplicationError as error:
        return _keys_page(request, platform, key_error=str(error.message))
    return _keys_page(request, platform, secret=secret, sandbox_issued=True)


@staff_view(PlatformPerm.CREDENTIALS_MANAGE)
@require_POST
def key_rotate(request: StaffRequest, key_id: int) -> HttpResponse:
    acting = request.membership
    key = dashboard.managed_key_get(membership=acting, pk=key_id)
    rotate = ApiKeyRotateForm(request.POST)
    if not rotate.is_valid():
        error = " ".join(str(message) for errors in rotate.errors.values() for message in errors)
        return _keys_page(request, key.agency, key_error=error)
    try:
        _successor, secret = credentials.platform_key_rotate(
            actor=acting, key=key, overlap_hours=rotate.cleaned_data["overlap_hours"]
        )
    except ApplicationError as failure:
        return _keys_page(request, key.agency, key_error=str(failure.message))
    rotated = dashboard.managed_key_get(membership=acting, pk=key.pk)  # with its overlap's end
    return _keys_page(request, key.agency, secret=secret, rotated=rotated)


@staff_view(PlatformPerm.CREDENTIALS_MANAGE)
@require_POST
def key_revoke(request: StaffRequest, key_id: int) -> HttpResponse:
    acting = request.membership
    key = dashboard.managed_key_get(membership=acting, pk=key_id)
    try:
        credentials.platform_key_revoke(actor=acting, key=key)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The key was revoked."))
    return redirect("platforms:keys", platform_id=key.agency_id)


@staff_view(PlatformPerm.CREDENTIALS_MANAGE)
@require_POST
def webhook_test(request: StaffRequest, platform_id: int) -> HttpResponse:
    """A test notice (marked sandbox, for a made-up address) to one of the platform's webhooks."""
    acting = request.membership
    platform = dashboard.managed_platform_get(membership=acting, pk=platform_id)
    form = WebhookTestForm(request.POST, webhooks=selectors.webhooks(platform=platform))
    if not form.is_valid():
        messages.error(request, _("Choose one of the platform's webhooks."))
    else:
        try:
            delivery_id = sandbox.webhook_test_send(actor=acting, subscription=form.cleaned_data["webhook"])
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("A test notice is on its way, delivery %(delivery)s: it is marked sandbox.")
                % {"delivery": delivery_id},
            )
    return redirect("platforms:keys", platform_id=platform.pk)


def _chosen_platform(request: StaffRequest) -> Agency | None:
    text = request.GET.get("platform", "")
    return dashboard.dashboard_platform_get(
        membership=request.membership, pk=int(text) if text.isdigit() else None
    )


@staff_view(PlatformPerm.DASHBOARD_VIEW)
@require_GET
def platform_dashboard(request: StaffRequest) -> HttpResponse:
    """The platform's own page (?platform= for the regulator, who sees every one, read only)."""
    acting = request.membership
    platform = _chosen_platform(request)
    context: dict[str, object] = {
        "platform": platform,
        "platforms": dashboard.dashboard_platforms(membership=acting),
        "may_manage": may(acting, PlatformPerm.CREDENTIALS_MANAGE),
        "may_see_record": may(acting, PlatformPerm.RECORD_VIEW),
    }
    if platform is not None:
        context |= {
            "notices": dashboard.dashboard_notices(platform=platform),
            "reports": dashboard.dashboard_reports(platform=platform),
            "keys": dashboard.platform_keys(platform=platform),
            "webhooks": selectors.webhooks(platform=platform),
        }
    return render(request, "platforms/dashboard.html", context)


@staff_view(PlatformPerm.REPORT_VIEW)
@require_GET
def report_list(request: StaffRequest) -> HttpResponse:
    """The hotline's platform reports, newest first; ?platform= for one platform's."""
    platforms = report_reads.reporting_platforms()
    text = request.GET.get("platform", "")
    chosen = platforms.filter(pk=int(text)).first() if text.isdigit() else None
    page, rows = report_reads.report_list_page(
        membership=request.membership, platform=chosen, page_number=request.GET.get("page")
    )
    context = {
        "page": page,
        "rows": rows,
        "platforms": platforms,
        "chosen": chosen,
        "extra": f"platform={chosen.pk}&" if chosen is not None else "",
    }
    return render(request, "platforms/report_list.html", context)


@staff_view(PlatformPerm.REPORT_VIEW)
@require_GET
def report_detail(request: StaffRequest, report_id: int) -> HttpResponse:
    """One platform report in full, each address with its hotline item."""
    page = report_reads.report_page(membership=request.membership, pk=report_id)
    return render(request, "platforms/report_detail.html", {"page": page, "report": page.report})
