"""A platform's record: the page and its CSV, for the platform's staff, the regulator and the hotline's
leads."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.models import Agency
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.platforms.permissions import PlatformPerm
from childshield.platforms.record import (
    MonthRecord,
    platform_record,
    record_csv,
    record_platform_get,
    record_platforms,
)

MONTHS = 12


def _chosen(request: StaffRequest) -> tuple[Agency | None, list[MonthRecord]]:
    """The platform asked for (?platform=), or the first the member may read, and its record."""
    text = request.GET.get("platform", "")
    platform = record_platform_get(membership=request.membership, pk=int(text) if text.isdigit() else None)
    return platform, platform_record(platform=platform, months=MONTHS) if platform is not None else []


@staff_view(PlatformPerm.RECORD_VIEW)
@require_GET
def record(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    platform, records = _chosen(request)
    return render(
        request,
        "platforms/record.html",
        {"platform": platform, "platforms": record_platforms(membership=acting), "records": records},
    )


@staff_view(PlatformPerm.RECORD_VIEW)
@require_GET
def record_download(request: StaffRequest) -> HttpResponse:
    acting = request.membership
    platform, records = _chosen(request)
    if platform is not None:
        audit.record(
            action=AuditAction.EXPORT,
            actor=acting.user,
            agency=acting.agency,
            obj=platform,
            reason="platform record",
        )
    response = HttpResponse(record_csv(records=records), content_type="text/csv; charset=utf-8")
    name = slugify(platform.name) if platform is not None else "none"
    response["Content-Disposition"] = f'attachment; filename="platform-record-{name}.csv"'
    return response
