"""Staff pages of hashing: banks and their hashes and videos, imports, match history and API keys."""

from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.models import Membership
from childshield.accounts.permissions import may
from childshield.accounts.related import related_for
from childshield.core.errors import ApplicationError
from childshield.hashing import selectors, services
from childshield.hashing.api_keys import ROTATION_OVERLAP_HOURS, ROTATION_OVERLAP_MAX_HOURS
from childshield.hashing.forms import (
    ApiKeyForm,
    ApiKeyRotateForm,
    BankCreateForm,
    BankSharingForm,
    EntryAddForm,
    EntryRemoveForm,
    HashCheckForm,
    ImportForm,
    VideoForm,
)
from childshield.hashing.models import ImportFormat, MatchChannel
from childshield.hashing.permissions import HashPerm
from childshield.hashing.uploads import MemoryOnlyUpload

PAGE_SIZE = 50


Row = TypeVar("Row", bound=Model)


def _page(request: HttpRequest, rows: QuerySet[Row]) -> Page[Row]:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _errors_as_messages(request: HttpRequest, form: Form) -> None:
    """A form posted from the bank page, which redirects back: its errors shown as messages."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


@staff_view(HashPerm.BANKS_VIEW)
@require_http_methods(["GET", "POST"])
def bank_list(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    banks = selectors.bank_list(membership=acting)
    may_manage = may(acting, HashPerm.BANKS_MANAGE)
    form = BankCreateForm(request.POST or None)
    if request.method == "POST" and may_manage and form.is_valid():
        try:
            bank = services.bank_create(actor=acting, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The bank “%(name)s” was created.") % {"name": bank.name})
            return redirect("hashing:bank_detail", bank.pk)
    return render(request, "hashing/bank_list.html", {"banks": banks, "form": form, "may_manage": may_manage})


@staff_view(HashPerm.BANKS_VIEW)
@require_http_methods(["GET", "POST"])
def bank_detail(request: StaffRequest, bank_id: int) -> HttpResponse:
    acting = request.membership
    bank = selectors.bank_get(membership=acting, pk=bank_id)
    may_manage = may(acting, HashPerm.BANKS_MANAGE) and bank.owner_id == acting.agency_id
    removed = request.GET.get("show") == "removed"
    add_form = EntryAddForm(request.POST or None, prefix="add")
    if request.method == "POST" and may_manage and add_form.is_valid():
        try:
            services.entry_add(actor=acting, bank=bank, **add_form.cleaned_data)
        except ApplicationError as error:
            add_form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The hash was added."))
            return redirect("hashing:bank_detail", bank.pk)
    context = {
        "bank": bank,
        "entries": _page(request, selectors.entry_list(membership=acting, bank=bank, removed=removed)),
        "removed": removed,
        "may_manage": may_manage,
        "may_configure": may(acting, HashPerm.BANKS_CONFIGURE) and bank.owner_id == acting.agency_id,
        "add_form": add_form,
        "sharing_form": BankSharingForm(initial={"sharing": bank.sharing}, prefix="sharing"),
        "remove_form": EntryRemoveForm(prefix="remove"),
        "import_form": ImportForm(prefix="import"),
        "video_form": VideoForm(prefix="video"),
        "formats": ImportFormat.choices,
        "related_links": related_for(bank, acting),
    }
    return render(request, "hashing/bank_detail.html", context)


@staff_view(HashPerm.BANKS_CONFIGURE)
@require_POST
def bank_toggle(request: StaffRequest, bank_id: int) -> HttpResponse:
    acting = request.membership
    bank = selectors.bank_get(membership=acting, pk=bank_id)
    try:
        services.bank_set_enabled(actor=acting, bank=bank, enabled=not bank.is_enabled)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The bank is used for matching.") if bank.is_enabled else _("The bank is switched off."),
        )
    return redirect("hashing:bank_detail", bank.pk)


@staff_view(HashPerm.BANKS_CONFIGURE)
@require_POST
def bank_sharing(request: StaffRequest, bank_id: int) -> HttpResponse:
    """Who may match against the bank: platforms' next calls follow the change at once."""
    acting = request.membership
    bank = selectors.bank_get(membership=acting, pk=bank_id)
    form = BankSharingForm(request.POST, prefix="sharing")
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors.get("sharing", [])))
        return redirect("hashing:bank_detail", bank.pk)
    try:
        services.bank_set_sharing(actor=acting, bank=bank, sharing=form.cleaned_data["sharing"])
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Sharing changed: %(sharing)s.") % {"sharing": bank.get_sharing_display()}
        )
    return redirect("hashing:bank_detail", bank.pk)


@staff_view(HashPerm.BANKS_MANAGE)
@require_POST
def entry_remove(request: StaffRequest, entry_id: int) -> HttpResponse:
    acting = request.membership
    entry = selectors.entry_get(membership=acting, pk=entry_id)
    form = EntryRemoveForm(request.POST, prefix="remove")
    if not form.is_valid():
        messages.error(request, _("Say why the hash is removed."))
    else:
        try:
            services.entry_remove(actor=acting, entry=entry, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The hash was removed from matching."))
    return redirect("hashing:bank_detail", entry.bank_id)


@staff_view(HashPerm.BANKS_MANAGE)
@require_POST
def bank_import(request: StaffRequest, bank_id: int) -> HttpResponse:
    acting = request.membership
    bank = selectors.bank_get(membership=acting, pk=bank_id)
    form = ImportForm(request.POST, request.FILES, prefix="import")
    if not form.is_valid():
        _errors_as_messages(request, form)
        return redirect("hashing:bank_detail", bank.pk)
    try:
        record = services.list_import(
            actor=acting,
            bank=bank,
            text=form.cleaned_data["file"],
            fmt=form.cleaned_data["fmt"],
            filename=str(getattr(request.FILES.get("import-file"), "name", "") or ""),
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("hashing:bank_detail", bank.pk)
    return redirect("hashing:import_detail", record.pk)


@staff_view(HashPerm.BANKS_MANAGE)
@require_GET
def bank_export(request: StaffRequest, bank_id: int) -> HttpResponse:
    acting = request.membership
    bank = selectors.bank_get(membership=acting, pk=bank_id)
    fmt = request.GET.get("format", ImportFormat.SIGNALS)
    if fmt not in ImportFormat.values:
        fmt = ImportFormat.SIGNALS
    try:
        text = services.list_export(actor=acting, bank=bank, fmt=fmt)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("hashing:bank_detail", bank.pk)
    extension = "jsonl" if fmt == ImportFormat.STOPNCII else ("tsv" if fmt == ImportFormat.SIGNALS else "txt")
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bank-{bank.pk}-{fmt}.{extension}"'
    return response


@staff_view(HashPerm.BANKS_VIEW)
@require_GET
def import_list(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    imports = _page(request, selectors.import_list(membership=acting))
    return render(request, "hashing/import_list.html", {"imports": imports})


@staff_view(HashPerm.BANKS_VIEW)
@require_GET
def import_detail(request: StaffRequest, import_id: int) -> HttpResponse:
    acting = request.membership
    record = selectors.import_get(membership=acting, pk=import_id)
    return render(request, "hashing/import_detail.html", {"record": record})


def _keep_uploads_in_memory(request: HttpRequest) -> list[bool]:
    """Videos sent to be hashed never reach the disk; returns a flag set if one is over the limit.

    The handlers must be set before anything reads the body, which is why the views that take a
    video are exempt from the CSRF middleware and check the token themselves (csrf_protect).
    """
    too_large: list[bool] = []
    request.upload_handlers = [
        MemoryOnlyUpload(
            request,
            max_bytes=settings.HASHING_VIDEO_MAX_BYTES,
            too_large=lambda: too_large.append(True),
        )
    ]
    return too_large


@csrf_exempt
@staff_view(HashPerm.MATCH)
@require_http_methods(["GET", "POST"])
def match_check(request: StaffRequest) -> HttpResponse:
    return _match_check(request, _keep_uploads_in_memory(request))


@csrf_protect
def _match_check(request: StaffRequest, too_large: list[bool]) -> HttpResponse:
    """An analyst looks a hash or a video up in their own banks and those shared, through the one
    match service."""
    acting = request.membership
    banks = selectors.matchable_bank_ids_for_member(membership=acting)
    posted = request.POST if request.method == "POST" else None
    is_video = posted is not None and posted.get("kind") == "video"
    form = HashCheckForm(None if is_video else posted)
    video_form = VideoForm(
        posted if is_video else None, request.FILES or None, prefix="video", too_large=bool(too_large)
    )
    result = None
    checked = video_form if is_video else form
    if posted is not None and checked.is_valid():
        if is_video:
            query = services.HashQuery.of_video(video_form.cleaned_data["frames"])
        else:
            query = services.HashQuery(form.cleaned_data["algorithm"], form.cleaned_data["value"])
        try:
            [result] = services.hashes_match(
                queries=[query], bank_ids=banks, channel=MatchChannel.STAFF, agency=acting.agency
            )
        except ApplicationError as error:
            checked.add_error(None, str(error.message))
    return render(
        request,
        "hashing/match_check.html",
        {
            "form": form,
            "video_form": video_form,
            "result": result,
            "query_percent": settings.HASHING_VPDQ_QUERY_MATCH_PERCENT,
        },
    )


@csrf_exempt
@staff_view(HashPerm.BANKS_MANAGE)
@require_POST
def bank_video_add(request: StaffRequest, bank_id: int) -> HttpResponse:
    return _bank_video_add(request, bank_id, _keep_uploads_in_memory(request))


@csrf_protect
def _bank_video_add(request: StaffRequest, bank_id: int, too_large: list[bool]) -> HttpResponse:
    """A video confirmed by the hotline goes into a bank as its vPDQ hash; the video is not kept."""
    acting = request.membership
    bank = selectors.bank_get(membership=acting, pk=bank_id)
    form = VideoForm(request.POST, request.FILES, prefix="video", too_large=bool(too_large))
    if not form.is_valid():
        _errors_as_messages(request, form)
        return redirect("hashing:bank_detail", bank.pk)
    try:
        entry = services.video_entry_add(
            actor=acting,
            bank=bank,
            frames=form.cleaned_data["frames"],
            source_reference=str(request.POST.get("video-source_reference", ""))[:200],
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The video was added: %(count)d frame hashes.") % {"count": entry.video.frame_count},
        )
    return redirect("hashing:bank_detail", bank.pk)


@staff_view(HashPerm.MATCHES_VIEW)
@require_GET
def match_list(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    records = _page(request, selectors.match_record_list(membership=acting))
    may_check = may(acting, HashPerm.MATCH)
    return render(request, "hashing/match_list.html", {"records": records, "may_check": may_check})


def _api_key_form(acting: Membership, data: QueryDict | None = None) -> ApiKeyForm:
    agencies = selectors.agencies_for_api_keys(membership=acting)
    return ApiKeyForm(data, agencies=agencies, initial={"agency": acting.agency_id})


def _api_key_page(request: StaffRequest, form: ApiKeyForm, **shown: object) -> HttpResponse:
    """The keys, the form to issue one, and what a POST brought: a new secret, shown once, or an error."""
    context = {
        "form": form,
        "keys": selectors.api_key_list(membership=request.membership),
        "overlap_hours": ROTATION_OVERLAP_HOURS,
        "overlap_max_hours": ROTATION_OVERLAP_MAX_HOURS,
        **shown,
    }
    return render(request, "hashing/api_key_list.html", context)


@staff_view(HashPerm.API_KEYS_MANAGE)
@require_http_methods(["GET", "POST"])
def api_key_list(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    form = _api_key_form(acting, request.POST if request.method == "POST" else None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _key, secret = services.api_key_issue(actor=acting, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            form = _api_key_form(acting)
    return _api_key_page(request, form, secret=secret)


@staff_view(HashPerm.API_KEYS_MANAGE)
@require_POST
def api_key_rotate(request: StaffRequest, key_id: int) -> HttpResponse:
    """A new key in place of one; its secret is shown once, on the page this POST answers with."""
    acting = request.membership
    key = selectors.api_key_get(membership=acting, pk=key_id)
    rotate = ApiKeyRotateForm(request.POST)
    if not rotate.is_valid():
        error = " ".join(str(message) for messages in rotate.errors.values() for message in messages)
        return _api_key_page(request, _api_key_form(acting), rotate_error=error, rotate_key=key)
    try:
        _successor, secret = services.api_key_rotate(
            actor=acting, key=key, overlap_hours=rotate.cleaned_data["overlap_hours"]
        )
    except ApplicationError as failure:
        return _api_key_page(
            request, _api_key_form(acting), rotate_error=str(failure.message), rotate_key=key
        )
    rotated = selectors.api_key_get(membership=acting, pk=key.pk)  # with its overlap's end
    return _api_key_page(request, _api_key_form(acting), secret=secret, rotated=rotated)


@staff_view(HashPerm.API_KEYS_MANAGE)
@require_POST
def api_key_revoke(request: StaffRequest, key_id: int) -> HttpResponse:
    acting = request.membership
    key = selectors.api_key_get(membership=acting, pk=key_id)
    try:
        services.api_key_revoke(actor=acting, key=key)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The key was revoked."))
    return redirect("hashing:api_key_list")
