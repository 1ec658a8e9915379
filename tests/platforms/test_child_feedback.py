"""A child who blocked pictures reads on their code page what apps said of each one (counts, never
which apps, never the hashes), and hears once in their thread when an app first blocks one."""

import json

import pytest
from django.test import Client

from childshield.accounts.models import Role
from childshield.audit.models import AuditEvent
from childshield.intake import hooks, services
from childshield.intake.models import BlockedImage, Report, ReportMessage, SelfSubmittedPolicy, Sender
from childshield.intake.selectors import blocked_pictures_for_reporter
from childshield.outbox.models import OutboxItem
from childshield.platforms import sync
from tests.intake.conftest import Sent, form_token, receipt_of
from tests.intake.test_block_image import picture
from tests.platforms.conftest import post

pytestmark = pytest.mark.django_db

NOTHING_YET = "They have not said anything about it yet."
BLOCKING = "1 app or website is blocking it."


@pytest.fixture
def at_once(hotline):
    """The hotline shares children's hashes at once, so a child's pictures are banked as they arrive."""
    return SelfSubmittedPolicy.objects.create(agency=hotline, share_at_once=True)


def block(*seeds: str) -> Sent:
    """A child blocks pictures through the real page (the hashes only, as its script sends them)."""
    child = Client()
    token = form_token(child.get("/en/block-image/").content.decode())
    hashes = json.dumps([picture(seed) for seed in seeds])
    data = {"hashes": hashes, "form_token": token, "contact_method": "none"}
    return receipt_of(child.post("/en/block-image/", data).content.decode())


def code_page(sent: Sent, language: str = "en") -> str:
    response = Client().post(
        f"/{language}/report/status/", {"reference": sent.code, "passphrase": sent.passphrase}
    )
    assert response.status_code == 200
    return response.content.decode()


def entries_of(sent: Sent, file_number: int = 1) -> list[BlockedImage]:
    report = Report.objects.get(reference=sent.code.replace("-", ""))
    return list(BlockedImage.objects.filter(report=report, file_number=file_number).select_related("entry"))


def feedback(client, images, verdict):
    bank = images[0].entry.bank
    body = {"feedback": [{"id": image.entry_id, "verdict": verdict} for image in images]}
    answer = post(client, f"/api/v1/banks/{bank.pk}/signals/feedback/", body)
    assert answer.status_code == 200, answer.content
    return answer


def test_a_platforms_feedback_shows_on_the_childs_code_page_and_not_on_another_childs(
    platform, at_once, django_capture_on_commit_callbacks
):
    child, other = block("mine-1", "mine-2"), block("theirs")
    with django_capture_on_commit_callbacks(execute=True):
        feedback(platform, entries_of(child), "blocked")

    html = code_page(child)
    first, second = html.split('data-picture="1"')[1].split('data-picture="2"')
    assert BLOCKING in first and NOTHING_YET in second
    assert "Video App" not in html  # the platform is not named
    assert all(image.value not in html for image in entries_of(child))
    assert BLOCKING not in code_page(other) and NOTHING_YET in code_page(other)


def test_every_verdict_is_said_in_words_and_each_app_counts_once_per_picture(
    platform, other_platform, at_once
):
    child = block("mine")
    md5, pdq, sha256 = sorted(entries_of(child), key=lambda image: image.algorithm)
    feedback(platform, [md5, sha256], "pending_review")
    feedback(platform, [pdq], "blocked")  # the same app blocking one hash of the picture blocks it
    feedback(other_platform, [md5], "not_blocked")

    html = code_page(child)

    assert BLOCKING in html
    assert "checking it" not in html
    assert "1 app or website did not block it. If this worries you, write to us below." in html


def test_with_no_feedback_the_page_says_apps_have_not_said_anything_yet(at_once):
    assert NOTHING_YET in code_page(block("mine"))


def test_waiting_and_not_shared_pictures_say_so_without_blame(hotline, make_member):
    child = block("mine-1", "mine-2")
    analyst = make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    services.blocked_images_decide(acting=analyst, images=entries_of(child, 2), accept=False)

    html = code_page(child)

    assert "Waiting for a person from our team to check it." in html
    assert "You did nothing wrong." in html


def test_without_a_registered_provider_the_page_works_as_before(platform, at_once, monkeypatch):
    child = block("mine")
    feedback(platform, entries_of(child), "blocked")
    monkeypatch.setattr(hooks, "_BLOCKED_IMAGE_OUTCOMES", [])

    html = code_page(child)

    assert NOTHING_YET in html and BLOCKING not in html
    assert 'name="thread_token"' in html


def test_reading_the_page_writes_nothing_but_the_audit_of_the_opening(platform, at_once):
    child = block("mine")
    feedback(platform, entries_of(child), "blocked")
    before = (ReportMessage.objects.count(), OutboxItem.objects.count(), AuditEvent.objects.count())

    code_page(child)

    after = (ReportMessage.objects.count(), OutboxItem.objects.count(), AuditEvent.objects.count())
    assert after == (before[0], before[1], before[2] + 1)
    assert AuditEvent.objects.order_by("-pk").first().reason == "reporter opened the thread"


def test_the_page_reads_every_pictures_feedback_in_one_query(platform, at_once, django_assert_num_queries):
    child = block("a", "b", "c", "d")
    feedback(platform, [image for number in (1, 2, 3, 4) for image in entries_of(child, number)], "blocked")
    report = Report.objects.get(reference=child.code.replace("-", ""))

    with django_assert_num_queries(2):  # the report's hashes, then the feedback on them
        pictures = blocked_pictures_for_reporter(report=report)
    assert [picture.blocking for picture in pictures] == [1, 1, 1, 1]


def test_the_child_hears_once_per_picture_when_an_app_first_blocks_it(
    platform, other_platform, at_once, django_capture_on_commit_callbacks
):
    child, other = block("mine-1", "mine-2"), block("theirs")
    with django_capture_on_commit_callbacks(execute=True):
        feedback(platform, entries_of(child, 1)[:1], "blocked")
        feedback(platform, entries_of(child, 1), "blocked")  # the same word again, and on the other hashes
        feedback(other_platform, entries_of(child, 1), "blocked")  # a second app
        feedback(platform, entries_of(child, 2), "pending_review")  # not blocked yet: no news

    news = ReportMessage.objects.filter(sender=Sender.AUTOMATIC)
    assert [message.report.reference for message in news] == [child.code.replace("-", "")]
    assert news.get().body.startswith("Good news: an app or website that works with us told us")
    assert "it is blocking your picture 1." in news.get().body
    assert news.get().body in code_page(child)
    assert "Good news" not in code_page(other)


def test_the_provider_names_no_platform_and_reads_by_entry(platform, credential, at_once):
    child = block("mine")
    images = entries_of(child)
    feedback(platform, images, "blocked")

    outcomes = sync.blocked_image_outcomes(entry_ids=[image.entry_id for image in images])

    assert {entry for entry in outcomes} == {image.entry_id for image in images}
    assert {word.app for words in outcomes.values() for word in words} == {credential[0].pk}
