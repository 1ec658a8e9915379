"""The code page of a child who blocked pictures, with what apps said of them, passes axe-core in
every language and keeps the quick-exit button (the news is in the page's HTML and needs no script:
tests/platforms/test_child_feedback.py reads it without one)."""

import hashlib

import pytest

from childshield.accounts.models import Agency, AgencyKind
from childshield.hashing.models import ApiScope
from childshield.hashing.services import api_key_create
from childshield.intake.models import BlockedImage, SelfSubmittedPolicy
from childshield.intake.services import FileHashes, ReportContent, blocked_images_submit
from childshield.platforms.services.feedback import FeedbackItem, signal_feedback_record
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import open_thread

pytestmark = pytest.mark.django_db(transaction=True)


def _file(seed: bytes) -> FileHashes:
    md5, sha256 = hashlib.md5(seed).hexdigest(), hashlib.sha256(seed).hexdigest()
    return FileHashes(kind="image", md5=md5, sha256=sha256)


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_code_page_with_apps_feedback_is_accessible(live_server, page, axe, language):
    hotline = Agency.objects.create(country="VN", name="National Hotline (test)", kind=AgencyKind.HOTLINE)
    SelfSubmittedPolicy.objects.create(agency=hotline, share_at_once=True)
    receipt = blocked_images_submit(
        content=ReportContent(about="me", safe_now="", harms=["threatened"]),
        files=[_file(b"first"), _file(b"second"), FileHashes(kind="video", md5="1" * 32, sha256="2" * 64)],
        idempotency_key=f"feedback-a11y-{language}",
        language=language,
    )
    platform = Agency.objects.create(country="VN", name="Chat App (test)", kind=AgencyKind.PLATFORM)
    key, _secret = api_key_create(agency=platform, name="Sync", scopes=[ApiScope.BANKS_READ], created_by=None)
    images = list(BlockedImage.objects.filter(report=receipt.report).select_related("entry__bank"))
    verdicts = {1: "blocked", 2: "pending_review", 3: "not_blocked"}
    items = [FeedbackItem(entry_id=image.entry_id, verdict=verdicts[image.file_number]) for image in images]
    signal_feedback_record(key=key, bank=images[0].entry.bank, items=items)

    open_thread(page, live_server.url, language, receipt.report.display_reference, receipt.display_passphrase)

    assert page.locator("[data-blocked-pictures] li").count() == 3
    assert page.locator("[data-quick-exit]").is_visible()
    assert_accessible(axe, page)
