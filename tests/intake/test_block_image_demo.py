"""The demo's request to block pictures: made once, waiting for the demo hotline, openable with its code."""

import pytest

from childshield.demo.intake import DEMO_BLOCK_IMAGE_REFERENCE, DEMO_THREAD_PASSPHRASE, demo_block_image_seed
from childshield.intake.models import BlockedImage, BlockedImageState, Channel, Report

pytestmark = pytest.mark.django_db


def test_the_demo_request_waits_for_the_demo_hotline_and_opens_with_its_code(demo, client):
    assert "demo block-image requests (1 new)" in demo.created
    assert demo_block_image_seed() == 0
    report = Report.objects.get(reference=DEMO_BLOCK_IMAGE_REFERENCE)
    assert report.channel == Channel.BLOCK_IMAGE
    images = BlockedImage.objects.filter(report=report)
    assert images.count() == 8  # two pictures with three hashes each, a video with two
    assert {image.state for image in images} == {BlockedImageState.PENDING}
    assert {image.hotline.kind for image in images} == {"hotline"}
    html = client.post(
        "/en/report/status/", {"reference": "DEME-2345", "passphrase": DEMO_THREAD_PASSPHRASE}
    ).content.decode()
    assert "Your messages" in html
