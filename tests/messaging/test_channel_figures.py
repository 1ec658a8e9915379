"""Contacts and reports by channel (issue 19): a chat app's conversation is a report counted under its
channel in the indicators, and the contact a counsellor logs from it is counted under the same
channel in the helpline's CHI submission."""

import pytest
from django.utils import timezone

from childshield.core.periods import Period
from childshield.helpline import selectors
from childshield.helpline.forms import initial_from_report
from childshield.helpline.models import Category
from childshield.helpline.services.contacts import ContactDetails, contact_log
from childshield.insights.figures.indicators import BY_CODE, Place, indicator_table, place_key
from childshield.insights.figures.publication import published_for
from childshield.insights.figures.refresh import refresh
from childshield.intake import conversations
from childshield.intake.models import Channel
from tests.helpline.conftest import chi_values
from tests.places.conftest import shipped_data  # noqa: F401

pytestmark = pytest.mark.django_db


def _conversation(channel: Channel, number: int):
    report = conversations.conversation_report_open(channel=channel, idempotency_key=f"figures-{number}")
    conversations.conversation_message_add(report=report, body="hello", idempotency_key=f"figures-m-{number}")
    return report


def test_a_zalo_contact_is_counted_under_zalo_in_the_chi_submission(supervisor, counsellor):
    report = _conversation(Channel.ZALO, 1)
    initial = initial_from_report(report)
    assert initial["channel"] == "zalo"
    contact_log(
        acting=counsellor,
        details=ContactDetails(
            channel=str(initial["channel"]),
            categories=[Category.objects.get(code="online.grooming")],
            summary="made-up summary",
            report=report,
        ),
    )
    now = timezone.localtime()
    values = chi_values(selectors.figures_export(acting=supervisor, period=Period(now.year, now.month)))
    assert values[("channel", "zalo")] == "1"
    assert values[("channel", "telegram")] == "0"


def test_reports_from_chat_apps_are_counted_under_their_channel_in_the_indicators(shipped_data):  # noqa: F811
    for number, channel in enumerate([Channel.TELEGRAM, Channel.TELEGRAM, Channel.ZALO, Channel.MESSENGER]):
        _conversation(channel, number)
    refresh()
    now = timezone.localtime()
    period = Period(now.year, month=now.month)
    place = Place(country="VN", province=None)
    table = indicator_table(
        BY_CODE["R2"],
        place=place,
        period=period,
        previous=None,
        published=published_for(country="VN", place=place_key(place), periods=[period]),
    )
    counted = {cell.item: cell.count for cell in table.cells if cell.count}
    assert counted == {"telegram": 2, "zalo": 1, "messenger": 1}
