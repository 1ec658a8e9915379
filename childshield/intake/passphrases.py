"""The secret number of a report, as stored: a keyed hash that is fast to check and useless offline.

`pbkdf2$<key id>$<iterations>$<salt>$<digest>`: PBKDF2-HMAC-SHA256 of the digits with a modest work
factor, then HMAC-SHA256 with a key from PASSPHRASE_KEYS, which lives in the environment, never in
the database. A copy of the database alone cannot test a single guess; with the key as well, each
guess still costs the work factor. The first key hashes; every key listed still checks, and a report
opened with an older key, or one stored before (Django's PBKDF2 with a million iterations), is hashed
again with the first key (docs/decisions/0007-passphrase-keyed-hash.md).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher

SCHEME = "pbkdf2"
# About 5 ms of one core: a guess from the internet costs little more than a page, and a guess
# offline with the key stolen as well still costs this much.
ITERATIONS = 20_000


def _key_id(key: str) -> str:
    """A short name for a key, stored with each hash, so the list's order may change."""
    return hashlib.sha256(("passphrase-key:" + key).encode()).hexdigest()[:8]


def _keys() -> dict[str, str]:
    return {_key_id(key): key for key in settings.PASSPHRASE_KEYS}


def _digest(passphrase: str, *, key: str, salt: str, iterations: int) -> str:
    stretched = hashlib.pbkdf2_hmac("sha256", passphrase.encode(), salt.encode(), iterations)
    return hmac.new(key.encode(), stretched, hashlib.sha256).hexdigest()


def passphrase_hash(passphrase: str) -> str:
    key = settings.PASSPHRASE_KEYS[0]
    salt = secrets.token_hex(16)
    digest = _digest(passphrase, key=key, salt=salt, iterations=ITERATIONS)
    return f"{SCHEME}${_key_id(key)}${ITERATIONS}${salt}${digest}"


@dataclass(frozen=True)
class Checked:
    matches: bool
    # Right, but stored with an older key, fewer iterations, or the scheme used before: hash it again.
    stale: bool = False


def passphrase_check(passphrase: str, encoded: str) -> Checked:
    if not encoded:
        return Checked(False)
    parts = encoded.split("$")
    if parts[0] == SCHEME and len(parts) == 5:
        key_id, iterations, salt, digest = parts[1], int(parts[2]), parts[3], parts[4]
        key = _keys().get(key_id)
        if key is None:
            # A key no longer listed: nothing it hashed can be opened any more (the decision record).
            return Checked(False)
        expected = _digest(passphrase, key=key, salt=salt, iterations=iterations)
        matches = hmac.compare_digest(expected, digest)
        return Checked(
            matches,
            stale=matches and (key_id != _key_id(settings.PASSPHRASE_KEYS[0]) or iterations != ITERATIONS),
        )
    # Stored before the keyed hash: Django's password hashers (PBKDF2, a million iterations).
    try:
        identify_hasher(encoded)
    except ValueError:
        return Checked(False)
    matches = check_password(passphrase, encoded)
    return Checked(matches, stale=matches)
