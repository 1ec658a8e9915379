"""An item confirmed while the broker is down: its first notice is sent by the minute sweep once the
broker is back, once."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.celery import app as celery_app
from childshield.hotline.models import HostingProvider, NoticeState
from childshield.hotline.services.assessment import assessment_confirm, assessment_record
from childshield.hotline.services.items import content_item_report
from childshield.hotline.tasks import notices_due
from tests.fault.actions import message_ids
from tests.fault.servers import CeleryWorker, RedisServer, wait_for
from tests.hotline.conftest import abuse

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


@contextmanager
def tasks_sent_to(broker_url: str) -> Iterator[None]:
    """This test process hands its tasks to `broker_url` instead of running them in place.

    Celery keeps a connection pool per application; it is dropped so that the new URL is used.
    """
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, broker_url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def test_a_notice_for_an_item_confirmed_while_the_broker_is_down_goes_out_once_it_is_back(
    redis_server: RedisServer, worker: CeleryWorker, mail_dir: Path, make_member, mailoutbox
):
    hotline = Agency.objects.create(country="VN", name="Hotline (fault test)", kind=AgencyKind.HOTLINE)
    analyst = make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    second = make_member(email="second@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    # An address by number, so that tracing it asks no name server; its network names the provider.
    HostingProvider.objects.create(
        name="Example Hosting", networks=["192.0.2.0/24"], country="NL", abuse_email="abuse@hosting.example"
    )
    confirmed_at = timezone.now() - timedelta(minutes=2)  # the sweep takes items confirmed a minute ago

    redis_server.kill()
    with tasks_sent_to(redis_server.url(0)):
        item = content_item_report(acting=analyst, url="http://192.0.2.10/a", source="analyst")
        assessment = assessment_record(acting=analyst, item=item, data=abuse(), now=confirmed_at)
        assessment_confirm(acting=second, assessment=assessment, now=confirmed_at)
    assert not item.notices.exists()

    redis_server.start()
    worker.start()
    Celery(broker=redis_server.url(0)).send_task("childshield.hotline.tasks.notices_due")
    wait_for(lambda: item.notices.filter(state=NoticeState.SENT).exists(), seconds=60, what="the notice sent")
    assert len(message_ids(mail_dir)) == 1
    # The next minute's sweep finds nothing more to send.
    assert notices_due() == 0
    assert item.notices.count() == 1 and mailoutbox == []
