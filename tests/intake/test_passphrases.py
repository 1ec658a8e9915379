"""A report's secret number: a keyed hash, fast to check; old hashes and old keys keep working and
are hashed again with the current key when the report is next opened."""

import pytest
from django.contrib.auth.hashers import make_password

from childshield.intake import passphrases, services
from childshield.intake.models import Report

pytestmark = pytest.mark.django_db


def _open(client, code: str, passphrase: str) -> str:
    return client.post("/en/report/status/", {"reference": code, "passphrase": passphrase}).content.decode()


def _digits(passphrase: str) -> str:
    return services.normalise_passphrase(passphrase)


def test_a_new_report_is_stored_with_the_keyed_hash_and_opens(send_report, client):
    sent = send_report()
    stored = Report.objects.get().passphrase_hash
    assert stored.startswith("pbkdf2$") and _digits(sent.passphrase) not in stored
    assert "Your messages" in _open(client, sent.code, sent.passphrase)


def test_without_the_key_a_stored_hash_cannot_be_tested(send_report, settings):
    """A copy of the database alone: the same digits, hashed with another key, do not match."""
    sent = send_report()
    stored = Report.objects.get().passphrase_hash
    settings.PASSPHRASE_KEYS = ["a-key-an-attacker-might-try-0123456789"]
    assert not passphrases.passphrase_check(_digits(sent.passphrase), stored).matches


def test_a_secret_number_stored_before_the_change_still_opens_and_is_hashed_again(send_report, client):
    sent = send_report()
    # What reports stored before the keyed hash hold: Django's PBKDF2 of the digits.
    Report.objects.update(passphrase_hash=make_password(_digits(sent.passphrase)))
    assert "Your messages" in _open(client, sent.code, sent.passphrase)
    assert Report.objects.get().passphrase_hash.startswith("pbkdf2$")
    assert "Your messages" in _open(client, sent.code, sent.passphrase)


def test_a_wrong_number_never_rehashes_an_old_hash(send_report, client):
    sent = send_report()
    old = make_password(_digits(sent.passphrase))
    Report.objects.update(passphrase_hash=old)
    assert "We could not open a report" in _open(client, sent.code, "1111 2222 3333")
    assert Report.objects.get().passphrase_hash == old


def test_an_older_key_keeps_working_until_the_report_is_next_opened(send_report, client, settings):
    settings.PASSPHRASE_KEYS = ["the-old-key-of-this-installation-0123"]
    sent = send_report()
    old = Report.objects.get().passphrase_hash
    settings.PASSPHRASE_KEYS = [
        "the-new-key-of-this-installation-4567",
        "the-old-key-of-this-installation-0123",
    ]
    assert "Your messages" in _open(client, sent.code, sent.passphrase)
    renewed = Report.objects.get().passphrase_hash
    assert renewed != old
    settings.PASSPHRASE_KEYS = ["the-new-key-of-this-installation-4567"]
    assert "Your messages" in _open(client, sent.code, sent.passphrase)
