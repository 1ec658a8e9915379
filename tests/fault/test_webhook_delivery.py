"""A notice to a platform with a webhook, through a real Redis broker and Celery worker: the item is
confirmed while the broker is down; once it is back, the notice goes out, and its webhook delivery
reaches the platform's server, which fails twice and then accepts: delivered once, signed."""

import json
import time
from datetime import timedelta

import pytest
from celery import Celery
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.hotline.models import HostingProvider, NoticeState
from childshield.hotline.services.assessment import assessment_confirm, assessment_record
from childshield.hotline.services.items import content_item_report
from childshield.outbox.models import OutboxItem, OutboxState
from childshield.platforms.models import PlatformHost, WebhookDelivery
from childshield.platforms.services.credentials import platform_credential_create
from childshield.platforms.services.webhooks import WEBHOOK_DELIVER, webhook_subscribe
from tests.fault.servers import CeleryWorker, RedisServer, sweep_now, wait_for
from tests.fault.test_notice_outage import tasks_sent_to
from tests.hotline.conftest import abuse
from tests.platforms.test_api_docs import verify_snippet
from tests.platforms.test_webhooks import Receiver

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_a_notice_confirmed_while_the_broker_is_down_reaches_the_webhook_once_after_two_failures(
    redis_server: RedisServer, process_env, settings, make_member
):
    settings.PLATFORMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    hotline = Agency.objects.create(country="VN", name="Hotline (fault test)", kind=AgencyKind.HOTLINE)
    analyst = make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    second = make_member(email="second@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    platform, _key, _secret = platform_credential_create(
        name="Video App (fault test)", country="VN", scopes=["notices"]
    )
    # An address by number, so that tracing it asks no name server; its network names the platform.
    provider = HostingProvider.objects.create(
        name="Video App", is_platform=True, networks=["192.0.2.0/24"], abuse_email="abuse@video.example"
    )
    PlatformHost.objects.create(platform=platform, provider=provider)
    receiver = Receiver(failures=2)
    worker = CeleryWorker(
        {**process_env, "PLATFORMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true", "OUTBOX_BACKOFF_SECONDS": "1"}
    )
    try:
        _subscription, secret = webhook_subscribe(platform=platform, url=receiver.url)
        confirmed_at = timezone.now() - timedelta(minutes=2)  # the sweep takes items confirmed a minute ago

        redis_server.kill()
        with tasks_sent_to(redis_server.url(0)):
            item = content_item_report(acting=analyst, url="http://192.0.2.10/v/1", source="analyst")
            assessment = assessment_record(acting=analyst, item=item, data=abuse(), now=confirmed_at)
            assessment_confirm(acting=second, assessment=assessment, now=confirmed_at)
        assert not item.notices.exists()

        redis_server.start()
        worker.start()
        Celery(broker=redis_server.url(0)).send_task("childshield.hotline.tasks.notices_due")
        wait_for(
            lambda: item.notices.filter(state=NoticeState.SENT).exists(), seconds=60, what="the notice sent"
        )

        def delivered() -> bool:
            if WebhookDelivery.objects.filter(delivered_at__isnull=False).exists():
                return True
            sweep_now(redis_server)  # what beat does each minute: the retries that are due
            time.sleep(0.5)
            return False

        wait_for(delivered, seconds=90, what="the webhook delivery")
    finally:
        worker.stop()
        receiver.close()

    assert len(receiver.received) == 3
    assert len({headers["Childshield-Delivery"] for headers, _body in receiver.received}) == 1
    headers, body = receiver.received[-1]
    assert verify_snippet()(secret, body, headers["Childshield-Signature"])
    assert json.loads(body)["item"]["url"] == "http://192.0.2.10/v/1"
    assert WebhookDelivery.objects.count() == 1
    assert OutboxItem.objects.get(kind=WEBHOOK_DELIVER).state == OutboxState.DELIVERED
