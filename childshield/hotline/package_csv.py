"""A referral package's items as CSV, for recipients whose tools read spreadsheets, not JSON."""

import csv
import io
from typing import Any

CSV_COLUMNS = (
    "reference", "url", "host", "hosting_country", "provider", "status", "classification", "category",
    "content_type", "apparent_age", "interpol_baseline", "commercial", "first_reported_at", "confirmed_at",
    "first_notice_at", "removed_at", "md5", "sha256", "pdq", "custody_events",
)  # fmt: skip


def package_csv(document: dict[str, Any]) -> str:
    """The package's items as CSV: one row per item and evidence hash set (custody as a count)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    payload = document.get("payload", document)
    for item in payload.get("items", []):
        for hashes in item["hashes"] or [{}]:
            row = {**item, **hashes, "custody_events": len(item["chain_of_custody"])}
            writer.writerow(["" if row.get(column) is None else row.get(column) for column in CSV_COLUMNS])
    return out.getvalue()
