"""The demo's reports: made once, openable as a child would, with a reply from the demo counsellor."""

import pytest

from childshield.demo.figures import REPORT_KEY_PREFIX
from childshield.demo.intake import DEMO_REPORTS, DEMO_THREAD_PASSPHRASE, demo_intake_seed
from childshield.intake.models import Report, ReportMessage

pytestmark = pytest.mark.django_db


def test_the_demo_reports_are_made_once_and_open_with_the_demo_code(demo, client):
    assert f"demo reports ({len(DEMO_REPORTS)} new)" in demo.created
    assert demo_intake_seed() == 0
    # The web reports told as stories (not the figures' records, block-image requests or the chats).
    stories = Report.objects.exclude(channel__in=["block_image", "telegram", "zalo", "chat"]).exclude(
        idempotency_key__startswith=REPORT_KEY_PREFIX
    )
    assert stories.count() == len(DEMO_REPORTS)
    assert ReportMessage.objects.filter(sender="staff").exists()
    html = client.post(
        "/en/report/status/", {"reference": "DEMA-2345", "passphrase": DEMO_THREAD_PASSPHRASE}
    ).content.decode()
    assert "It is not your fault." in html
    assert "I blocked him." in html
