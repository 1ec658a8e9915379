"""The hotline asks a platform to preserve an item's data for the police or to send the file behind
it; each request goes by e-mail and signed webhook with its purpose, and the platform answers through
the API: preserved until a date (or refused), or the file itself, kept encrypted as evidence and
matched against the banks on arrival."""

import io
import json
from datetime import date, timedelta

import numpy as np
import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from PIL import Image

from childshield.audit.models import AuditEvent
from childshield.hotline.evidence_files import evidence_content
from childshield.hotline.models import ContentItem, Evidence, ItemStatus, Notice, NoticeOutcome
from childshield.hotline.services.evidence import evidence_add
from childshield.hotline.services.notices import notice_first_send, notice_send
from childshield.hotline.services.requests import notice_request
from childshield.outbox.models import OutboxItem, OutboxState
from childshield.outbox.services import outbox_item_deliver
from childshield.platforms.models import IdempotentAnswer
from tests.hotline.conftest import confirmed_item
from tests.hotline.test_evidence import synthetic_png
from tests.platforms.conftest import post
from tests.platforms.test_api_docs import verify_snippet
from tests.platforms.test_webhooks import Receiver

NOTICES = "/api/v1/notices/"


def noise_jpeg(seed: int = 3) -> bytes:
    """Synthetic noise, as a JPEG: never real material."""
    pixels = np.random.default_rng(seed).integers(0, 256, size=(96, 128, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture
def reported(platform, hosted, hotline):
    """An address the platform reported (not traced: the request finds the platform by its report)."""
    created = post(
        platform, "/api/v1/reports/", {"incident_type": "abuse_material", "urls": ["https://cdn.example/f/1"]}
    )
    assert created.status_code == 201, created.content
    return ContentItem.objects.get()


def deliver_outbox():
    """What a worker does: the notice handed to the platform's webhooks, then each delivery POSTed."""
    for _round in range(2):
        for item in OutboxItem.objects.filter(state=OutboxState.PENDING).order_by("pk"):
            outbox_item_deliver(item_id=item.pk)


def request(analyst, item, purpose, **fields):
    """The analyst's request, sent as the minute job (or its kick) sends it."""
    notice = notice_request(acting=analyst, item=item, purpose=purpose, **fields)
    return notice_send(notice_id=notice.pk)


def test_a_preservation_request_goes_by_email_and_signed_webhook_with_its_purpose(
    platform, reported, analysts, settings
):
    settings.PLATFORMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    server = Receiver()
    try:
        secret = post(platform, "/api/v1/webhooks/", {"url": server.url}).json()["secret"]
        notice = request(analysts[0], reported, "preservation", preserve_days=120)
        deliver_outbox()
    finally:
        server.close()

    [message] = mail.outbox
    assert message.to == ["abuse@video.example"]
    assert "preserve" in message.subject and f"{reported.number}-P1" in message.subject
    assert "120 days" in message.body and f"/api/v1/notices/{notice.pk}/preservation/" in message.body
    [(headers, body)] = server.received
    assert verify_snippet()(secret, body, headers["Childshield-Signature"])
    sent = json.loads(body)
    assert sent["notice"]["purpose"] == "preservation"
    assert sent["notice"]["preserve_days"] == 120 and sent["notice"]["renotice"] is False
    assert sent["item"]["url"] == "https://cdn.example/f/1"
    reported.refresh_from_db()
    assert reported.status == ItemStatus.NEW and reported.notice_count == 0  # not a notice to remove


def test_a_file_request_names_the_hash_and_reaches_the_platform_that_hosts_the_item(
    platform, hosted, analysts
):
    item = confirmed_item("https://m.video.example/watch/3", analyst=analysts[0], second=analysts[1])
    notice_first_send(item_id=item.pk)  # traced to the platform's provider; the takedown goes first
    item.refresh_from_db()
    digest = "ab" * 32

    notice = request(analysts[0], item, "file_request", file_hash=digest.upper())

    assert notice.sequence == 1 and notice.file_hash == digest
    assert "Request for a file" in mail.outbox[-1].subject and digest in mail.outbox[-1].body
    listed = platform.get(NOTICES).json()["notices"]
    assert [(n["purpose"], n["sequence"]) for n in listed] == [("takedown", 1), ("file_request", 1)]
    assert [n["id"] for n in platform.get(NOTICES, {"purpose": "file_request"}).json()["notices"]] == [
        notice.pk
    ]
    refused = platform.get(NOTICES, {"purpose": "everything"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["pointer"] == "/purpose"


def test_no_request_goes_where_no_platform_is_known(analysts, hotline):
    from childshield.core.errors import ApplicationError
    from childshield.hotline.services.items import content_item_report

    item = content_item_report(acting=analysts[0], url="https://elsewhere.example/x", source="analyst")

    with pytest.raises(ApplicationError) as refused:
        notice_request(acting=analysts[0], item=item, purpose="preservation", preserve_days=90)

    assert refused.value.code == "no_recipient"
    assert not Notice.objects.exists()


@pytest.mark.parametrize("days", [0, 6, 366, None])
def test_preservation_is_asked_for_a_sane_number_of_days(reported, analysts, days):
    from childshield.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        notice_request(acting=analysts[0], item=reported, purpose="preservation", preserve_days=days)
    assert not Notice.objects.exists()


def test_a_platform_answers_a_preservation_request_once(platform, reported, analysts):
    notice = request(analysts[0], reported, "preservation", preserve_days=90)
    until = (timezone.localdate() + timedelta(days=90)).isoformat()
    answer = {"preserved": True, "preserved_until": until, "note": "Account and uploads kept."}

    first = post(platform, f"{NOTICES}{notice.pk}/preservation/", answer, key="keep-1")
    replayed = post(platform, f"{NOTICES}{notice.pk}/preservation/", answer, key="keep-1")
    again = post(platform, f"{NOTICES}{notice.pk}/preservation/", answer)
    other = post(platform, f"{NOTICES}{notice.pk}/preservation/", {"preserved": False, "note": "No."})

    assert first.status_code == 201, first.content
    assert first.json()["answer"]["outcome"] == "preserved"
    assert first.json()["answer"]["preserved_until"] == until
    assert replayed.status_code == 201 and replayed["Idempotency-Replayed"] == "true"
    assert again.status_code == 200
    assert other.status_code == 409 and other.json()["code"] == "already_answered"
    notice.refresh_from_db()
    assert notice.outcome == NoticeOutcome.PRESERVED and notice.preserved_until == date.fromisoformat(until)
    assert notice.outcome_note == "Account and uploads kept."
    assert (
        AuditEvent.objects.filter(reason__startswith="platform answered preservation request 1").count() == 1
    )


def test_a_refusal_says_why(platform, reported, analysts):
    notice = request(analysts[0], reported, "preservation", preserve_days=30)

    unexplained = post(platform, f"{NOTICES}{notice.pk}/preservation/", {"preserved": False})
    refused = post(
        platform, f"{NOTICES}{notice.pk}/preservation/", {"preserved": False, "note": "Account deleted."}
    )

    assert unexplained.status_code == 400 and unexplained.json()["errors"][0]["pointer"] == "/note"
    assert refused.status_code == 201 and refused.json()["answer"]["outcome"] == "preservation_refused"


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"preserved": True}, "/preserved_until"),
        ({"preserved": True, "preserved_until": "2020-01-01"}, None),  # before the request
        ({"preserved": True, "preserved_until": "soon"}, "/preserved_until"),
        ({"preserved": "perhaps", "preserved_until": "2099-01-01"}, "/preserved"),
        ({"preserved": False, "note": "x", "preserved_until": "2099-01-01"}, "/preserved_until"),
        ({"preserved": True, "preserved_until": "2099-01-01", "until": "2099"}, "/until"),
        ([], None),
    ],
)
def test_bad_preservation_answers_are_problems_and_save_nothing(platform, reported, analysts, body, pointer):
    notice = request(analysts[0], reported, "preservation", preserve_days=90)

    refused = post(platform, f"{NOTICES}{notice.pk}/preservation/", body)

    assert refused.status_code == 400, refused.content
    assert refused["Content-Type"] == "application/problem+json"
    if pointer:
        assert pointer in [error["pointer"] for error in refused.json()["errors"]]
    notice.refresh_from_db()
    assert (
        notice.outcome == "" and not IdempotentAnswer.objects.filter(operation__startswith="notice_").exists()
    )


def test_each_answer_fits_its_notice_and_its_platform(platform, other_platform, hosted, reported, analysts):
    preservation = request(analysts[0], reported, "preservation", preserve_days=90)
    file_request = request(analysts[0], reported, "file_request")
    item = confirmed_item("https://m.video.example/watch/4", analyst=analysts[0], second=analysts[1])
    takedown = notice_first_send(item_id=item.pk)
    assert takedown is not None

    removal = post(platform, f"{NOTICES}{preservation.pk}/removal/", {"removed": True})
    wrong = post(platform, f"{NOTICES}{takedown.pk}/preservation/", {"preserved": False, "note": "x"})
    file_to_preservation = platform.post(
        f"{NOTICES}{preservation.pk}/file/",
        {"file": io.BytesIO(synthetic_png())},
        headers={"Idempotency-Key": "f-1"},
    )
    preserved_for_file = post(
        platform, f"{NOTICES}{file_request.pk}/preservation/", {"preserved": False, "note": "x"}
    )
    not_theirs = post(other_platform, f"{NOTICES}{preservation.pk}/preservation/", {"preserved": False})

    for refused in (removal, wrong, file_to_preservation, preserved_for_file):
        assert refused.status_code == 409, refused.content
        assert refused.json()["code"] == "wrong_purpose"
    assert not_theirs.status_code == 404
    assert other_platform.get(NOTICES).json()["notices"] == []
    assert not Evidence.objects.exists() and not Notice.objects.exclude(outcome="").exists()


def send_file(client, notice, content, key=None, name="picture.png", **extra_fields):
    return client.post(
        f"{NOTICES}{notice.pk}/file/",
        {"file": _named(content, name), **extra_fields},
        headers={"Idempotency-Key": key or f"file-{notice.pk}-{len(content)}-{name}"},
    )


def _named(content, name):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def test_a_file_sent_for_a_file_request_is_kept_encrypted_as_the_items_evidence(platform, reported, analysts):
    notice = request(analysts[0], reported, "file_request")
    picture = synthetic_png(seed=21)

    sent = send_file(platform, notice, picture, key="the-file")
    replayed = send_file(platform, notice, picture, key="the-file")
    second = send_file(platform, notice, synthetic_png(seed=22), key="another-file")

    assert sent.status_code == 201, sent.content
    evidence = Evidence.objects.get()
    assert sent.json() == {"notice_id": notice.pk, "evidence_id": evidence.pk, "known": False}
    assert replayed.status_code == 201 and replayed["Idempotency-Replayed"] == "true"
    assert second.status_code == 409 and second.json()["code"] == "already_answered"
    assert evidence.item_id == reported.pk and evidence.notice_id == notice.pk
    assert evidence.uploaded_by_id == analysts[0].pk  # kept in the name of the analyst who asked
    with default_storage.open(evidence.storage_name, "rb") as stored:
        raw = stored.read()
    assert picture not in raw and not raw.startswith(b"\x89PNG")  # never plain on disk
    assert evidence_content(evidence=evidence) == picture
    assert len(evidence.pdq) == 64
    answered = platform.get(f"{NOTICES}{notice.pk}/").json()["answer"]
    assert answered["outcome"] == "file_received" and answered["evidence_id"] == evidence.pk


def test_a_file_the_banks_already_hold_is_flagged_known(platform, hosted, reported, analysts):
    # The same (synthetic) picture was confirmed and banked from another address first.
    first = confirmed_item("https://m.video.example/watch/5", analyst=analysts[0], second=analysts[1])
    from django.core.files.uploadedfile import SimpleUploadedFile

    evidence_add(acting=analysts[0], item=first, upload=SimpleUploadedFile("a.png", synthetic_png(seed=8)))
    reencoded = io.BytesIO()
    Image.open(io.BytesIO(synthetic_png(seed=8))).save(reencoded, "JPEG", quality=80)
    notice = request(analysts[0], reported, "file_request")

    sent = send_file(platform, notice, reencoded.getvalue(), name="from-platform.jpg")

    assert sent.status_code == 201, sent.content
    assert sent.json()["known"] is True
    assert Evidence.objects.get(pk=sent.json()["evidence_id"]).known_banks


def test_bad_files_are_problems_and_keep_nothing(platform, reported, analysts, settings):
    notice = request(analysts[0], reported, "file_request")
    settings.PLATFORMS_FILE_MAX_BYTES = 50_000

    not_an_image = send_file(platform, notice, b"%PDF-1.4 not a picture", name="doc.pdf")
    a_video = send_file(platform, notice, b"\x00\x00\x00\x18ftypmp42" + bytes(64), name="clip.mp4")
    too_large = send_file(platform, notice, noise_jpeg() + bytes(60_000), name="big.jpg")
    no_file = platform.post(f"{NOTICES}{notice.pk}/file/", {}, headers={"Idempotency-Key": "none"})
    extra = send_file(platform, notice, synthetic_png(), colour="red")
    as_json = post(platform, f"{NOTICES}{notice.pk}/file/", {"file": "aGVsbG8="})
    no_key = platform.post(f"{NOTICES}{notice.pk}/file/", {"file": _named(synthetic_png(), "a.png")})

    assert not_an_image.status_code == 400 and not_an_image.json()["code"] == "wrong_type"
    assert a_video.status_code == 400 and a_video.json()["code"] == "wrong_type"
    assert too_large.status_code == 413 and too_large.json()["code"] == "too_large"
    assert no_file.status_code == 400 and no_file.json()["errors"][0]["pointer"] == "/file"
    assert extra.status_code == 400 and "/colour" in [e["pointer"] for e in extra.json()["errors"]]
    assert as_json.status_code == 415
    assert no_key.status_code == 400 and no_key.json()["code"] == "idempotency_key_missing"
    for refused in (not_an_image, a_video, too_large, no_file, extra, as_json, no_key):
        assert refused["Content-Type"] == "application/problem+json"
    assert (
        not Evidence.objects.exists()
        and not IdempotentAnswer.objects.filter(operation__startswith="notice_").exists()
    )
    notice.refresh_from_db()
    assert notice.outcome == ""


def nullable_as_json_schema(schema):
    """OpenAPI 3.0's `nullable: true` as JSON Schema says it (a type that may be null), for jsonschema."""
    if isinstance(schema, dict):
        schema = {key: nullable_as_json_schema(value) for key, value in schema.items()}
        if schema.pop("nullable", False):
            if "type" in schema:
                schema["type"] = [schema["type"], "null"]
            else:
                schema = {"anyOf": [schema, {"type": "null"}]}
        return schema
    if isinstance(schema, list):
        return [nullable_as_json_schema(value) for value in schema]
    return schema


def test_the_answers_match_the_openapi_description(platform, reported, analysts):
    from drf_spectacular.generators import SchemaGenerator

    from tests.hashing.conftest import assert_matches_schema

    openapi = nullable_as_json_schema(SchemaGenerator().get_schema(request=None, public=True))
    preservation = request(analysts[0], reported, "preservation", preserve_days=90)
    file_request = request(analysts[0], reported, "file_request")
    until = (timezone.localdate() + timedelta(days=1)).isoformat()

    answered = post(
        platform, f"{NOTICES}{preservation.pk}/preservation/", {"preserved": True, "preserved_until": until}
    )
    conflict = post(platform, f"{NOTICES}{preservation.pk}/removal/", {"removed": True})
    sent = send_file(platform, file_request, synthetic_png())
    listed = platform.get(NOTICES, {"purpose": "preservation"})

    assert_matches_schema(openapi, answered, "/api/v1/notices/{notice_id}/preservation/")
    assert_matches_schema(openapi, conflict, "/api/v1/notices/{notice_id}/removal/")
    assert_matches_schema(openapi, sent, "/api/v1/notices/{notice_id}/file/")
    assert_matches_schema(openapi, listed, "/api/v1/notices/", method="get")


def test_a_staff_session_opens_none_of_it(reported, analysts, sign_in):
    notice = request(analysts[0], reported, "file_request")
    client: Client = sign_in(analysts[0])

    assert (
        client.post(f"{NOTICES}{notice.pk}/file/", {"file": _named(synthetic_png(), "a.png")}).status_code
        == 401
    )


def docs_code(language, start):
    from tests.platforms.test_api_docs import examples

    [code] = [code for code in examples(language) if code.startswith(start)]
    return code


def test_the_docs_functions_answer_both_requests(live_server, credential, reported, analysts, tmp_path):
    import httpx

    from tests.platforms.test_api_docs import DOC

    docs = {}
    exec(compile(docs_code("python", "# requests"), str(DOC), "exec"), docs)
    preservation = request(analysts[0], reported, "preservation", preserve_days=90)
    file_request = request(analysts[0], reported, "file_request")
    api = httpx.Client(
        base_url=live_server.url + "/api/v1", headers={"Authorization": f"Bearer {credential[2]}"}
    )
    until = (timezone.localdate() + timedelta(days=90)).isoformat()

    answer = docs["preservation_answer"](api, preservation.pk, until)

    assert answer["outcome"] == "preserved" and answer["preserved_until"] == until
    picture = tmp_path / "noise.jpg"
    picture.write_bytes(noise_jpeg())
    sent = docs["file_send"](api, file_request.pk, str(picture))
    assert sent == {"notice_id": file_request.pk, "evidence_id": Evidence.objects.get().pk, "known": False}


def test_the_docs_curl_sends_a_file(live_server, credential, reported, analysts, tmp_path):
    import os
    import shutil
    import subprocess

    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    notice = request(analysts[0], reported, "file_request")
    (tmp_path / "picture.png").write_bytes(synthetic_png(seed=31))
    environment = {
        **os.environ,
        "CHILDSHIELD_URL": live_server.url,
        "CHILDSHIELD_KEY": credential[2],
        "NOTICE": str(notice.pk),
    }
    command = docs_code("sh", "# file:").replace("curl -sS", "curl -sS --fail-with-body", 1)

    done = subprocess.run(
        ["sh", "-c", command], env=environment, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, (done.stdout, done.stderr)
    assert json.loads(done.stdout)["evidence_id"] == Evidence.objects.get(notice=notice).pk


def test_a_file_that_cannot_be_hashed_now_is_a_503_to_send_again(
    platform, reported, analysts, settings, tmp_path
):
    """While every hashing slot of the host is taken the file is not kept (kept without its PDQ hash it
    would never match its altered copies): the platform is told to send it again later."""
    import fcntl
    import os

    from childshield.hashing import slots

    notice = request(analysts[0], reported, "file_request")
    settings.HASHING_CONCURRENCY, settings.HASHING_SLOT_DIR = 1, str(tmp_path)
    settings.HASHING_WAIT_SECONDS = 0
    held = os.open(slots.slot_path(tmp_path, 0), os.O_RDWR | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        busy = send_file(platform, notice, synthetic_png(seed=30), key="busy-then-sent")
    finally:
        os.close(held)
    again = send_file(platform, notice, synthetic_png(seed=30), key="busy-then-sent")

    assert busy.status_code == 503 and busy.json()["code"] == "busy", busy.content
    assert int(busy["Retry-After"]) > 0
    assert again.status_code == 201 and "Idempotency-Replayed" not in again
    assert Evidence.objects.count() == 1
