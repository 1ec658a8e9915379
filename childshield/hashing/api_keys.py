"""API keys' secrets (the part kept in clear, the digest kept in place of the secret), scopes and rotation."""

import hashlib
from collections.abc import Iterable

from django.utils.translation import gettext as _

from childshield.core.errors import ApplicationError
from childshield.hashing.models import ApiScope

KEY_PREFIX_LENGTH = 8  # characters after "cs_" kept in clear, so people can tell their keys apart

# How long a rotated key keeps working beside its successor, so a platform can deploy the new one.
ROTATION_OVERLAP_HOURS = 24
ROTATION_OVERLAP_MAX_HOURS = 168


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def checked_scopes(scopes: Iterable[str]) -> list[str]:
    """The scopes asked for, each once, in ApiScope's order; an unknown one, or none, is refused."""
    asked = {str(scope) for scope in scopes}
    unknown = sorted(asked - set(ApiScope.values))
    if unknown:
        raise ApplicationError(
            _("There is no such scope: %(scopes)s.") % {"scopes": ", ".join(unknown)}, code="invalid"
        )
    if not asked:
        raise ApplicationError(_("Choose at least one thing the key may do."), code="invalid")
    return [scope for scope in ApiScope.values if scope in asked]
