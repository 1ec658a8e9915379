"""Backups' cast: a case with its child and an attachment, a child's report, and a hotline item with
its evidence, all made through the real services with made-up people and synthetic pictures; the
backup keys; and a wipe that leaves the database and the storage as a new server's."""

from dataclasses import dataclass

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models import Case
from childshield.cases.models.notes import Attachment
from childshield.cases.services.attachments import attachment_add
from childshield.hashing.synthetic import synthetic_picture
from childshield.hotline.models import Evidence
from childshield.hotline.services.evidence import evidence_add
from childshield.hotline.services.items import content_item_report
from childshield.intake.models import Report
from childshield.intake.services import ReportContent, report_submit
from childshield.operations.backups import stored_file_columns
from tests.cases.conftest import commune, open_case  # noqa: F401 (fixtures)

# Made for these tests; never a real deployment's key.
BACKUP_KEY = "dGVzdC1vbmx5LWJhY2t1cC1rZXktMzItYnl0ZXMhISE="
OTHER_BACKUP_KEY = "YW5vdGhlci10ZXN0LW9ubHktYmFja3VwLWtleS0zMiE="


@pytest.fixture(autouse=True)
def backup_keys(settings):
    settings.BACKUP_KEYS = [BACKUP_KEY]


@dataclass
class World:
    case: Case
    report: Report
    evidence: Evidence
    attachment: Attachment
    picture: bytes
    scan: bytes


@pytest.fixture
def world(make_member, worker, open_case) -> World:  # noqa: F811 (open_case: the fixture imported above)
    case = open_case(worker)
    scan = synthetic_picture(2, seed=7, label="synthetic scan")
    attachment = attachment_add(
        acting=worker,
        case=case,
        upload=SimpleUploadedFile("consent.png", scan, content_type="image/png"),
        description="Signed consent form",
    )
    receipt = report_submit(
        content=ReportContent(
            about="me",
            safe_now="yes",
            description="Someone keeps messaging me at night.",
            contact_method="phone",
            contact="0900 000 111",
        ),
        idempotency_key="backup-test-report",
    )
    hotline = Agency.objects.create(country="VN", name="Child Online Hotline (test)", kind=AgencyKind.HOTLINE)
    analyst = make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    item = content_item_report(acting=analyst, url="https://example.org/pic", source="analyst")
    picture = synthetic_picture(1, seed=7, label="synthetic evidence")
    evidence = evidence_add(
        acting=analyst,
        item=item,
        upload=SimpleUploadedFile("capture.png", picture, content_type="application/octet-stream"),
    )
    return World(case, receipt.report, evidence, attachment, picture, scan)


def stored_names() -> list[str]:
    """Every name of a stored file the database holds, read as the backup reads them."""
    names = []
    with connection.cursor() as cursor:
        for table, column in stored_file_columns():
            cursor.execute(f'SELECT "{column}" FROM "{table}"')
            names += [name for (name,) in cursor.fetchall() if name]
    return names


def wipe() -> None:
    """The database and the storage as on a new server: no table, no stored file of the records."""
    for name in stored_names():
        default_storage.delete(name)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
    assert connection.introspection.table_names() == []
