"""Production: refuses to start without real secrets; DEBUG off, HTTPS only, strict headers."""

import base64

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from childshield.settings.base import *  # noqa: F403
from childshield.settings.base import redis_cache
from childshield.settings.demo_secrets import ALL as DEMO_SECRETS
from childshield.settings.environment import env_bool, env_int, env_list, env_str


def _require_secret(name: str, value: str) -> None:
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production.")
    if value in DEMO_SECRETS:
        raise ImproperlyConfigured(f"{name} is a demo value; set a secret of your own in production.")


SECRET_KEY = env_str("SECRET_KEY")
_require_secret("SECRET_KEY", SECRET_KEY)
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in production.")
for _key in FIELD_ENCRYPTION_KEYS:
    _require_secret("FIELD_ENCRYPTION_KEYS", _key)
    try:
        Fernet(_key)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "Each FIELD_ENCRYPTION_KEYS entry must be a url-safe base64 key of 32 bytes "
            "(make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')."
        ) from exc

BLIND_INDEX_KEY = env_str("BLIND_INDEX_KEY")
_require_secret("BLIND_INDEX_KEY", BLIND_INDEX_KEY)
if len(BLIND_INDEX_KEY) < 32:
    raise ImproperlyConfigured("BLIND_INDEX_KEY must be at least 32 characters long.")

PASSPHRASE_KEYS = env_list("PASSPHRASE_KEYS", [])
if not PASSPHRASE_KEYS:
    raise ImproperlyConfigured("PASSPHRASE_KEYS must be set in production.")
for _key in PASSPHRASE_KEYS:
    _require_secret("PASSPHRASE_KEYS", _key)
    if len(_key) < 32:
        raise ImproperlyConfigured("Each PASSPHRASE_KEYS entry must be at least 32 characters long.")

# Backups are sealed with keys of their own (docs/deploy.md, Backups): set where backups are taken
# or restored (`manage.py backup` refuses to run without one), never a field-encryption key.
BACKUP_KEYS = env_list("BACKUP_KEYS", [])
for _key in BACKUP_KEYS:
    try:
        _backup_key_length = len(base64.urlsafe_b64decode(_key.encode("ascii")))
    except ValueError:
        _backup_key_length = 0
    if _backup_key_length != 32 or _key in FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "Each BACKUP_KEYS entry must be the url-safe base64 of 32 random bytes, and not a "
            "FIELD_ENCRYPTION_KEYS entry (make one with: python -c 'import base64, os; "
            "print(base64.urlsafe_b64encode(os.urandom(32)).decode())')."
        )

# Referral packages are signed with a key of their own, so that rotating SECRET_KEY does not change it.
HOTLINE_SIGNING_KEY = env_str("HOTLINE_SIGNING_KEY")
_require_secret("HOTLINE_SIGNING_KEY", HOTLINE_SIGNING_KEY)
try:
    _signing_key_length = len(base64.b64decode(HOTLINE_SIGNING_KEY, validate=True))
except ValueError:
    _signing_key_length = 0
if _signing_key_length != 32:
    raise ImproperlyConfigured(
        "HOTLINE_SIGNING_KEY must be the base64 of 32 random bytes "
        "(make one with: python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')."
    )

# Evidence and case attachments are encrypted before they are stored; in production they go to
# S3-compatible object storage when a bucket is named (else MEDIA_ROOT on the server's disk).
STORAGE_S3_BUCKET = env_str("STORAGE_S3_BUCKET", "")
if STORAGE_S3_BUCKET:
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": STORAGE_S3_BUCKET,
                "endpoint_url": env_str("STORAGE_S3_ENDPOINT_URL", "") or None,
                "region_name": env_str("STORAGE_S3_REGION", "") or None,
                "access_key": env_str("STORAGE_S3_ACCESS_KEY", "") or None,
                "secret_key": env_str("STORAGE_S3_SECRET_KEY", "") or None,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }

# Rate limits must be shared by every web process: a Redis cache, by default the local one.
CACHE_URL = env_str("CACHE_URL", "redis://127.0.0.1:6379/1")
CACHES = {"default": redis_cache(CACHE_URL)}

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")

REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", True)
if not REQUIRE_TWO_FACTOR:
    raise ImproperlyConfigured("Two-factor authentication cannot be turned off in production.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = True

# The demo accounts' password is public: refuse it at sign-in, and refuse to seed demo data.
ALLOW_DEMO_DATA = False
