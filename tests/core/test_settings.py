"""Production settings refuse to start without real secrets; the others start with demo ones."""

import base64
import runpy
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

import childshield.settings
from childshield.settings.demo_secrets import (
    DEMO_BLIND_INDEX_KEY,
    DEMO_FIELD_ENCRYPTION_KEYS,
    DEMO_PASSPHRASE_KEY,
    DEMO_SECRET_KEY,
)

PRODUCTION = Path(childshield.settings.__file__).parent / "production.py"


@pytest.fixture
def good_env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.setenv(
        "FIELD_ENCRYPTION_KEYS", f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    )
    monkeypatch.setenv("BLIND_INDEX_KEY", "b" * 40)
    monkeypatch.setenv("PASSPHRASE_KEYS", "p" * 40)
    monkeypatch.setenv("HOTLINE_SIGNING_KEY", base64.b64encode(b"k" * 32).decode())
    monkeypatch.setenv("ALLOWED_HOSTS", "childshield.example")
    monkeypatch.delenv("REQUIRE_TWO_FACTOR", raising=False)
    return monkeypatch


def test_production_starts_with_real_secrets_and_strict_defaults(good_env):
    values = runpy.run_path(str(PRODUCTION))
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["REQUIRE_TWO_FACTOR"] is True
    assert values["ALLOW_DEMO_DATA"] is False
    assert len(values["FIELD_ENCRYPTION_KEYS"]) == 2
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    # Nothing is loaded from another site: every source is this site or nothing.
    for sources in directives.values():
        assert all(source in {"'self'", "'none'", "data:"} for source in sources), sources


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SECRET_KEY", "", "SECRET_KEY must be set"),
        ("SECRET_KEY", DEMO_SECRET_KEY, "SECRET_KEY is a demo value"),
        ("FIELD_ENCRYPTION_KEYS", "", "FIELD_ENCRYPTION_KEYS must be set"),
        ("FIELD_ENCRYPTION_KEYS", DEMO_FIELD_ENCRYPTION_KEYS[0], "FIELD_ENCRYPTION_KEYS is a demo value"),
        ("FIELD_ENCRYPTION_KEYS", "not-a-key", "url-safe base64 key of 32 bytes"),
        ("BLIND_INDEX_KEY", DEMO_BLIND_INDEX_KEY, "BLIND_INDEX_KEY is a demo value"),
        ("PASSPHRASE_KEYS", "", "PASSPHRASE_KEYS must be set"),
        ("PASSPHRASE_KEYS", DEMO_PASSPHRASE_KEY, "PASSPHRASE_KEYS is a demo value"),
        ("PASSPHRASE_KEYS", "short", "at least 32 characters"),
        ("HOTLINE_SIGNING_KEY", "", "HOTLINE_SIGNING_KEY must be set"),
        ("HOTLINE_SIGNING_KEY", base64.b64encode(b"short").decode(), "base64 of 32 random bytes"),
        ("HOTLINE_SIGNING_KEY", "not base64!", "base64 of 32 random bytes"),
        ("BACKUP_KEYS", "short", "BACKUP_KEYS entry must be the url-safe base64 of 32 random bytes"),
        ("ALLOWED_HOSTS", "", "ALLOWED_HOSTS must be set"),
        ("REQUIRE_TWO_FACTOR", "false", "cannot be turned off in production"),
        ("REQUIRE_TWO_FACTOR", "maybe", "REQUIRE_TWO_FACTOR must be true or false"),
    ],
)
def test_production_refuses_a_missing_or_demo_secret(good_env, name, value, message):
    good_env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        runpy.run_path(str(PRODUCTION))


def test_production_refuses_a_field_encryption_key_as_a_backup_key(good_env):
    field_key = Fernet.generate_key().decode()
    good_env.setenv("FIELD_ENCRYPTION_KEYS", field_key)
    good_env.setenv("BACKUP_KEYS", Fernet.generate_key().decode())
    assert len(runpy.run_path(str(PRODUCTION))["BACKUP_KEYS"]) == 1
    good_env.setenv("BACKUP_KEYS", field_key)
    with pytest.raises(ImproperlyConfigured, match="not a FIELD_ENCRYPTION_KEYS entry") as refusal:
        runpy.run_path(str(PRODUCTION))
    assert field_key not in str(refusal.value)


def test_a_secret_never_appears_in_the_refusal(good_env):
    good_env.setenv("FIELD_ENCRYPTION_KEYS", "my-secret-but-malformed")
    with pytest.raises(ImproperlyConfigured) as refusal:
        runpy.run_path(str(PRODUCTION))
    assert "my-secret-but-malformed" not in str(refusal.value)


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_keeps_files_in_object_storage_when_a_bucket_is_named(good_env):
    from django.utils.module_loading import import_string

    assert runpy.run_path(str(PRODUCTION))["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    good_env.setenv("STORAGE_S3_BUCKET", "childshield-evidence")
    good_env.setenv("STORAGE_S3_ENDPOINT_URL", "https://objects.example.org")
    default = runpy.run_path(str(PRODUCTION))["STORAGES"]["default"]
    storage = import_string(default["BACKEND"])(**default["OPTIONS"])
    assert storage.bucket_name == "childshield-evidence"
    assert storage.default_acl == "private" and storage.querystring_auth
    assert storage.endpoint_url == "https://objects.example.org"
