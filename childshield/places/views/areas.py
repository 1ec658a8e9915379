"""Staff pages about areas: the tree as of a chosen day; a CSV file previewed (every row's change and
every problem by line), then applied exactly as previewed; the stored areas as a file in that format."""

import base64
import hashlib
import re
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.permissions import Perm, may
from childshield.places.forms import AreaApplyForm, AreaFileForm, AreaListFilterForm
from childshield.places.permissions import PlacesPerm
from childshield.places.reference_files import ReferenceDataError
from childshield.places.selectors import area_countries, area_trees, areas_as_csv
from childshield.places.services.areas import (
    ROW_CREATED,
    ROW_UNCHANGED,
    ROW_UPDATED,
    AreaChangesMoved,
    AreaLoadResult,
    areas_load_content,
)

# The uploaded file waits here between its preview and "Apply": its name, content and SHA-256.
SESSION_FILE_KEY = "places_area_file"
TOKEN_SALT = "places.area-import"
# A preview older than this is not applied: look again at what the file does today.
TOKEN_MAX_AGE_SECONDS = 60 * 60
_LINE = re.compile(r"line (\d+): (.*)", re.DOTALL)


@staff_view(Perm.PLACES_VIEW)
@require_GET
def area_list(request: StaffRequest) -> HttpResponse:
    countries = [(area.country, area.name) for area in area_countries()]
    on = timezone.localdate()
    form = AreaListFilterForm(request.GET or None, countries=countries, initial={"on": on})
    country = None
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"] or on
        country = form.cleaned_data["country"] or None
    context = {
        "form": form,
        "on": on,
        "trees": area_trees(country=country, on=on),
        "may_import": may(request.membership, PlacesPerm.AREAS_IMPORT),
    }
    return render(request, "places/area_list.html", context)


@staff_view(PlacesPerm.AREAS_IMPORT)
@require_GET
def area_export(request: StaffRequest) -> HttpResponse:
    """Every stored area (of ?country=), history included, in the import's format: a template to edit."""
    countries = {area.country for area in area_countries()}
    country = request.GET.get("country", "")
    country = country if country in countries else ""
    response = HttpResponse(areas_as_csv(country=country), content_type="text/csv; charset=utf-8")
    name = f"areas-{country.lower() or 'all'}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _problems(error: ReferenceDataError) -> list[tuple[str, str]]:
    """Each problem as (line, what is wrong); the line is empty for the file as a whole."""
    found = []
    for message in error.errors:
        match = _LINE.match(message)
        found.append((match.group(1), match.group(2)) if match else ("", message))
    return found


def _import_page(request: StaffRequest, *, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("form", AreaFileForm())
    context["countries"] = area_countries()
    return render(request, "places/area_import.html", context, status=status)


def _preview_page(
    request: StaffRequest, *, preview: AreaLoadResult, digest: str, **context: Any
) -> HttpResponse:
    token = signing.dumps({"digest": digest, "fingerprint": preview.fingerprint()}, salt=TOKEN_SALT)
    rows = {
        outcome: [row for row in preview.rows if row.outcome == outcome]
        for outcome in (ROW_CREATED, ROW_UPDATED, ROW_UNCHANGED)
    }
    return _import_page(
        request,
        preview=preview,
        created=rows[ROW_CREATED],
        updated=rows[ROW_UPDATED],
        unchanged=rows[ROW_UNCHANGED],
        apply_form=AreaApplyForm(initial={"token": token}),
        **context,
    )


@staff_view(PlacesPerm.AREAS_IMPORT)
@require_http_methods(["GET", "POST"])
def area_import(request: StaffRequest) -> HttpResponse:
    """GET: the upload form. POST: the file's preview, which writes nothing; the file waits in the
    session for "Apply"."""
    if request.method != "POST":
        return _import_page(request)
    form = AreaFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    content = upload.read()
    source = (upload.name or "areas.csv")[-100:]
    try:
        preview = areas_load_content(content=content, source=source, dry_run=True)
    except ReferenceDataError as error:
        request.session.pop(SESSION_FILE_KEY, None)
        return _import_page(request, form=form, source=source, problems=_problems(error), status=400)
    digest = hashlib.sha256(content).hexdigest()
    request.session[SESSION_FILE_KEY] = {
        "name": source,
        "content": base64.b64encode(content).decode("ascii"),
        "digest": digest,
    }
    return _preview_page(request, preview=preview, digest=digest)


@staff_view(PlacesPerm.AREAS_IMPORT)
@require_POST
def area_import_apply(request: StaffRequest) -> HttpResponse:
    """Apply the previewed file, only if it is the file previewed and it changes what the preview showed."""
    form = AreaApplyForm(request.POST)
    try:
        if not form.is_valid():
            raise signing.BadSignature("no token")
        token = signing.loads(form.cleaned_data["token"], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return _import_page(
            request, refused=_("This preview is too old or not valid. Upload the file again."), status=400
        )
    kept = request.session.get(SESSION_FILE_KEY) or {}
    content = base64.b64decode(kept.get("content", ""))
    if kept.get("digest") != token.get("digest") or hashlib.sha256(content).hexdigest() != token.get(
        "digest"
    ):
        return _import_page(
            request,
            refused=_(
                "This is not the file kept for applying: another file was previewed since. "
                "Upload the file again and check its preview."
            ),
            status=409,
        )
    source = str(kept["name"])
    try:
        result = areas_load_content(
            content=content,
            source=source,
            dry_run=False,
            actor=request.membership,
            expect=token["fingerprint"],
        )
    except AreaChangesMoved as moved:
        return _preview_page(
            request, preview=moved.preview, digest=kept["digest"], refused=str(moved.message), status=409
        )
    except ReferenceDataError as error:
        request.session.pop(SESSION_FILE_KEY, None)
        return _import_page(
            request,
            source=source,
            problems=_problems(error),
            refused=_(
                "The areas changed since the preview and the file no longer fits them. Nothing was written."
            ),
            status=409,
        )
    request.session.pop(SESSION_FILE_KEY, None)
    messages.success(
        request,
        _("%(file)s applied: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % {
            "file": source,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    return HttpResponseRedirect(reverse("places:area_list"))
