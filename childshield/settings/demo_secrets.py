"""Publicly known secrets for the demo and tests only; production settings refuse every one."""

DEMO_SECRET_KEY = "demo-only-insecure-secret-key-childshield-do-not-use-in-production"
DEMO_FIELD_ENCRYPTION_KEYS = ["DJk5Ex4PkAOtWEoL7Zsv41yzxSQyFK7SvyCqDM9gPYU="]
DEMO_BLIND_INDEX_KEY = "demo-only-blind-index-key-childshield"
DEMO_PASSWORD = "demo-Childshield-2026"
DEMO_PASSPHRASE_KEY = "demo-only-passphrase-key-childshield"

ALL = {DEMO_SECRET_KEY, DEMO_BLIND_INDEX_KEY, DEMO_PASSPHRASE_KEY, DEMO_PASSWORD, *DEMO_FIELD_ENCRYPTION_KEYS}
