"""The field-encryption keys: a MultiFernet built from settings.FIELD_ENCRYPTION_KEYS, and its uses."""

from collections.abc import Callable
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "DecryptionError",
    "InvalidToken",
    "decrypt",
    "encrypt",
    "field_cipher",
    "register_rotation",
    "rotate",
    "rotations",
]


class DecryptionError(Exception):
    """A stored token that no configured key can decrypt; the message names where it is, never what."""


@lru_cache(maxsize=4)
def _cipher_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: at least one Fernet key is needed.")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as exc:
            # The key itself must never reach a log or a traceback.
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS[{position - 1}] is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from exc
    return MultiFernet(fernets)


def field_cipher() -> MultiFernet:
    """The MultiFernet for the keys configured now: the first key encrypts, every key decrypts."""
    # Keyed by the keys themselves rather than cleared on setting_changed: a changed key list
    # (override_settings in tests, or a settings reload) can never be served a stale cipher.
    return _cipher_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return field_cipher().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The plaintext of `token`; raises cryptography's InvalidToken when no key fits."""
    return field_cipher().decrypt(_token_bytes(token)).decode("utf-8")


def rotate(token: str) -> str:
    """`token` re-encrypted with the primary key; raises InvalidToken when no key fits."""
    return field_cipher().rotate(_token_bytes(token)).decode("ascii")


def _token_bytes(token: str) -> bytes:
    try:
        return token.encode("ascii")
    except UnicodeEncodeError:
        # A token is ASCII; anything else (say, plaintext stored before encryption) is not one.
        # `from None`: the encoding error's message would quote a character of the value.
        raise InvalidToken from None


# Encrypted data kept outside encrypted columns (files, say) is rotated by its owner: an app
# registers a function from its AppConfig.ready(), and `rotate_keys` calls it. The function takes
# dry_run and returns how many items it re-encrypted (or would).
RotationHandler = Callable[[bool], int]
_ROTATIONS: dict[str, RotationHandler] = {}


def register_rotation(name: str, handler: RotationHandler) -> None:
    _ROTATIONS[name] = handler


def rotations() -> dict[str, RotationHandler]:
    return dict(_ROTATIONS)
