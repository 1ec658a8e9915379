"""Alerts to the administrators: e-mailed at once, each kind at most once per ALERT_REPEAT_MINUTES,
with a count of those held back; recorded in the database, since the cache may be what is down."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from childshield.core.alerts import administrators_alert
from childshield.core.models import AdministratorAlert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def administrators(settings):
    settings.ADMINS = [("", "admin@example.org")]
    settings.ALERT_REPEAT_MINUTES = 60


def test_one_fault_is_e_mailed_once_an_hour_with_the_repeats_counted():
    assert administrators_alert(kind="health.database", summary="The database answers slowly.")
    assert not administrators_alert(kind="health.database", summary="The database answers slowly.")
    assert not administrators_alert(kind="health.database", summary="The database answers slowly.")
    # Another kind of fault is not held back by the first.
    assert administrators_alert(kind="health.broker", summary="The broker does not answer.")
    assert [message.subject for message in mail.outbox] == [
        "[childshield] The database answers slowly.",
        "[childshield] The broker does not answer.",
    ]
    assert mail.outbox[0].to == ["admin@example.org"]

    AdministratorAlert.objects.filter(kind="health.database").update(
        last_sent_at=timezone.now() - timedelta(minutes=61)
    )
    assert administrators_alert(kind="health.database", summary="The database is back to slow.")
    assert "2 more alert(s) of this kind were held back" in mail.outbox[-1].body


def test_an_alert_goes_out_even_when_the_database_cannot_record_it(monkeypatch):
    from django.db import OperationalError

    def broken(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("childshield.core.alerts._due", broken)
    assert administrators_alert(kind="health.database-down", summary="The database does not answer.")
    # Held back in the process instead.
    assert not administrators_alert(kind="health.database-down", summary="The database does not answer.")
    assert len(mail.outbox) == 1
