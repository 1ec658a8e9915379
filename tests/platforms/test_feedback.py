"""Platforms say what they did with each hash of a bank they sync, and the bank's owner sees what each
hash achieved, platform by platform."""

import uuid

import pytest
from django.db import connection
from django.test import Client

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditAction, AuditEvent
from childshield.hashing import services as hashing
from childshield.hashing.models import ApiScope, BankSource, HashEntry, SharingPolicy
from childshield.platforms import sync
from childshield.platforms.models import SignalFeedback
from childshield.platforms.services.credentials import platform_credential_create
from tests.platforms.conftest import post


def feedback_url(bank):
    return f"/api/v1/banks/{bank.pk}/signals/feedback/"


def page_url(bank, language="en"):
    return f"/{language}/platforms/banks/{bank.pk}/feedback/"


@pytest.fixture
def lead(make_member, hotline):
    return make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)


def bank_with(lead, name, count, start=0, sharing=SharingPolicy.TRUSTED_PLATFORMS):
    bank = hashing.bank_create(actor=lead, name=name, source=BankSource.HOTLINE_CONFIRMED, sharing=sharing)
    text = "".join(f"md5,{number:032x}\n" for number in range(start, start + count))
    hashing.list_import(actor=lead, bank=bank, text=text, fmt="signals", filename="t.csv")
    return bank, list(HashEntry.objects.filter(bank=bank).order_by("pk"))


@pytest.fixture
def shared(lead):
    return bank_with(lead, "Confirmed (test)", 5)


def words(*pairs, note=None):
    return {
        "feedback": [
            {"id": entry.pk, "verdict": verdict, **({"note": note} if note is not None else {})}
            for entry, verdict in pairs
        ]
    }


def test_feedback_is_recorded_one_row_per_hash_and_platform(platform, credential, shared):
    bank, entries = shared

    answer = post(
        platform,
        feedback_url(bank),
        words(
            (entries[0], "blocked"), (entries[1], "not_blocked"), (entries[2], "pending_review"), note="Ok."
        ),
    )

    assert answer.status_code == 200, answer.content
    assert answer.json() == {"recorded": 3}
    rows = {row.entry_id: row for row in SignalFeedback.objects.all()}
    assert {pk: row.verdict for pk, row in rows.items()} == {
        entries[0].pk: "blocked",
        entries[1].pk: "not_blocked",
        entries[2].pk: "pending_review",
    }
    row = rows[entries[0].pk]
    assert (row.platform, row.api_key, row.bank, row.note) == (credential[0], credential[1], bank, "Ok.")
    assert row.first_at == row.verdict_at == row.updated_at


def test_the_platforms_note_is_kept_encrypted(platform, shared):
    bank, entries = shared
    post(
        platform,
        feedback_url(bank),
        words((entries[0], "not_blocked"), note="Reviewer: not the same picture"),
    )

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {SignalFeedback._meta.db_table}")
        [(stored,)] = cursor.fetchall()

    assert "Reviewer" not in stored
    assert SignalFeedback.objects.get().note == "Reviewer: not the same picture"


def test_a_new_word_replaces_the_last_and_the_same_verdict_keeps_its_time(platform, credential, shared):
    bank, entries = shared
    post(platform, feedback_url(bank), words((entries[0], "pending_review"), note="Queued for review."))
    first = SignalFeedback.objects.get()

    post(platform, feedback_url(bank), words((entries[0], "pending_review")))
    repeated = SignalFeedback.objects.get()
    post(platform, feedback_url(bank), words((entries[0], "blocked"), note="Confirmed by our reviewer."))
    changed = SignalFeedback.objects.get()

    assert repeated.verdict_at == first.verdict_at
    assert repeated.updated_at > first.updated_at
    assert repeated.note == ""  # the note goes with the word it came with
    assert (changed.verdict, changed.note) == ("blocked", "Confirmed by our reviewer.")
    assert changed.verdict_at == changed.updated_at > repeated.updated_at
    assert changed.first_at == first.first_at
    assert changed.pk == first.pk


def test_each_platform_keeps_its_own_word(platform, other_platform, shared):
    bank, entries = shared
    post(platform, feedback_url(bank), words((entries[0], "blocked")))
    post(other_platform, feedback_url(bank), words((entries[0], "not_blocked")))

    assert sorted(SignalFeedback.objects.values_list("verdict", flat=True)) == ["blocked", "not_blocked"]


def test_an_id_of_another_bank_is_refused_with_a_pointer_and_nothing_is_saved(platform, lead, shared):
    bank, entries = shared
    _other, others = bank_with(lead, "Another bank", 2, start=100)

    answer = post(
        platform,
        feedback_url(bank),
        {
            "feedback": [
                {"id": entries[0].pk, "verdict": "blocked"},
                {"id": others[0].pk, "verdict": "blocked"},
                {"id": 999_999, "verdict": "not_blocked"},
            ]
        },
    )

    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["code"] == "unknown_signal"
    assert [error["pointer"] for error in answer.json()["errors"]] == ["/feedback/1/id", "/feedback/2/id"]
    assert not SignalFeedback.objects.exists()


def test_a_removed_hash_still_takes_feedback(platform, lead, shared):
    bank, entries = shared
    hashing.entry_remove(actor=lead, entry=entries[4], reason="made-up removal")

    answer = post(platform, feedback_url(bank), words((entries[4], "blocked")))

    assert answer.status_code == 200
    assert SignalFeedback.objects.get().entry == entries[4]


def test_the_same_call_sent_again_is_answered_once(platform, lead, shared):
    bank, entries = shared
    other, _others = bank_with(lead, "Another bank", 1, start=100)
    key = str(uuid.uuid4())
    body = words((entries[0], "blocked"))

    first = post(platform, feedback_url(bank), body, key=key)
    recorded = SignalFeedback.objects.get()
    again = post(platform, feedback_url(bank), body, key=key)
    other_body = post(platform, feedback_url(bank), words((entries[0], "not_blocked")), key=key)
    other_bank = post(platform, feedback_url(other), {"feedback": body["feedback"]}, key=key)

    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again["Idempotency-Replayed"] == "true"
    assert SignalFeedback.objects.get().updated_at == recorded.updated_at
    assert other_body.status_code == other_bank.status_code == 422
    assert other_body.json()["code"] == "idempotency_key_reused"


def one(pk, **extra):
    return {"id": pk, "verdict": "blocked", **extra}


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (lambda pk: {"feedback": [one(pk, colour="red")]}, "/feedback/0/colour"),
        (lambda pk: {"feedback": [one(pk, verdict="deleted")]}, "/feedback/0/verdict"),
        (lambda pk: {"feedback": [one(pk, note="x" * 501)]}, "/feedback/0/note"),
        (lambda pk: {"feedback": [one(pk), one(pk + 1), one(pk)]}, "/feedback/2/id"),
        (lambda pk: {"feedback": [one(pk + n % 5) for n in range(1001)]}, "/feedback"),
        (lambda pk: {"feedback": []}, "/feedback"),
        (lambda pk: {"verdicts": [one(pk)]}, "/verdicts"),
    ],
)
def test_a_bad_body_is_a_precise_problem(platform, shared, body, pointer):
    bank, entries = shared

    answer = post(platform, feedback_url(bank), body(entries[0].pk))

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert pointer in [error["pointer"] for error in answer.json()["errors"]]
    assert not SignalFeedback.objects.exists()


def test_without_an_idempotency_key_nothing_is_recorded(platform, shared):
    bank, entries = shared

    answer = platform.post(
        feedback_url(bank), words((entries[0], "blocked")), content_type="application/json"
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "idempotency_key_missing"
    assert not SignalFeedback.objects.exists()


def test_only_a_platform_with_the_banks_scope_gives_feedback_on_a_shared_bank(
    hotline, lead, shared, platform
):
    bank, _entries = shared
    own, own_entries = bank_with(lead, "The hotline's own", 1, start=100, sharing=SharingPolicy.NOT_SHARED)
    _p, _k, match_only = platform_credential_create(name="Match Only (test)", country="VN", scopes=["match"])
    _key, hotline_secret = hashing.api_key_issue(
        actor=lead, agency=hotline, name="hotline's own", scopes=[ApiScope.BANKS_READ]
    )

    lacking = post(Client(headers={"Authorization": f"Bearer {match_only}"}), feedback_url(bank), words())
    not_a_platform = post(
        Client(headers={"Authorization": f"Bearer {hotline_secret}"}), feedback_url(bank), words()
    )
    not_shared = post(platform, feedback_url(own), words((own_entries[0], "blocked")))

    assert (lacking.status_code, lacking.json()["code"]) == (403, "scope_missing")
    assert (not_a_platform.status_code, not_a_platform.json()["code"]) == (403, "permission_denied")
    assert (not_shared.status_code, not_shared.json()["code"]) == (404, "not_found")
    assert not SignalFeedback.objects.exists()


# The bank's owner: what each hash achieved ---------------------------------------------------------


@pytest.fixture
def told(platform, other_platform, shared):
    """Two platforms' words on the shared bank's hashes."""
    bank, entries = shared
    post(
        platform,
        feedback_url(bank),
        words(
            (entries[0], "blocked"),
            (entries[1], "blocked"),
            (entries[2], "pending_review"),
            note="Seen twice.",
        ),
    )
    post(other_platform, feedback_url(bank), words((entries[0], "not_blocked")))
    return bank, entries


def test_the_banks_owner_sees_counts_by_platform_and_each_hashs_words(sign_in, make_member, hotline, told):
    bank, entries = told
    analyst = make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    client = sign_in(analyst)
    before = SignalFeedback.objects.count(), AuditEvent.objects.count()

    page = client.get(page_url(bank))

    assert page.status_code == 200
    html = page.content.decode()
    video_app = html.split('data-platform="Video App (test)"')[1].split("</tr>")[0]
    chat_app = html.split('data-platform="Chat App (test)"')[1].split("</tr>")[0]
    assert '<td data-verdict="blocked">2</td>' in video_app
    assert '<td data-verdict="pending_review">1</td>' in video_app
    assert '<td data-verdict="not_blocked">1</td>' in chat_app
    assert "3 hashes with feedback" in html
    assert entries[0].value in html and entries[3].value not in html
    assert "Seen twice." in html
    # A GET writes nothing but the audit of what it read.
    assert SignalFeedback.objects.count() == before[0]
    assert AuditEvent.objects.count() == before[1] + 1
    viewed = AuditEvent.objects.latest("pk")
    assert (viewed.action, viewed.object_type, viewed.object_id) == (
        AuditAction.VIEW,
        "hashing.HashBank",
        str(bank.pk),
    )


def test_the_hashes_come_a_page_at_a_time_in_a_few_queries(
    sign_in, lead, platform, django_assert_max_num_queries
):
    bank, entries = bank_with(lead, "A long bank", 60, start=200)
    post(platform, feedback_url(bank), {"feedback": [{"id": e.pk, "verdict": "blocked"} for e in entries]})
    client = sign_in(lead)

    # 15: a staff page's own (session, user, each two-factor device kind, membership) and the page's.
    with django_assert_max_num_queries(15):
        first = client.get(page_url(bank)).content.decode()
    second = client.get(page_url(bank) + "?page=2").content.decode()

    assert first.count("<tr data-entry=") == sync.FEEDBACK_PAGE_SIZE
    assert second.count("<tr data-entry=") == 60 - sync.FEEDBACK_PAGE_SIZE
    assert "Page 2 of 2" in second


def test_another_hotline_and_other_roles_are_refused(sign_in, make_member, told, client, worker):
    bank, _entries = told
    partner = Agency.objects.create(country="KH", name="Partner Hotline (test)", kind=AgencyKind.HOTLINE)
    outsider = make_member(email="other@example.org", role=Role.HOTLINE_ANALYST, agency=partner)

    assert client.get(page_url(bank)).status_code == 302  # to sign in
    assert sign_in(outsider).get(page_url(bank)).status_code == 404
    client.logout()
    assert sign_in(worker).get(page_url(bank)).status_code == 403


def test_the_banks_page_links_to_what_its_hashes_achieved(sign_in, lead, told):
    bank, _entries = told

    page = sign_in(lead).get(f"/en/hashing/banks/{bank.pk}/").content.decode()

    assert f'href="{page_url(bank)}"' in page
