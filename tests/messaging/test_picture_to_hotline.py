"""A picture a child sent in a chat (issue 19): never shown to the counsellor, who passes it with one
action to the hotline; the hotline keeps it encrypted, shows it veiled to analysts only, and an
assessment as abuse material puts its hashes in the hotline's bank."""

import pytest
from django.core.files.storage import default_storage

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.hashing.models import HashEntry
from childshield.helpline.services.queue import queue_claim
from childshield.hotline.models import ReceivedImage
from childshield.messaging.models import ChannelKind, ReceivedPicture
from tests.messaging.conftest import deliver_all, synthetic_png
from tests.messaging.test_telegram import signed, update

pytestmark = pytest.mark.django_db

PICTURE = synthetic_png(7)


@pytest.fixture
def analyst(make_member):
    hotline = Agency.objects.create(country="VN", name="Hotline (test)", kind=AgencyKind.HOTLINE)
    return make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)


@pytest.fixture
def chat_with_picture(make_channel, post_json, provider, counsellor):
    channel = make_channel(ChannelKind.TELEGRAM)
    provider.answers["/getFile"] = (
        200,
        {"ok": True, "result": {"file_id": "p", "file_path": "photos/p.png"}},
    )
    provider.files["/file/bottest-token/photos/p.png"] = PICTURE
    signed(
        post_json,
        channel,
        update(1, photo=[{"file_id": "p", "file_unique_id": "p", "width": 320, "height": 240}]),
    )
    deliver_all()
    picture = ReceivedPicture.objects.get()
    queue_claim(acting=counsellor, report=picture.message.report)
    return picture


def test_a_counsellor_passes_a_picture_the_hotline_keeps_encrypted_and_an_analyst_banks_its_hashes(
    chat_with_picture, sign_in, counsellor, analyst, provider
):
    report = chat_with_picture.message.report
    desk = sign_in(counsellor)
    page = desk.get(f"/en/helpline/queue/{report.reference}/reply/").content.decode()
    assert "data-pass-picture" in page and "<img" not in page.split("data-thread")[1].split("</ol>")[0]
    action = f"/en/helpline/queue/{report.reference}/pictures/{chat_with_picture.message_id}/pass/"
    response = desk.post(action, follow=True)
    assert "The picture is with the hotline now." in response.content.decode()
    desk.post(action)  # twice: one picture
    image = ReceivedImage.objects.get()
    with default_storage.open(image.storage_name, "rb") as stored:
        kept = stored.read()
    assert PICTURE not in kept and kept  # encrypted at rest
    assert image.sha256 and image.pdq and image.report_id == report.pk
    assert (
        "Passed to the hotline." in desk.get(f"/en/helpline/queue/{report.reference}/reply/").content.decode()
    )
    # The counsellor cannot open the hotline's copy.
    assert desk.get(f"/en/hotline/pictures/{image.pk}/file/").status_code == 403

    hotline = sign_in(analyst)
    listing = hotline.get("/en/hotline/pictures/").content.decode()
    assert f'data-received-image="{image.pk}"' in listing and "<img" not in listing.split("<main")[-1]
    shown = hotline.get(f"/en/hotline/pictures/?show={image.pk}").content.decode()
    assert f"/en/hotline/pictures/{image.pk}/file/" in shown and "evidence-veiled" in shown
    file = hotline.get(f"/en/hotline/pictures/{image.pk}/file/")
    assert file.status_code == 200 and file.content == PICTURE and "no-store" in file["Cache-Control"]
    hotline.post(f"/en/hotline/pictures/{image.pk}/assess/", {"classification": "abuse_material"})
    image.refresh_from_db()
    assert image.classification == "abuse_material" and image.hashes_banked_at is not None
    banked = set(HashEntry.objects.values_list("algorithm", "value"))
    assert {("pdq", image.pdq), ("md5", image.md5), ("sha256", image.sha256)} <= banked


def test_a_picture_the_app_no_longer_gives_is_said_so_and_nothing_is_kept(
    chat_with_picture, sign_in, counsellor, analyst, provider
):
    report = chat_with_picture.message.report
    provider.answers["/getFile"] = (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: file is gone"},
    )
    response = sign_in(counsellor).post(
        f"/en/helpline/queue/{report.reference}/pictures/{chat_with_picture.message_id}/pass/", follow=True
    )
    assert "The app did not give the picture again." in response.content.decode()
    assert not ReceivedImage.objects.exists()
    assert ReceivedPicture.objects.get().passed_to_hotline_at is None


def test_pictures_passed_from_chats_are_re_encrypted_when_keys_rotate(counsellor, analyst):
    from childshield.core import crypto
    from childshield.hotline.evidence_files import evidence_content
    from childshield.hotline.services.received_images import received_image_add, received_images_rotate
    from childshield.intake import conversations
    from childshield.intake.models import Channel

    report = conversations.conversation_report_open(channel=Channel.ZALO, idempotency_key="rotate")
    image = received_image_add(passed_by=counsellor, report=report, content=PICTURE)
    old_name = image.storage_name
    assert received_images_rotate(dry_run=True) == 1
    assert received_images_rotate(dry_run=False) == 1
    image.refresh_from_db()
    assert image.storage_name != old_name and not default_storage.exists(old_name)
    assert evidence_content(evidence=image) == PICTURE
    assert "hotline.ReceivedImage files" in crypto.rotations()
