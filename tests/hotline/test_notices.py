"""Notices: the first goes out right after confirmation; failures are retried with backoff and never
lost; re-notices after the configured time; escalation after N notices; bounces recorded."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from childshield.core.errors import ApplicationError
from childshield.hotline.models import HostingTrace, ItemStatus, NoticeState, RecipientKind
from childshield.hotline.services.assessment import AssessmentInput, assessment_confirm, assessment_record
from childshield.hotline.services.bounces import notice_mark_bounced
from childshield.hotline.services.items import content_item_report
from childshield.hotline.services.notices import (
    items_renotice_due,
    notice_first_send,
    notice_queue,
    notices_first_send_due,
    notices_retry_due,
)

from .conftest import T0, confirmed_item, fake_trace


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPServerDisconnected("the relay hung up")


FAILING = "tests.hotline.test_notices.RefusingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def test_the_first_notice_goes_out_within_a_minute_of_confirmation(
    analyst, second_analyst, traced_to_provider, django_capture_on_commit_callbacks
):
    item = content_item_report(acting=analyst, url="https://host.example/a", source="analyst")
    assessment = assessment_record(acting=analyst, item=item, data=AssessmentInput("harmful"))
    with django_capture_on_commit_callbacks(execute=True):
        assessment_confirm(acting=second_analyst, assessment=assessment)
    item.refresh_from_db()
    notice = item.notices.get()
    assert notice.state == NoticeState.SENT
    assert (notice.sent_at - item.confirmed_at) < timedelta(minutes=1)
    assert item.status == ItemStatus.NOTICE_SENT
    [message] = mail.outbox
    assert "https://host.example/a" in message.body
    assert "harmful to children" in message.body.lower()


def test_a_platform_gets_the_platform_notice(analyst, second_analyst, monkeypatch, provider):
    provider.is_platform = True
    provider.domains = ["video.example"]
    provider.asns = []
    provider.save()
    monkeypatch.setattr("childshield.hotline.tracing.trace_host", fake_trace(asn=None))
    item = confirmed_item("https://m.video.example/watch/1", analyst=analyst, second=second_analyst)
    notice = notice_first_send(item_id=item.pk, now=T0)
    assert notice.recipient_kind == RecipientKind.PLATFORM
    assert "your platform" in mail.outbox[0].subject


def test_a_failed_send_is_kept_and_retried_with_backoff(
    settings, analyst, second_analyst, traced_to_provider
):
    settings.EMAIL_BACKEND = FAILING
    item = confirmed_item("https://host.example/b", analyst=analyst, second=second_analyst)
    notice = notice_first_send(item_id=item.pk, now=T0)
    assert notice.state == NoticeState.FAILED and notice.attempts == 1
    assert notice.last_error == "SMTPServerDisconnected"
    assert notice.next_attempt_at == T0 + timedelta(minutes=1)
    item.refresh_from_db()
    assert item.status == ItemStatus.CONFIRMED and item.notice_count == 0

    assert notices_retry_due(now=T0 + timedelta(seconds=30)) == 0
    assert notices_retry_due(now=T0 + timedelta(minutes=1)) == 1
    notice.refresh_from_db()
    assert notice.attempts == 2 and notice.next_attempt_at == T0 + timedelta(minutes=6)

    settings.EMAIL_BACKEND = LOCMEM
    assert notices_retry_due(now=T0 + timedelta(minutes=6)) == 1
    notice.refresh_from_db()
    item.refresh_from_db()
    assert notice.state == NoticeState.SENT and notice.attempts == 3
    assert item.status == ItemStatus.NOTICE_SENT and item.first_notice_at == T0 + timedelta(minutes=6)
    assert len(mail.outbox) == 1
    # Re-noticing waits while a notice is still pending; it counts from the notice actually sent.
    assert items_renotice_due(now=T0 + timedelta(hours=48)) == 0


def test_after_the_last_backoff_the_notice_stays_failed_for_a_person_to_see(
    settings, analyst, second_analyst, traced_to_provider
):
    settings.EMAIL_BACKEND = FAILING
    settings.HOTLINE_NOTICE_BACKOFF_MINUTES = [1, 2]
    item = confirmed_item("https://host.example/c", analyst=analyst, second=second_analyst)
    notice = notice_first_send(item_id=item.pk, now=T0)
    notices_retry_due(now=T0 + timedelta(minutes=1))
    notices_retry_due(now=T0 + timedelta(minutes=3))
    notice.refresh_from_db()
    assert notice.state == NoticeState.FAILED and notice.attempts == 3 and notice.next_attempt_at is None
    assert notices_retry_due(now=T0 + timedelta(days=1)) == 0


def test_no_notice_when_no_contact_is_known_and_a_dns_failure_is_recorded(
    analyst, second_analyst, monkeypatch, provider
):
    monkeypatch.setattr("childshield.hotline.tracing.trace_host", fake_trace(error="nxdomain"))
    item = confirmed_item("https://gone.example/d", analyst=analyst, second=second_analyst)
    assert notice_first_send(item_id=item.pk, now=T0) is None
    trace = HostingTrace.objects.get(item=item)
    assert trace.error == "nxdomain" and trace.addresses == []
    item.refresh_from_db()
    assert item.status == ItemStatus.CONFIRMED and mail.outbox == []
    with pytest.raises(ApplicationError) as refused:
        notice_queue(acting=analyst, item=item)
    assert refused.value.code == "no_recipient"


def test_escalation_to_the_partner_hotline_of_the_hosting_country_after_three_notices(
    analyst, second_analyst, traced_to_provider, partner
):
    item = confirmed_item("https://host.example/e", analyst=analyst, second=second_analyst)
    notice_first_send(item_id=item.pk, now=T0)
    items_renotice_due(now=T0 + timedelta(hours=48))
    items_renotice_due(now=T0 + timedelta(hours=96))
    item.refresh_from_db()
    assert item.notice_count == 3 and item.status == ItemStatus.RENOTICED
    items_renotice_due(now=T0 + timedelta(hours=144))
    item.refresh_from_db()
    assert item.status == ItemStatus.ESCALATED and item.escalated_at == T0 + timedelta(hours=144)
    last = item.notices.order_by("-sequence").first()
    assert last.is_escalation and last.recipient_kind == RecipientKind.PARTNER_HOTLINE
    assert mail.outbox[-1].to == ["report@partner.example"]
    assert "3 notices" in mail.outbox[-1].body
    # Escalated items are not noticed again automatically.
    assert items_renotice_due(now=T0 + timedelta(days=30)) == 0


def test_content_hosted_at_home_is_escalated_to_our_police(
    settings, analyst, second_analyst, monkeypatch, provider
):
    from childshield.hotline.models import PartnerHotline

    settings.HOTLINE_ESCALATE_AFTER_NOTICES = 1
    settings.HOTLINE_RENOTICE_AFTER_HOURS = 24
    PartnerHotline.objects.create(
        name="Police (test)", country="VN", kind=RecipientKind.POLICE, email="cyber@police.example"
    )
    monkeypatch.setattr("childshield.hotline.tracing.trace_host", fake_trace(country="VN"))
    item = confirmed_item("https://host.example/f", analyst=analyst, second=second_analyst)
    notice_first_send(item_id=item.pk, now=T0)
    assert items_renotice_due(now=T0 + timedelta(hours=23)) == 0
    items_renotice_due(now=T0 + timedelta(hours=24))
    assert mail.outbox[-1].to == ["cyber@police.example"]
    assert "police" in mail.outbox[-1].subject.lower()


def test_a_bounce_is_recorded_and_an_analyst_can_send_again(
    analyst, second_analyst, traced_to_provider, django_capture_on_commit_callbacks
):
    item = confirmed_item("https://host.example/g", analyst=analyst, second=second_analyst)
    notice = notice_first_send(item_id=item.pk, now=timezone.now())
    notice_mark_bounced(acting=analyst, notice=notice, detail="550 no such user")
    notice.refresh_from_db()
    assert notice.state == NoticeState.BOUNCED and notice.last_error == "550 no such user"
    with django_capture_on_commit_callbacks(execute=True):
        again = notice_queue(acting=analyst, item=item)
    again.refresh_from_db()
    assert again.sequence == 2 and again.state == NoticeState.SENT


def test_the_notice_says_nothing_about_the_content_but_address_and_category(
    analyst, second_analyst, traced_to_provider
):
    item = content_item_report(acting=analyst, url="https://host.example/h", source="analyst")
    data = AssessmentInput(
        classification="abuse_material",
        illegal_national=True,
        interpol_baseline=True,
        category="C",
        content_type="image",
        apparent_age="14_17",
        commercial=True,
        notes="private analyst note",
    )
    assessment = assessment_record(acting=analyst, item=item, data=data)
    assessment_confirm(acting=second_analyst, assessment=assessment)
    notice_first_send(item_id=item.pk, now=T0)
    body = mail.outbox[0].body
    assert "https://host.example/h" in body and "category C" in body
    for secret in ("private analyst note", "14", "commercial", "image"):
        assert secret not in body.lower()


def test_a_lost_first_notice_task_is_caught_up_by_the_minute_job(
    analyst, second_analyst, traced_to_provider, django_capture_on_commit_callbacks
):
    from childshield.hotline import tasks

    with django_capture_on_commit_callbacks(execute=False):  # the broker was down: the task never ran
        item = confirmed_item("https://host.example/lost", analyst=analyst, second=second_analyst, at=T0)
    assert notices_first_send_due(now=T0 + timedelta(seconds=30)) == 0
    assert notices_first_send_due(now=T0 + timedelta(minutes=2)) == 1
    item.refresh_from_db()
    assert item.status == ItemStatus.NOTICE_SENT and len(mail.outbox) == 1
    # Caught up once: nothing more to catch up.
    assert notices_first_send_due(now=T0 + timedelta(minutes=3)) == 0
    # The periodic task runs it all (here, months later: the re-notice is long due).
    assert tasks.notices_due() == 1


def test_a_platform_notice_also_goes_to_a_registered_platform_channel(
    analyst, second_analyst, monkeypatch, provider, django_capture_on_commit_callbacks
):
    from childshield.hotline import channels

    provider.is_platform = True
    provider.save()
    monkeypatch.setattr("childshield.hotline.tracing.trace_host", fake_trace())
    received = []

    def platform_webhook(notice):  # type: ignore[no-untyped-def]
        received.append(notice.item.url)
        return True

    channels.register(platform_webhook)
    try:
        item = confirmed_item("https://app.example/post/9", analyst=analyst, second=second_analyst)
        with django_capture_on_commit_callbacks(execute=True):
            notice_first_send(item_id=item.pk, now=T0)
    finally:
        channels.unregister(platform_webhook)
    assert received == ["https://app.example/post/9"]
    assert len(mail.outbox) == 1  # the e-mail is the notice of record
    assert any("delivered by platform_webhook" in event.reason for event in services_timeline(item))


def services_timeline(item):  # type: ignore[no-untyped-def]
    from childshield.hotline.selectors import item_timeline

    return item_timeline(item=item)
