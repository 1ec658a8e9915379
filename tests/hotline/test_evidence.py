"""Evidence: encrypted at rest, never shown by default, blurred and grey until revealed one at a time,
served only to the hotline's analysts (audited); confirmed images' hashes go to the hotline's bank."""

import io
import time

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from childshield.audit.models import AuditEvent
from childshield.core.errors import ApplicationError
from childshield.hashing.models import BankSource, HashEntry
from childshield.hotline.evidence_files import evidence_content
from childshield.hotline.models import Evidence
from childshield.hotline.services.assessment import AssessmentInput, assessment_confirm, assessment_record
from childshield.hotline.services.evidence import evidence_add, evidence_rotate
from childshield.hotline.services.items import content_item_report

from .conftest import abuse


def synthetic_png(seed: int = 1) -> bytes:
    """A drawn test picture: a gradient, a few rectangles and a label. Never real material."""
    rng = np.random.default_rng(seed)
    gradient = np.linspace(30, 220, 256)[None, :, None] * np.ones((192, 1, 3))
    image = Image.fromarray(gradient.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x, y = (int(v) for v in rng.integers(0, 180, size=2))
        draw.rectangle([x, y, x + 40, y + 30], fill=tuple(int(c) for c in rng.integers(0, 256, size=3)))
    draw.text((8, 8), f"synthetic test {seed}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def item(analyst):
    return content_item_report(acting=analyst, url="https://example.org/pic", source="analyst")


def _upload(data: bytes, name: str = "capture.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_evidence_is_encrypted_at_rest_and_hashed(analyst, item):
    data = synthetic_png()
    evidence = evidence_add(acting=analyst, item=item, upload=_upload(data))
    with default_storage.open(evidence.storage_name, "rb") as stored:
        raw = stored.read()
    assert data not in raw and not raw.startswith(b"\x89PNG")
    assert evidence_content(evidence=evidence) == data
    assert len(evidence.sha256) == 64 and len(evidence.md5) == 32 and len(evidence.pdq) == 64
    assert evidence.content_type == "image/png"


def test_only_images_and_videos_are_kept(analyst, item):
    with pytest.raises(ApplicationError) as refused:
        evidence_add(acting=analyst, item=item, upload=_upload(b"MZ\x90\x00 not an image", "x.exe"))
    assert refused.value.code == "wrong_type"
    assert Evidence.objects.count() == 0


def test_evidence_larger_than_the_limit_is_refused(settings, analyst, item):
    settings.HOTLINE_EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ApplicationError) as refused:
        evidence_add(acting=analyst, item=item, upload=_upload(synthetic_png()))
    assert refused.value.code == "too_large"


def test_outsiders_cannot_add_evidence(outsider, foreign_analyst, item):
    for member in (outsider, foreign_analyst):
        with pytest.raises(PermissionDenied):
            evidence_add(acting=member, item=item, upload=_upload(synthetic_png()))


def test_no_image_is_shown_by_default_and_the_frame_is_veiled(analyst, item, sign_in):
    evidence = evidence_add(acting=analyst, item=item, upload=_upload(synthetic_png()))
    client = sign_in(analyst)
    page = client.get(f"/en/hotline/items/{item.pk}/").content.decode()
    assert "<img" not in page
    assert "Show blurred" in page
    frame = client.get(f"/en/hotline/items/{item.pk}/evidence/{evidence.pk}/").content.decode()
    assert 'class="evidence evidence-veiled"' in frame and "data-reveal" in frame
    # Without JavaScript, the same frame is on the page itself.
    page = client.get(f"/en/hotline/items/{item.pk}/?evidence={evidence.pk}").content.decode()
    assert page.count("<img") == 1 and "evidence-veiled" in page


def test_the_picture_is_served_to_analysts_only_and_each_view_is_audited(
    analyst, lead, outsider, foreign_analyst, item, sign_in, client
):
    data = synthetic_png()
    evidence = evidence_add(acting=analyst, item=item, upload=_upload(data))
    url = f"/en/hotline/items/{item.pk}/evidence/{evidence.pk}/file/"
    response = sign_in(lead).get(url)
    assert response.status_code == 200 and response.content == data
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(
        object_type="hotline.ContentItem", object_id=str(item.pk), reason=f"evidence {evidence.pk} viewed"
    ).exists()
    client.logout()
    assert sign_in(outsider).get(url).status_code == 403
    client.logout()
    assert sign_in(foreign_analyst).get(url).status_code == 404


def test_a_gentle_nudge_after_a_long_viewing_stretch(settings, analyst, item, sign_in):
    settings.HOTLINE_WELFARE_NUDGE_MINUTES = 20
    evidence = evidence_add(acting=analyst, item=item, upload=_upload(synthetic_png()))
    client = sign_in(analyst)
    client.get(f"/en/hotline/items/{item.pk}/evidence/{evidence.pk}/file/")
    assert "taking a break" not in client.get(f"/en/hotline/items/{item.pk}/").content.decode()
    session = client.session
    session["hotline_evidence_since"] = time.time() - 25 * 60
    session.save()
    page = client.get(f"/en/hotline/items/{item.pk}/").content.decode()
    assert "I am taking a break" in page
    response = client.post("/en/hotline/break/", {"next": f"/en/hotline/items/{item.pk}/"})
    assert response.status_code == 302
    assert "I am taking a break" not in client.get(f"/en/hotline/items/{item.pk}/").content.decode()


def test_confirmed_images_hashes_go_to_the_hotlines_bank(analyst, second_analyst, item):
    evidence = evidence_add(acting=analyst, item=item, upload=_upload(synthetic_png()))
    assessment = assessment_record(acting=analyst, item=item, data=abuse())
    assert HashEntry.objects.count() == 0  # not before confirmation
    assessment_confirm(acting=second_analyst, assessment=assessment)
    entries = HashEntry.objects.select_related("bank")
    assert {(e.algorithm, e.value) for e in entries} == {
        ("pdq", evidence.pdq),
        ("md5", evidence.md5),
        ("sha256", evidence.sha256),
    }
    bank = entries[0].bank
    assert bank.owner == analyst.agency and bank.source == BankSource.HOTLINE_CONFIRMED
    evidence.refresh_from_db()
    assert evidence.hashes_banked_at is not None


def test_evidence_added_after_confirmation_is_banked_too_and_duplicates_are_fine(analyst, second_analyst):
    first = content_item_report(acting=analyst, url="https://example.org/1", source="analyst")
    other = content_item_report(acting=analyst, url="https://example.org/2", source="analyst")
    for item in (first, other):
        assessment = assessment_record(acting=analyst, item=item, data=abuse())
        assessment_confirm(acting=second_analyst, assessment=assessment)
        item.refresh_from_db()
        evidence_add(acting=analyst, item=item, upload=_upload(synthetic_png(seed=7)))
    assert HashEntry.objects.count() == 3  # the same picture on two addresses: one set of hashes


def test_harmful_content_is_not_banked(analyst, second_analyst, item):
    evidence_add(acting=analyst, item=item, upload=_upload(synthetic_png()))
    assessment = assessment_record(acting=analyst, item=item, data=AssessmentInput("harmful"))
    assessment_confirm(acting=second_analyst, assessment=assessment)
    assert HashEntry.objects.count() == 0


def test_evidence_files_are_rotated_to_the_primary_key(analyst, item):
    data = synthetic_png()
    evidence = evidence_add(acting=analyst, item=item, upload=_upload(data))
    assert evidence_rotate(dry_run=True) == 1
    assert evidence_rotate(dry_run=False) == 1
    evidence.refresh_from_db()
    assert evidence_content(evidence=evidence) == data


def test_an_image_that_cannot_be_hashed_now_is_refused_not_kept_without_its_pdq(
    settings, tmp_path, analyst, item
):
    """While every hashing slot of the host is taken, the analyst is told to send it again: kept
    without its PDQ hash, it would never match its altered copies."""
    import fcntl
    import os

    from childshield.hashing import slots

    settings.HASHING_CONCURRENCY, settings.HASHING_SLOT_DIR, settings.HASHING_WAIT_SECONDS = (
        1,
        str(tmp_path),
        0,
    )
    held = os.open(slots.slot_path(tmp_path, 0), os.O_RDWR | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        with pytest.raises(ApplicationError) as refused:
            evidence_add(acting=analyst, item=item, upload=_upload(synthetic_png()))
    finally:
        os.close(held)
    assert refused.value.code == "busy"
    assert Evidence.objects.count() == 0
    assert len(evidence_add(acting=analyst, item=item, upload=_upload(synthetic_png())).pdq) == 64


def test_evidence_already_in_a_bank_is_flagged_on_arrival(analyst, second_analyst, sign_in):
    """The second address with the same picture (re-encoded: same PDQ region, other bytes) is flagged
    as known, naming the bank, so the analyst need not look at it again; a new picture is not."""
    first = content_item_report(acting=analyst, url="https://example.org/1", source="analyst")
    assessment = assessment_record(acting=analyst, item=first, data=abuse())
    assessment_confirm(acting=second_analyst, assessment=assessment)
    first.refresh_from_db()
    original = evidence_add(acting=analyst, item=first, upload=_upload(synthetic_png(seed=7)))
    reencoded = io.BytesIO()
    Image.open(io.BytesIO(synthetic_png(seed=7))).save(reencoded, "JPEG", quality=80)
    second = content_item_report(acting=analyst, url="https://example.org/2", source="analyst")

    again = evidence_add(acting=analyst, item=second, upload=_upload(reencoded.getvalue(), "again.jpg"))
    fresh = evidence_add(acting=analyst, item=second, upload=_upload(synthetic_png(seed=99)))

    assert original.known_matches == []  # nothing held it when it arrived; banked after
    assert {match["algorithm"] for match in again.known_matches} == {"pdq"}
    assert again.known_banks == [HashEntry.objects.first().bank.name]
    assert fresh.known_matches == []
    page = sign_in(analyst).get(f"/en/hotline/items/{second.pk}/").content.decode()
    assert page.count("You need not look at it again.") == 1
