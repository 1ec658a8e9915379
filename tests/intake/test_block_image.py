"""Blocking a picture: only hashes arrive, each checked strictly; the child gets a code and a secret
number; the hotline's sharing rule sends the hashes to the self-submitted bank at once or later."""

import hashlib
import json

import pytest
from django.test import Client

from childshield.accounts.models import Agency, AgencyKind
from childshield.audit.models import AuditEvent
from childshield.core.rate_limits import hit
from childshield.hashing.models import BankSource, ChangeKind, HashChange, HashEntry, SharingPolicy
from childshield.intake import rate_limits
from childshield.intake.models import BlockedImage, BlockedImageState, Channel, Report, SelfSubmittedPolicy
from tests.intake.conftest import form_token, receipt_of

pytestmark = pytest.mark.django_db

PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"


def picture(seed: str, quality: int | None = 90, kind: str = "image") -> dict[str, object]:
    """What the page's script sends for one file: hashes of made-up bytes, never a picture."""
    data = seed.encode()
    item: dict[str, object] = {
        "kind": kind,
        "md5": hashlib.md5(data).hexdigest(),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    if kind == "image" and quality is not None:
        item["pdq"] = hashlib.sha256(b"pdq" + data).hexdigest()
        item["quality"] = quality
    return item


@pytest.fixture
def hotline(db: None) -> Agency:
    return Agency.objects.create(country="VN", name="National Hotline (test)", kind=AgencyKind.HOTLINE)


def _token(client: Client) -> str:
    return form_token(client.get("/en/block-image/").content.decode())


def _send(client: Client, files: list[dict[str, object]], token: str | None = None, **extra: object):
    data = {"hashes": json.dumps(files), "form_token": token or _token(client), "contact_method": "none"}
    data.update(extra)  # type: ignore[arg-type]
    return client.post("/en/block-image/", data)


def test_the_page_says_the_pictures_stay_on_the_phone_and_works_only_with_javascript(client):
    html = client.get("/en/block-image/").content.decode()
    assert "Your pictures stay on your phone." in html
    assert "This page needs JavaScript" in html
    assert 'href="/en/report/"' in html
    # The part that needs the script is hidden until the script shows it, and the file input
    # has no name, so that a browser could never send a file with the form.
    assert 'data-worker-url="/static/intake/block-image-worker.js" hidden' in html
    assert 'type="file" id="block-files"' in html and 'name="block' not in html
    assert '<script type="module" src="/static/intake/block-image.js">' in html
    assert "<script>" not in html


def test_the_hashes_open_a_report_thread_with_a_code_and_wait_for_the_hotline(client, hotline):
    files = [picture("one"), picture("two", kind="video")]
    response = _send(client, files, harms=["threatened"])
    assert response.status_code == 200
    sent = receipt_of(response.content.decode())
    report = Report.objects.get()
    assert report.channel == Channel.BLOCK_IMAGE
    assert report.display_reference == sent.code
    assert report.harms == ["threatened"]
    assert "A person from our team checks the codes" in sent.html
    images = BlockedImage.objects.filter(report=report).order_by("file_number", "algorithm")
    assert [(i.file_number, i.kind, i.algorithm) for i in images] == [
        (1, "image", "md5"),
        (1, "image", "pdq"),
        (1, "image", "sha256"),
        (2, "video", "md5"),
        (2, "video", "sha256"),
    ]
    assert {i.state for i in images} == {BlockedImageState.PENDING}
    assert {i.hotline for i in images} == {hotline}
    assert images.get(algorithm="pdq").quality == 90
    assert not HashEntry.objects.exists()
    assert AuditEvent.objects.filter(object_type="intake.Report", action="create").exists()


def test_with_the_hotline_sharing_at_once_the_hashes_are_in_its_self_submitted_bank(
    client, hotline, django_capture_on_commit_callbacks
):
    SelfSubmittedPolicy.objects.create(agency=hotline, share_at_once=True)
    files = [picture("one"), picture("two")]
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, files)
    assert "Apps and websites that work with us get the codes now" in response.content.decode()
    entries = HashEntry.objects.filter(bank__owner=hotline, removed_at__isnull=True)
    bank = entries.first().bank
    assert bank.source == BankSource.SELF_SUBMITTED
    assert bank.sharing == SharingPolicy.TRUSTED_PLATFORMS and bank.is_enabled
    expected = {(a, f[a]) for f in files for a in ("md5", "sha256", "pdq")}
    assert {(e.algorithm, e.value) for e in entries} == expected
    assert HashChange.objects.filter(bank=bank, kind=ChangeKind.ADDED).count() == 6
    assert set(BlockedImage.objects.values_list("state", flat=True)) == {BlockedImageState.ACCEPTED}
    assert all(image.entry_id for image in BlockedImage.objects.all())
    # the report's code never reaches the bank, which more people see
    assert Report.objects.get().reference not in entries.first().source_reference


def test_a_retried_post_makes_one_report_and_one_set_of_hashes(client, hotline):
    token = _token(client)
    first = receipt_of(_send(client, [picture("one")], token=token).content.decode())
    again = receipt_of(_send(client, [picture("one")], token=token).content.decode())
    assert first.code == again.code
    assert Report.objects.count() == 1
    assert BlockedImage.objects.count() == 3


def test_a_plain_picture_keeps_only_its_exact_hashes(client, hotline):
    _send(client, [picture("plain", quality=20)])
    assert sorted(BlockedImage.objects.values_list("algorithm", flat=True)) == ["md5", "sha256"]


def test_the_same_file_picked_twice_is_kept_once(client, hotline):
    _send(client, [picture("one"), picture("one")])
    assert BlockedImage.objects.count() == 3


GOOD = picture("good")


@pytest.mark.parametrize(
    "hashes",
    [
        "not json",
        json.dumps({"md5": GOOD["md5"]}),
        json.dumps([]),
        json.dumps([{**GOOD, "md5": GOOD["md5"][:-1]}]),
        json.dumps([{**GOOD, "sha256": GOOD["sha256"] + "0"}]),
        json.dumps([{**GOOD, "pdq": "z" * 64}]),
        json.dumps([{**GOOD, "md5": str(GOOD["md5"]).upper()}]),
        json.dumps([{**GOOD, "quality": 101}]),
        json.dumps([{**GOOD, "quality": -1}]),
        json.dumps([{**GOOD, "quality": True}]),
        json.dumps([{**GOOD, "quality": "90"}]),
        json.dumps([{k: v for k, v in GOOD.items() if k != "quality"}]),
        json.dumps([{**GOOD, "kind": "audio"}]),
        json.dumps([{**picture("video", kind="video"), "pdq": GOOD["pdq"], "quality": 90}]),
        json.dumps([{**GOOD, "image": "aGVsbG8="}]),
        json.dumps([picture(f"file {n}") for n in range(21)]),
    ],
    ids=[
        "not-json",
        "not-a-list",
        "no-files",
        "short-md5",
        "long-sha256",
        "pdq-not-hex",
        "upper-case",
        "quality-over-100",
        "quality-negative",
        "quality-boolean",
        "quality-text",
        "pdq-without-quality",
        "unknown-kind",
        "pdq-of-a-video",
        "extra-field",
        "too-many-files",
    ],
)
def test_bad_hashes_are_refused_kindly_and_nothing_is_kept(client, hotline, hashes):
    response = client.post(
        "/en/block-image/", {"hashes": hashes, "form_token": _token(client), "contact_method": "none"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert "data-reference" not in html
    assert not Report.objects.exists() and not BlockedImage.objects.exists()
    # the broken codes are not kept in the page for a second try
    assert 'name="hashes" value=""' in html or 'name="hashes" id' in html


def test_a_question_to_fix_keeps_the_codes_so_the_pictures_need_not_be_picked_again(client, hotline):
    response = _send(client, [GOOD], contact_method="email", contact="not an address")
    html = response.content.decode()
    assert "does not look like an e-mail address" in html
    assert str(GOOD["sha256"]) in html
    assert not Report.objects.exists()


def test_many_sends_from_one_place_are_refused_past_the_hard_limit(client, hotline):
    client_key = rate_limits.client_key(client.get("/en/block-image/").wsgi_request)
    for _ in range(rate_limits.REPORTS_HARD.allowed):
        hit(rate_limits.REPORTS_HARD, client_key)
    response = _send(client, [GOOD])
    assert "Very many reports were sent from this place" in response.content.decode()
    assert not Report.objects.exists()


def test_a_burst_from_one_place_still_arrives_in_a_lower_lane(client, hotline):
    for n in range(rate_limits.REPORTS_SOFT.allowed + 1):
        _send(client, [picture(f"burst {n}")])
    assert Report.objects.filter(screening="flood").count() == 1


def test_a_post_from_another_site_is_refused(client, hotline):
    response = client.post(
        "/en/block-image/",
        {"hashes": json.dumps([GOOD]), "form_token": _token(client)},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_an_old_page_asks_to_send_again_and_sends_nothing(client, hotline):
    response = _send(client, [GOOD], token="forged")
    assert "open for a long time" in response.content.decode()
    assert not Report.objects.exists()


def test_without_a_hotline_the_hashes_wait_for_one(client):
    _send(client, [GOOD])
    assert set(BlockedImage.objects.values_list("hotline", flat=True)) == {None}
