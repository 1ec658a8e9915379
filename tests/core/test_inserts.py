"""Rows of several models written together: all of them, with the ORM's defaults, or none."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from childshield.accounts.models import Agency, AgencyKind
from childshield.audit import services as audit
from childshield.audit.context import current_request_id
from childshield.audit.models import AuditAction, AuditEvent
from childshield.core.inserts import insert_together
from childshield.hashing.models import MatchChannel, MatchRecord

pytestmark = pytest.mark.django_db


def record(value: str, *, matched: bool | None = False, result: list[object] | None = None) -> MatchRecord:
    return MatchRecord(
        channel=MatchChannel.API, algorithm="md5", value=value, matched=matched, result=result or []
    )


def test_every_group_is_written_with_its_defaults_and_prepared_values():
    agency = Agency.objects.create(country="VN", name="Platform (test)", kind=AgencyKind.PLATFORM)
    token = current_request_id.set("req-inserts")
    try:
        event = audit.event(
            action=AuditAction.VIEW, agency=agency, object_type="hashing.MatchRecord", reason="r"
        )
    finally:
        current_request_id.reset(token)
    with CaptureQueriesContext(connection) as captured:
        insert_together(
            [
                record("1" * 32, matched=True, result=[{"entry": 7, "bank": 3, "distance": 0}]),
                record("2" * 32),
            ],
            [],
            [event],
        )
    rows = list(MatchRecord.objects.order_by("pk").values_list("value", "matched", "result", "at"))
    assert [row[:3] for row in rows] == [
        ("1" * 32, True, [{"entry": 7, "bank": 3, "distance": 0}]),
        ("2" * 32, False, []),
    ]
    assert all(row[3] is not None for row in rows)  # the field's default, taken when the row was made
    saved = AuditEvent.objects.get()
    assert (saved.agency_id, saved.agency_label, saved.reason, saved.request_id) == (
        str(agency.pk),
        "Platform (test)",
        "r",
        "req-inserts",
    )
    if connection.vendor == "postgresql":
        assert len(captured) == 1  # one round trip, no BEGIN or COMMIT of its own


@pytest.mark.django_db(transaction=True)  # in autocommit, as the match API calls it: no transaction around
def test_a_row_that_cannot_be_written_leaves_none_of_the_others():
    event = audit.event(action=AuditAction.VIEW, object_type="hashing.MatchRecord", reason="r")
    assert connection.get_autocommit()
    with pytest.raises(IntegrityError):
        insert_together([record("1" * 32)], [event], [record("3" * 32, matched=None)])  # matched is NOT NULL
    assert not MatchRecord.objects.exists()
    assert not AuditEvent.objects.exists()


def test_nothing_to_write_is_no_statement():
    with CaptureQueriesContext(connection) as captured:
        insert_together([], [])
    assert captured.captured_queries == []
