"""The demo's request to block pictures: made once, openable with its code; its first picture is in
the bank and blocked by the demo platform, ChatNhanh, and the others wait for the demo hotline."""

import pytest

from childshield.demo.intake import DEMO_BLOCK_IMAGE_REFERENCE, DEMO_THREAD_PASSPHRASE, demo_block_image_seed
from childshield.demo.platforms import demo_block_image_feedback_seed
from childshield.intake.models import BlockedImage, BlockedImageState, Channel, Report, ReportMessage, Sender
from childshield.intake.picture_news import PICTURE_BLOCKED_NEWS
from childshield.outbox.models import OutboxItem
from childshield.outbox.services import outbox_item_deliver

pytestmark = pytest.mark.django_db


def test_the_demo_request_waits_for_the_demo_hotline_and_opens_with_its_code(demo, client):
    assert "demo block-image requests (1 new)" in demo.created
    assert "demo feedback on a child's picture (3 new)" in demo.created
    assert demo_block_image_seed() == 0
    assert demo_block_image_feedback_seed(reference=DEMO_BLOCK_IMAGE_REFERENCE) == 0
    report = Report.objects.get(reference=DEMO_BLOCK_IMAGE_REFERENCE)
    assert report.channel == Channel.BLOCK_IMAGE
    images = BlockedImage.objects.filter(report=report)
    assert images.count() == 8  # two pictures with three hashes each, a video with two
    states = {(image.file_number, image.state) for image in images}
    waiting = BlockedImageState.PENDING
    assert states == {(1, BlockedImageState.ACCEPTED), (2, waiting), (3, waiting)}
    assert {image.hotline.kind for image in images} == {"hotline"}
    # The child's news, delivered by a worker (the seeding's transaction is the test's, never committed).
    outbox_item_deliver(item_id=OutboxItem.objects.get(kind=PICTURE_BLOCKED_NEWS).pk)
    assert ReportMessage.objects.filter(report=report, sender=Sender.AUTOMATIC).count() == 1
    html = client.post(
        "/en/report/status/", {"reference": "DEME-2345", "passphrase": DEMO_THREAD_PASSPHRASE}
    ).content.decode()
    assert "Your messages" in html
    assert "1 app or website is blocking it." in html
    assert html.count("Waiting for a person from our team to check it.") == 2
