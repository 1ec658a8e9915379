"""The self-submitted bank: created once per hotline, filled without a member, replayed to match workers,
and matched like any other bank."""

import pytest

from childshield.audit.models import AuditEvent
from childshield.hashing import services
from childshield.hashing.formats import InvalidHash
from childshield.hashing.models import (
    BankSource,
    ChangeKind,
    HashChange,
    HashEntry,
    MatchChannel,
    SharingPolicy,
)
from childshield.hashing.self_submitted import (
    SelfSubmittedHash,
    self_submitted_bank_ensure,
    self_submitted_bank_get,
    self_submitted_hashes_add,
)

pytestmark = pytest.mark.django_db

PDQ = "f" * 32 + "0" * 32
MD5 = "0123456789abcdef" * 2


def test_each_hotline_gets_one_self_submitted_bank_shared_with_vetted_platforms(hotline, other_hotline):
    assert self_submitted_bank_get(agency=hotline) is None
    bank = self_submitted_bank_ensure(agency=hotline)
    assert self_submitted_bank_ensure(agency=hotline) == bank
    assert bank.source == BankSource.SELF_SUBMITTED
    assert bank.sharing == SharingPolicy.TRUSTED_PLATFORMS
    assert bank.is_enabled
    assert self_submitted_bank_ensure(agency=other_hotline) != bank
    assert AuditEvent.objects.filter(object_type="hashing.HashBank", action="create").count() == 2


def test_hashes_are_added_with_their_history_and_the_match_workers_are_told(
    hotline, analyst, django_capture_on_commit_callbacks
):
    bank = self_submitted_bank_ensure(agency=hotline)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        entries = self_submitted_hashes_add(
            bank=bank,
            hashes=[SelfSubmittedHash("pdq", PDQ.upper(), 80), SelfSubmittedHash("md5", MD5)],
            reference="self-submitted (intake report 1)",
            by=analyst.user,
        )
    assert len(callbacks) == 1
    assert [(e.algorithm, e.value, e.quality) for e in entries] == [("pdq", PDQ, 80), ("md5", MD5, None)]
    assert all(e.added_by == analyst.user for e in entries)
    changes = HashChange.objects.filter(bank=bank)
    expected = sorted((e.pk, ChangeKind.ADDED) for e in entries)
    assert sorted(changes.values_list("entry_id", "kind")) == expected


def test_a_hash_already_in_the_bank_is_not_added_twice(hotline):
    bank = self_submitted_bank_ensure(agency=hotline)
    [first] = self_submitted_hashes_add(bank=bank, hashes=[SelfSubmittedHash("md5", MD5)], reference="a")
    [again] = self_submitted_hashes_add(bank=bank, hashes=[SelfSubmittedHash("md5", MD5)], reference="b")
    assert first == again
    assert HashEntry.objects.count() == 1 and HashChange.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [SelfSubmittedHash("pdq", PDQ, 20), SelfSubmittedHash("md5", "abc"), SelfSubmittedHash("vpdq", PDQ)],
    ids=["low-quality-pdq", "short-md5", "vpdq"],
)
def test_bad_values_add_nothing(hotline, bad):
    bank = self_submitted_bank_ensure(agency=hotline)
    with pytest.raises(InvalidHash):
        self_submitted_hashes_add(bank=bank, hashes=[SelfSubmittedHash("md5", MD5), bad], reference="x")
    assert not HashEntry.objects.exists()


def test_only_self_submitted_banks_take_hashes_without_a_member(bank):
    with pytest.raises(ValueError):
        self_submitted_hashes_add(bank=bank, hashes=[SelfSubmittedHash("md5", MD5)], reference="x")


def test_self_submitted_hashes_are_matched(hotline):
    bank = self_submitted_bank_ensure(agency=hotline)
    self_submitted_hashes_add(bank=bank, hashes=[SelfSubmittedHash("pdq", PDQ, 90)], reference="x")
    near = "f" * 31 + "e" + "0" * 32
    [result] = services.hashes_match(
        queries=[services.HashQuery("pdq", near, 90)],
        bank_ids=[bank.pk],
        channel=MatchChannel.SERVICE,
        agency=hotline,
    )
    assert result.status == "matched"
    assert result.matches[0].distance == 1


def test_platforms_see_the_bank_and_their_uploads_match_its_hashes(hotline, platform):
    bank = self_submitted_bank_ensure(agency=hotline)
    self_submitted_hashes_add(
        bank=bank, hashes=[SelfSubmittedHash("md5", MD5), SelfSubmittedHash("pdq", PDQ, 90)], reference="x"
    )
    listed = {b["name"]: b for b in platform.get("/api/v1/banks/").json()}
    assert listed[bank.name]["source"] == BankSource.SELF_SUBMITTED
    assert listed[bank.name]["live_entries"] == 2
    response = platform.post(
        "/api/v1/match/hashes/",
        {"hashes": [{"algorithm": "md5", "value": MD5}]},
        content_type="application/json",
    )
    [result] = response.json()["results"]
    assert result["status"] == "matched" and result["matches"][0]["bank"] == bank.pk
