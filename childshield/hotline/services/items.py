"""Reported addresses become items: one item per normalised address and hotline, every report a source."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency, AgencyKind, Membership
from childshield.accounts.permissions import require
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hotline import selectors
from childshield.hotline.custody import custody_record
from childshield.hotline.deliveries import REPORT_ADDRESSES_FILE
from childshield.hotline.models import ContentItem, ContentItemSource, SourceKind
from childshield.hotline.permissions import HotlinePerm
from childshield.hotline.urlnorm import normalise_url, url_key
from childshield.intake.models import Report
from childshield.outbox.services import outbox_enqueue


@transaction.atomic
def content_item_report(
    *,
    acting: Membership | None,
    url: str,
    source: SourceKind | str,
    report: Report | None = None,
    reference: str = "",
    agency: Agency | None = None,
    now: datetime | None = None,
) -> ContentItem:
    """File one report of an address: a new item, or one more source of the item already holding it.

    Without an acting member (a child's report, a platform, a partner) the item goes to `agency`, or
    to the hotline of the report's country. A malformed address raises InvalidUrl (an
    ApplicationError with a translated message) and nothing is written: the report keeps it.
    """
    now = now or timezone.now()
    if acting is not None:
        require(acting, HotlinePerm.ITEM_REPORT)
        agency = acting.agency
    elif agency is None and report is not None:
        agency = selectors.hotline_agency_for(country=report.country)
    if agency is None or agency.kind != AgencyKind.HOTLINE:
        raise ApplicationError(_("No hotline receives reported addresses here."), code="no_hotline")
    if source not in SourceKind.values:
        raise ApplicationError(_("Unknown source of the report."), code="invalid")
    normalised = normalise_url(url)
    key = url_key(normalised.url)
    item = ContentItem.objects.select_for_update().filter(agency=agency, url_key=key).first()
    created = False
    if item is None:
        try:
            with transaction.atomic():
                item = ContentItem.objects.create(
                    agency=agency,
                    url=normalised.url,
                    url_key=key,
                    host=normalised.host,
                    display_host=normalised.display_host,
                    first_reported_at=now,
                )
        except IntegrityError:
            # The same address arrived twice at the same moment and the other report made the item.
            item = ContentItem.objects.select_for_update().get(agency=agency, url_key=key)
        else:
            created = True
            custody_record(acting, AuditAction.CREATE, item, f"reported through {source}", agency)
    elif report is not None and item.sources.filter(report=report).exists():
        return item  # the same report filed twice is one source
    ContentItemSource.objects.create(
        item=item,
        kind=source,
        report=report,
        reference=reference.strip()[:200],
        added_by=acting,
        reported_at=now,
    )
    if not created:
        if now < item.first_reported_at:
            item.first_reported_at = now
            item.save(update_fields=["first_reported_at", "updated_at"])
        custody_record(acting, AuditAction.UPDATE, item, f"reported again through {source}", agency)
    return item


@dataclass(frozen=True)
class LineResult:
    number: int
    text: str
    item: ContentItem | None = None
    error: str = ""


def content_items_report_lines(
    *, acting: Membership, text: str, source: SourceKind | str = SourceKind.ANALYST, reference: str = ""
) -> list[LineResult]:
    """Report one address per line; each good line is saved on its own, each bad one says why."""
    require(acting, HotlinePerm.ITEM_REPORT)
    results: list[LineResult] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            item = content_item_report(acting=acting, url=line, source=source, reference=reference)
        except ApplicationError as error:
            results.append(LineResult(number, line, error=str(error.message)))
        else:
            results.append(LineResult(number, line, item=item))
    return results


def report_addresses_enqueue(*, report: Report) -> None:
    """Intake's hook, in the transaction that saves a new report: its addresses are filed by a worker.

    An outbox item, so that the filing is never lost (the broker may be down) and never slows or
    breaks the child's submission.
    """
    if report.urls:
        outbox_enqueue(
            kind=REPORT_ADDRESSES_FILE,
            payload={"report_id": report.pk},
            idempotency_key=f"report-{report.pk}",
        )


def report_addresses_file(*, report_id: int, now: datetime | None = None) -> list[LineResult]:
    """File every address of a child's report with the hotline of its country; bad ones are listed.

    Delivered by the outbox from intake's hook (intake may not import the hotline). Running it again
    for the same report adds nothing: an item lists a report once; a report gone since files nothing.
    """
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return []
    results: list[LineResult] = []
    for number, url in enumerate(report.urls or [], start=1):
        try:
            item = content_item_report(
                acting=None,
                url=str(url),
                source=SourceKind.REPORT,
                report=report,
                now=now or report.created_at,
            )
        except ApplicationError as error:
            results.append(LineResult(number, str(url), error=str(error.message)))
        else:
            results.append(LineResult(number, str(url), item=item))
    return results
