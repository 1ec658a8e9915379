"""API keys' secrets: the part kept in clear, and the digest kept in place of the secret (never stored)."""

import hashlib

KEY_PREFIX_LENGTH = 8  # characters after "cs_" kept in clear, so people can tell their keys apart


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
