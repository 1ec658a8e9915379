"""A platform keeps a copy of a shared bank: it pages through the bank's history after a cursor, gets
what changed since, is told "nothing new" by its ETag, and is refused cursors and banks not its own."""

import threading

import pytest
from django.db import connection
from django.test import Client

from childshield.accounts.models import Role
from childshield.hashing import services as hashing
from childshield.hashing.models import (
    Algorithm,
    ApiCall,
    BankSource,
    HashChange,
    HashEntry,
    SharingPolicy,
    VideoHash,
)
from childshield.hashing.video import VideoFrameHash
from childshield.platforms import sync
from childshield.platforms.services.credentials import platform_credential_create


def signals_url(bank):
    return f"/api/v1/banks/{bank.pk}/signals/"


@pytest.fixture
def lead(make_member, hotline):
    return make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)


def bank_of(lead, name="Confirmed (test)", sharing=SharingPolicy.TRUSTED_PLATFORMS):
    return hashing.bank_create(actor=lead, name=name, source=BankSource.HOTLINE_CONFIRMED, sharing=sharing)


@pytest.fixture
def bank(lead):
    return bank_of(lead)


def md5s(start, count):
    return [f"{number:032x}" for number in range(start, start + count)]


def import_md5(lead, bank, values):
    record = hashing.list_import(
        actor=lead, bank=bank, text="".join(f"md5,{v}\n" for v in values), fmt="signals", filename="t.csv"
    )
    assert record.added == len(values), record.errors


def video(seed):
    return [VideoFrameHash(n, 100, f"{seed:02x}{n:02x}" * 16, float(n)) for n in range(3)]


def remove(lead, entries, reason="made-up removal"):
    for entry in entries:
        hashing.entry_remove(actor=lead, entry=entry, reason=reason)


def live(bank):
    return {
        entry.pk: (entry.algorithm, entry.value)
        for entry in HashEntry.objects.filter(bank=bank, removed_at__isnull=True)
    }


def replay(client, bank, *, limit, cursor=None, copy=None):
    """What a platform does: apply each page in order until `has_more` is false."""
    copy = {} if copy is None else copy
    pages = 0
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        answer = client.get(signals_url(bank), params)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert len(body["signals"]) <= limit
        for signal in body["signals"]:
            if signal["change"] == "added":
                copy[signal["id"]] = (signal["algorithm"], signal["value"])
            else:
                del copy[signal["id"]]
        pages += 1
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return copy, cursor, pages


def test_paging_through_a_bank_with_adds_and_removes_yields_exactly_its_live_hashes(platform, lead, bank):
    import_md5(lead, bank, md5s(0, 2500))
    first = list(HashEntry.objects.filter(bank=bank).order_by("pk"))
    remove(lead, first[:150] + first[-50:])
    videos = [hashing.video_entry_add(actor=lead, bank=bank, frames=video(seed)) for seed in range(3)]
    import_md5(lead, bank, md5s(5000, 300) + md5s(0, 20))  # the first 20 were removed: added again
    remove(lead, [videos[1], *HashEntry.objects.filter(bank=bank, value__in=md5s(5000, 10))])
    other = bank_of(lead, "Another bank")
    import_md5(lead, other, md5s(9000, 40))  # another bank's changes are not this one's

    copy, _cursor, pages = replay(platform, bank, limit=700)

    assert copy == live(bank)
    assert len(copy) == 2500 - 200 + 3 + 320 - 11
    assert pages == 5  # 2,500 + 200 + 3 + 320 + 11 signals, 700 a page
    for entry in (videos[0], videos[2]):
        assert copy[entry.pk] == (Algorithm.VPDQ, entry.value)


def test_a_signal_carries_its_hash_and_a_video_its_frames(platform, lead, bank):
    import_md5(lead, bank, md5s(7, 1))
    clip = hashing.video_entry_add(actor=lead, bank=bank, frames=video(1))
    hashing.entry_remove(actor=lead, entry=clip, reason="made-up removal")

    signals = platform.get(signals_url(bank)).json()["signals"]

    md5, added, removed = signals
    assert md5["change"] == "added" and md5["algorithm"] == "md5" and md5["value"] == md5s(7, 1)[0]
    assert md5["quality"] is None and "frames" not in md5
    assert added["id"] == removed["id"] == clip.pk
    assert [added["change"], removed["change"]] == ["added", "removed"]
    assert added["frames"] == VideoHash.objects.get(entry=clip).frames
    assert added["frames"].splitlines()[0] == video(1)[0].line()


def test_the_cursor_resumes_where_it_stopped(platform, lead, bank):
    import_md5(lead, bank, md5s(0, 30))
    whole = platform.get(signals_url(bank), {"limit": 20}).json()

    first = platform.get(signals_url(bank), {"limit": 8}).json()
    second = platform.get(signals_url(bank), {"limit": 12, "cursor": first["next_cursor"]}).json()

    assert first["has_more"] and second["has_more"]
    assert first["signals"] + second["signals"] == whole["signals"]
    assert second["next_cursor"] == whole["next_cursor"]


def test_changes_made_after_the_last_cursor_come_next_and_only_they(platform, lead, bank):
    import_md5(lead, bank, md5s(0, 50))
    copy, cursor, _pages = replay(platform, bank, limit=1000)
    quiet = platform.get(signals_url(bank), {"cursor": cursor}).json()
    assert quiet == {"signals": [], "next_cursor": cursor, "has_more": False}

    gone = HashEntry.objects.get(bank=bank, value=md5s(3, 1)[0])
    hashing.entry_remove(actor=lead, entry=gone, reason="made-up removal")
    import_md5(lead, bank, md5s(100, 2))
    news = platform.get(signals_url(bank), {"cursor": cursor}).json()

    assert [(s["change"], s["value"]) for s in news["signals"]] == [
        ("removed", gone.value),
        ("added", md5s(100, 1)[0]),
        ("added", md5s(101, 1)[0]),
    ]
    copy, _cursor, _pages = replay(platform, bank, limit=1000, cursor=cursor, copy=copy)
    assert copy == live(bank)


def test_nothing_new_is_a_304_without_a_body(platform, lead, bank):
    import_md5(lead, bank, md5s(0, 5))
    answer = platform.get(signals_url(bank), {"limit": 3})
    etag = answer["ETag"]
    assert etag.startswith('"')

    again = platform.get(signals_url(bank), {"limit": 3}, headers={"If-None-Match": etag})
    weak = platform.get(signals_url(bank), {"limit": 3}, headers={"If-None-Match": f'"other", W/{etag}'})
    other_page = platform.get(signals_url(bank), {"limit": 4}, headers={"If-None-Match": etag})

    assert again.status_code == weak.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert other_page.status_code == 200
    import_md5(lead, bank, md5s(10, 1))
    changed = platform.get(signals_url(bank), {"limit": 3}, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["signals"] == answer.json()["signals"]  # the same first page, more after it


def test_a_forged_or_another_banks_cursor_is_a_precise_problem(platform, lead, bank):
    import_md5(lead, bank, md5s(0, 3))
    other = bank_of(lead, "Another bank")
    import_md5(lead, other, md5s(50, 3))
    cursor = platform.get(signals_url(bank), {"limit": 1}).json()["next_cursor"]
    others = platform.get(signals_url(other), {"limit": 1}).json()["next_cursor"]
    changed = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")

    for sent in (changed, "not-a-cursor", others):
        answer = platform.get(signals_url(bank), {"cursor": sent})
        assert answer.status_code == 400, sent
        assert answer["Content-Type"] == "application/problem+json"
        assert answer.json()["code"] == "invalid_cursor"
    assert "another bank" in platform.get(signals_url(bank), {"cursor": others}).json()["detail"]


def test_a_cursor_ahead_of_the_banks_history_is_refused(platform, lead, bank):
    # As after the hotline's database is restored from an earlier copy: the platform read further.
    import_md5(lead, bank, md5s(0, 3))
    ahead = sync.cursor_make(bank=bank, after=sync.history_newest(bank=bank) + 1)

    answer = platform.get(signals_url(bank), {"cursor": ahead})

    assert answer.status_code == 400
    assert answer.json()["code"] == "cursor_from_future"
    assert "Start again without a cursor" in answer.json()["detail"]


def test_a_bank_not_shared_with_platforms_is_not_found(platform, lead, bank):
    own = bank_of(lead, "The hotline's own", sharing=SharingPolicy.NOT_SHARED)
    import_md5(lead, own, md5s(0, 2))
    hashing.bank_set_enabled(actor=lead, bank=bank, enabled=False)

    for missing in (own, bank):
        answer = platform.get(signals_url(missing))
        assert answer.status_code == 404
        assert answer.json()["code"] == "not_found"
    assert platform.get("/api/v1/banks/999999/signals/").status_code == 404


def test_a_key_without_the_banks_scope_is_refused(hotline, lead, bank, client):
    _platform, _key, match_only = platform_credential_create(
        name="Match Only (test)", country="VN", scopes=["match"]
    )

    lacking = Client(headers={"Authorization": f"Bearer {match_only}"}).get(signals_url(bank))
    nobody = client.get(signals_url(bank))

    assert lacking.status_code == 403
    assert lacking.json()["code"] == "scope_missing"
    assert nobody.status_code == 401


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"limit": 0}, "/limit"),
        ({"limit": 10_001}, "/limit"),
        ({"limit": "all"}, "/limit"),
        ({"page": 2}, "/page"),
    ],
)
def test_a_bad_query_is_a_precise_problem(platform, bank, params, pointer):
    answer = platform.get(signals_url(bank), params)

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert [error["pointer"] for error in answer.json()["errors"]] == [pointer]


def test_a_page_costs_the_same_however_long_the_history(platform, lead, bank, django_assert_num_queries):
    import_md5(lead, bank, md5s(0, 5))
    hashing.video_entry_add(actor=lead, bank=bank, frames=video(2))
    # the key and its agency, the bank, its newest change, the page, its hashes, its videos' frames,
    # the call's record
    with django_assert_num_queries(7):
        small = platform.get(signals_url(bank), {"limit": 10})
    import_md5(lead, bank, md5s(100, 2000))
    cursor = small.json()["next_cursor"]
    with django_assert_num_queries(6) as taken:  # no video in this page
        platform.get(signals_url(bank), {"limit": 10, "cursor": cursor})
    page_query = next(
        q["sql"] for q in taken.captured_queries if "hashchange" in q["sql"] and "LIMIT 10" in q["sql"]
    )
    assert "ORDER BY" in page_query
    assert ApiCall.objects.filter(operation="signal_list", status=200).count() == 2


def test_long_videos_end_a_page_early(platform, lead, bank, monkeypatch):
    clips = [hashing.video_entry_add(actor=lead, bank=bank, frames=video(seed)) for seed in range(5)]
    monkeypatch.setattr(sync, "PAGE_FRAMES", 7)  # two videos of three frames a page

    copy, _cursor, pages = replay(platform, bank, limit=100)

    assert pages == 3
    assert set(copy) == {clip.pk for clip in clips}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="writers at the same moment need a database that runs them at once",
)
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_late_is_never_passed_over(credential, lead, monkeypatch):
    """An import has written its history but not committed when a hash is removed from the same bank:
    the removal waits for the import, so a platform that read the removal has not stepped over the
    import's hashes (ids taken before the removal's, committed after it)."""
    bank = bank_of(lead)
    import_md5(lead, bank, md5s(0, 3))
    platform = Client(headers={"Authorization": f"Bearer {credential[2]}"})
    _copy, cursor, _pages = replay(platform, bank, limit=100)
    written, release = threading.Event(), threading.Event()
    history_write = HashChange.objects.bulk_create

    def paused_after_history(*args, **kwargs):
        rows = history_write(*args, **kwargs)
        if threading.current_thread().name == "import":
            written.set()
            release.wait(10)  # the rest of a long import: its other rows, its count, its commit
        return rows

    monkeypatch.setattr(HashChange.objects, "bulk_create", paused_after_history)

    def removal():
        written.wait(10)
        hashing.entry_remove(actor=lead, entry=HashEntry.objects.get(value=md5s(1, 1)[0]), reason="made-up")
        connection.close()

    def run_import():
        import_md5(lead, bank, md5s(100, 50))
        connection.close()

    threads = [threading.Thread(target=run_import, name="import"), threading.Thread(target=removal)]
    for thread in threads:
        thread.start()
    written.wait(10)
    threads[1].join(0.5)  # the removal has had time to commit, were it not waiting
    during = platform.get(signals_url(bank), {"cursor": cursor}).json()
    release.set()
    for thread in threads:
        thread.join()

    assert during["signals"] == []
    after = platform.get(signals_url(bank), {"cursor": during["next_cursor"]}).json()["signals"]
    assert [s["change"] for s in after] == ["added"] * 50 + ["removed"]


def as_json_schema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema says it (a null allowed), for jsonschema."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {name: as_json_schema(value) for name, value in node.items()}
    if node.pop("nullable", False):
        return (
            {**node, "type": [node["type"], "null"]}
            if "type" in node
            else {"anyOf": [node, {"type": "null"}]}
        )
    return node


def test_answers_are_what_the_openapi_schema_says(platform, lead, bank, tmp_path):
    from django.core.management import call_command
    from drf_spectacular.generators import SchemaGenerator

    from tests.hashing.conftest import assert_matches_schema

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    openapi = as_json_schema(SchemaGenerator().get_schema(request=None, public=True))
    import_md5(lead, bank, md5s(0, 3))
    hashing.video_entry_add(actor=lead, bank=bank, frames=video(3))
    path = "/api/v1/banks/{bank_id}/signals/"
    page = platform.get(signals_url(bank), {"limit": 2})
    last = platform.get(signals_url(bank), {"cursor": page.json()["next_cursor"]})
    refused = platform.get(signals_url(bank), {"cursor": "forged"})
    missing = platform.get("/api/v1/banks/999999/signals/")

    assert last.json()["signals"][-1]["algorithm"] == "vpdq"
    for answer in (page, last, refused, missing):
        assert_matches_schema(openapi, answer, path, method="get")
    assert "304" in openapi["paths"][path]["get"]["responses"]


def docs_snippet():
    """docs/api.md's sync functions, as written."""
    from tests.platforms.test_api_docs import DOC, examples

    [code] = [code for code in examples("python") if code.startswith("# sync")]
    namespace = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    return namespace


def test_the_docs_sync_functions_keep_a_copy_and_send_feedback(live_server, credential, lead):
    import httpx

    docs = docs_snippet()
    bank = bank_of(lead)
    import_md5(lead, bank, md5s(0, 30))
    api = httpx.Client(
        base_url=live_server.url + "/api/v1", headers={"Authorization": f"Bearer {credential[2]}"}
    )
    copy = {}

    cursor, etag = docs["bank_sync"](api, bank.pk, copy)
    assert set(copy) == set(live(bank)) and etag is None  # the next request has a new cursor
    cursor, etag = docs["bank_sync"](api, bank.pk, copy, cursor)
    assert etag is not None
    assert docs["bank_sync"](api, bank.pk, copy, cursor, etag) == (cursor, etag)  # a 304
    remove(lead, HashEntry.objects.filter(bank=bank, value__in=md5s(0, 2)))
    import_md5(lead, bank, md5s(100, 3))
    cursor, etag = docs["bank_sync"](api, bank.pk, copy, cursor, etag)
    assert set(copy) == set(live(bank))
    assert docs["bank_sync"](api, bank.pk, copy, "forged")[0] != "forged"  # started again
    assert set(copy) == set(live(bank))

    recorded = docs["feedback_send"](api, bank.pk, dict.fromkeys(list(copy)[:3], "blocked"))
    assert recorded == 3
