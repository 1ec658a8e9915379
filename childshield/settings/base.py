"""Settings shared by every environment; each value that differs comes from the environment."""

from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from childshield.settings.demo_secrets import (
    DEMO_BLIND_INDEX_KEY,
    DEMO_FIELD_ENCRYPTION_KEYS,
    DEMO_PASSPHRASE_KEY,
    DEMO_SECRET_KEY,
)
from childshield.settings.environment import (
    env_bool,
    env_float,
    env_int,
    env_int_list,
    env_list,
    env_prefixed,
    env_str,
)

# Lets model and admin classes be subscripted for type checking (e.g. ModelAdmin[Agency]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY", DEMO_SECRET_KEY)
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", DEMO_FIELD_ENCRYPTION_KEYS)
BLIND_INDEX_KEY = env_str("BLIND_INDEX_KEY", DEMO_BLIND_INDEX_KEY)
# Keys of backups (operations/sealing.py): url-safe base64 of 32 bytes each; the first seals, every
# one listed opens. Never a field-encryption key, and never kept beside the backups (docs/deploy.md).
BACKUP_KEYS = env_list("BACKUP_KEYS", [])
# Keys of the reports' secret numbers' hashes (intake/passphrases.py): the first hashes, each one
# listed still checks, and a report opened with an older one is hashed again with the first.
PASSPHRASE_KEYS = env_list("PASSPHRASE_KEYS", [DEMO_PASSPHRASE_KEY])
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "pgtrigger",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "anymail",
    "childshield.core",
    "childshield.accounts",
    "childshield.audit",
    "childshield.outbox",
    "childshield.places",
    "childshield.hashing",
    "childshield.exchanges",
    "childshield.intake",
    "childshield.directory",
    "childshield.cases",
    "childshield.hotline",
    "childshield.messaging",
    "childshield.platforms",
    "childshield.helpline",
    "childshield.learning",
    "childshield.insights",
    "childshield.demo",
    "childshield.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "childshield.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "childshield.accounts.middleware.IdleTimeoutMiddleware",
    "childshield.accounts.middleware.TwoFactorMiddleware",
    "childshield.accounts.middleware.ActingMembershipMiddleware",
    "childshield.accounts.middleware.SignedInResponsesNotStoredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "childshield.urls"
WSGI_APPLICATION = "childshield.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "childshield" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "childshield.accounts.context_processors.acting_for",
                "childshield.places.context_processors.helplines",
            ],
        },
    },
]

# Connections are kept between requests (a new PostgreSQL connection costs more than most pages)
# and checked before each request reuses one, so a restarted database costs one retry, not errors.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'childshield.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database of the demo: concurrent writers wait for each other instead of failing
    # with "database is locked" (a write-ahead log, a busy timeout, and transactions that take the
    # write lock when they begin, so that none has to give up half-way).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

# Sessions: signed out after IDLE_TIMEOUT_MINUTES without a request; at most 12 hours in all.
IDLE_TIMEOUT_MINUTES = env_int("IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Two-factor authentication (TOTP) for every staff account; the demo may turn it off.
REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", True)
OTP_TOTP_ISSUER = "childshield"

# Lock-out after repeated failed sign-ins (django-axes).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [
    ("vi", _("Vietnamese")),
    ("km", _("Khmer")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

# The country whose helplines, places and rules the public pages show (ISO 3166-1 alpha-2).
CHILDSHIELD_COUNTRY = env_str("CHILDSHIELD_COUNTRY", "VN")
# Retention periods are the country's file's (childshield/operations/data/retention/); a
# RETENTION_DAYS_<KIND> variable (RETENTION_DAYS_REPORT_UNFOLLOWED=730) lengthens one. Shorter than
# the law's minimum is refused at start (the operations.E001 check). docs/retention.md.
RETENTION_DAYS = {
    name.lower(): env_int(f"RETENTION_DAYS_{name}", 0) for name in env_prefixed("RETENTION_DAYS_")
}
# Where the quick-exit control of public pages sends the child, through /leave/ (which clears this
# site from the browser's cache first): a neutral, everyday site.
QUICK_EXIT_URL = env_str("QUICK_EXIT_URL", "https://www.google.com/")

# Uploaded files (case attachments, encrypted before they are stored). Production: object storage.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"  # files are only ever served through views that check access

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "childshield" / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Rate limits and short-lived answers live in the cache; several web processes need a shared one.
# While it is down, rate limits count in the database (core.rate_limits) and nothing fails: short
# socket timeouts make an unreachable Redis answer at once rather than hold a child's request.
CACHE_URL = env_str("CACHE_URL", "")


def redis_cache(url: str) -> dict[str, Any]:
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


LOCAL_MEMORY_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {"default": redis_cache(CACHE_URL) if CACHE_URL else LOCAL_MEMORY_CACHE}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "childshield <no-reply@localhost>")
# The address staff reach childshield at (scheme and host, e.g. https://childshield.example.org),
# for links in the e-mails scheduled work sends, which have no request to take it from. Empty: those
# e-mails give the page's path alone.
SITE_URL = env_str("SITE_URL", "").rstrip("/")
# Seconds a mail server may take to answer; a send must end well within OUTBOX_LEASE_SECONDS, after
# which another worker may take the same outbox item.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# A mail provider through django-anymail (EMAIL_BACKEND=anymail.backends.postmark.EmailBackend,
# …amazon_ses…, …mailgun…): its settings come from ANYMAIL_* variables (ANYMAIL_POSTMARK_SERVER_TOKEN);
# ANYMAIL_WEBHOOK_SECRET ("user:password") opens the provider's webhooks under /mail/, through
# which a bounced hotline notice is marked bounced by itself.
ANYMAIL: dict[str, str] = env_prefixed("ANYMAIL_")
# Whose delivery webhook is mounted (only its tracking webhook, so that no other provider's URL
# answers): by default the provider of EMAIL_BACKEND.
MAIL_WEBHOOK_PROVIDER = env_str(
    "MAIL_WEBHOOK_PROVIDER",
    EMAIL_BACKEND.split(".")[2] if EMAIL_BACKEND.startswith("anymail.backends.") else "",
)
# Who hears of faults (a dead outbox item, a broker that does not answer): comma-separated addresses.
ADMINS = [("", address) for address in env_list("ADMINS", [])]
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[childshield] "

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "cases-follow-up-reminders": {
        "task": "childshield.cases.tasks.follow_up_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Referrals left unanswered past their deadline, and past twice it: the receiving agency's
    # supervisors are alerted. Every minute, so an emergency's one hour is not stretched much.
    "cases-referral-deadlines": {
        "task": "childshield.cases.tasks.referral_deadline_alerts",
        "schedule": 60.0,
    },
    # Urgent helpline items left waiting: supervisors are e-mailed.
    "helpline-urgent-alerts": {"task": "childshield.helpline.tasks.urgent_alerts", "schedule": 60.0},
    # First notices lost with their task, retries, re-notices and escalations.
    "hotline-notices": {"task": "childshield.hotline.tasks.notices_due", "schedule": 60.0},
    "hotline-removal-checks": {"task": "childshield.hotline.tasks.removal_checks", "schedule": 900.0},
    # Rate-limit counters kept in the database while the cache was down, once their window ended.
    "core-rate-counts-purge": {"task": "childshield.core.tasks.rate_counts_purge", "schedule": 3600.0},
    # The indicators' monthly counts (docs/indicators.md): this month and the last every ten
    # minutes, every month each night.
    "insights-figures-recent": {
        "task": "childshield.insights.tasks.figures_refresh_recent",
        "schedule": 600.0,
    },
    "insights-figures-all": {
        "task": "childshield.insights.tasks.figures_refresh_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # Platforms' idempotency keys past PLATFORMS_IDEMPOTENCY_HOURS.
    "platforms-idempotent-answers-purge": {
        "task": "childshield.platforms.tasks.idempotent_answers_purge",
        "schedule": crontab(minute=40),
    },
    # Ids of chat deliveries older than any provider delivers again.
    "messaging-events-purge": {
        "task": "childshield.messaging.tasks.inbound_events_purge",
        "schedule": 3600.0,
    },
    # Retention (docs/retention.md): what is past its time anonymised or deleted, after the figures'
    # nightly recount.
    "operations-retention": {
        "task": "childshield.operations.tasks.retention_run",
        "schedule": crontab(hour=3, minute=30),
    },
    # Exchange connections asked to run, or whose interval has passed (docs/exchanges.md).
    "exchanges-due": {"task": "childshield.exchanges.tasks.exchanges_due", "schedule": 300.0},
    # Outbox items the immediate kick missed (broker down, worker lost) and retries that are due.
    "outbox-sweep": {"task": "childshield.outbox.tasks.outbox_sweep", "schedule": 60.0},
}

# Every setting the apps read is declared here, once, and documented in docs/configuration.md;
# app code reads `settings.NAME` and never supplies a default of its own.

# The outbox (docs/architecture.md, "The outbox"): attempts before an item becomes a dead letter,
# the first wait between attempts (doubled each time, with jitter), items delivered per sweep, how
# long a worker holds an item it is delivering, and how long delivered items are kept (payload purged).
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_BACKOFF_SECONDS = env_int("OUTBOX_BACKOFF_SECONDS", 30)
OUTBOX_BATCH = env_int("OUTBOX_BATCH", 200)
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)
OUTBOX_KEEP_DELIVERED_DAYS = env_int("OUTBOX_KEEP_DELIVERED_DAYS", 7)
# An alert of one kind to the administrators is e-mailed at most once in this many minutes.
ALERT_REPEAT_MINUTES = env_int("ALERT_REPEAT_MINUTES", 60)

# Published figures (insights, helpline exports): a count under this is shown as "<N", and counts
# that would reveal it are hidden too. One threshold for the whole project.
FIGURES_SUPPRESS_BELOW = env_int("FIGURES_SUPPRESS_BELOW", 5)
# The indicators page's share of reports answered in time (R9): a first reply within this many hours.
FIGURES_REPORT_REPLY_TARGET_HOURS = env_int("FIGURES_REPORT_REPLY_TARGET_HOURS", 24)
# C17, the reopen rate: a closure counts as reopened when its case is reopened within this many days
# of the closure, and is counted only once this window has passed.
FIGURES_REOPEN_WINDOW_DAYS = env_int("FIGURES_REOPEN_WINDOW_DAYS", 180)
# A year's published figures are final this many days after the year ends: later counts no longer
# change them (two versions of a year set side by side could give away what one of them hides).
FIGURES_FINAL_AFTER_DAYS = env_int("FIGURES_FINAL_AFTER_DAYS", 90)

# Reporting: how often a reporter's open thread checks for replies.
INTAKE_POLL_SECONDS = env_int("INTAKE_POLL_SECONDS", 20)
# A live chat (a counsellor holds the report, or a web chat is open): both sides' pages ask for new
# messages this often (1 s: a message appears within 2 s, measured in docs/benchmarks.md)
# (docs/decisions/0009-live-chat-by-short-polling.md).
INTAKE_CHAT_POLL_SECONDS = env_int("INTAKE_CHAT_POLL_SECONDS", 1)

# Helpline: the queue and supervision pages refresh themselves; urgent items left waiting alert
# the supervisors; a counsellor who signed in this long ago counts as on shift.
HELPLINE_QUEUE_POLL_SECONDS = env_int("HELPLINE_QUEUE_POLL_SECONDS", 10)
HELPLINE_SUPERVISOR_POLL_SECONDS = env_int("HELPLINE_SUPERVISOR_POLL_SECONDS", 15)
HELPLINE_URGENT_ALERT_MINUTES = env_int("HELPLINE_URGENT_ALERT_MINUTES", 5)
HELPLINE_SHIFT_HOURS = env_int("HELPLINE_SHIFT_HOURS", 8)
HELPLINE_TRIAGE_BATCH = env_int("HELPLINE_TRIAGE_BATCH", 50)
# The most chats (reports from a chat channel or the web chat) one counsellor holds at once.
HELPLINE_CHAT_CAP = env_int("HELPLINE_CHAT_CAP", 3)

# Chat channels (docs/channels.md): each provider's API address (tests point them at local fakes),
# how long a call to a provider may take (a send ends well within OUTBOX_LEASE_SECONDS), the largest
# picture fetched to hash, and how long a delivery's id is kept to drop the same message delivered again.
MESSAGING_TELEGRAM_API_URL = env_str("MESSAGING_TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
MESSAGING_MESSENGER_API_URL = env_str(
    "MESSAGING_MESSENGER_API_URL", "https://graph.facebook.com/v25.0"
).rstrip("/")
MESSAGING_ZALO_API_URL = env_str("MESSAGING_ZALO_API_URL", "https://openapi.zalo.me").rstrip("/")
MESSAGING_ZALO_OAUTH_URL = env_str("MESSAGING_ZALO_OAUTH_URL", "https://oauth.zaloapp.com").rstrip("/")
MESSAGING_TWILIO_API_URL = env_str("MESSAGING_TWILIO_API_URL", "https://api.twilio.com").rstrip("/")
MESSAGING_HTTP_TIMEOUT_SECONDS = env_int("MESSAGING_HTTP_TIMEOUT_SECONDS", 10)
MESSAGING_MAX_FILE_BYTES = env_int("MESSAGING_MAX_FILE_BYTES", 20 * 2**20)
MESSAGING_KEEP_EVENT_IDS_DAYS = env_int("MESSAGING_KEEP_EVENT_IDS_DAYS", 7)

# Hash exchanges (docs/exchanges.md): how long a run holds its connection before another may start
# (a worker that died gives it back then), the pages of an exchange's answers one run reads before it
# stops to commit and leaves the rest to the next run, and whether an exchange's address may be plain
# http:// or lead to a private network (tests and their fake servers only).
EXCHANGES_RUN_LEASE_MINUTES = env_int("EXCHANGES_RUN_LEASE_MINUTES", 60)
EXCHANGES_PAGES_PER_RUN = env_int("EXCHANGES_PAGES_PER_RUN", 50)
EXCHANGES_ALLOW_PRIVATE_ADDRESSES = env_bool("EXCHANGES_ALLOW_PRIVATE_ADDRESSES", False)

# Platforms' API (docs/api.md): how long the answer to a POST is kept for its Idempotency-Key (the
# same key within it gets the same answer), and the largest JSON body a platform may send.
PLATFORMS_IDEMPOTENCY_HOURS = env_int("PLATFORMS_IDEMPOTENCY_HOURS", 48)
PLATFORMS_MAX_BODY_BYTES = env_int("PLATFORMS_MAX_BODY_BYTES", 1 * 2**20)
# The largest file a platform may send for a file request (one image, kept as hotline evidence).
PLATFORMS_FILE_MAX_BYTES = env_int("PLATFORMS_FILE_MAX_BYTES", 10 * 2**20)
# Notices to platforms' webhooks: how long a platform's server may take to answer, and whether webhook
# addresses may be plain http or lead to private networks (tests and the demo only).
PLATFORMS_WEBHOOK_TIMEOUT_SECONDS = env_int("PLATFORMS_WEBHOOK_TIMEOUT_SECONDS", 10)
PLATFORMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("PLATFORMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

# Cases: when the safety assessment is due, below which age a caregiver consents too, the
# largest attachment, and how often one member may check for children already recorded.
CASES_SAFETY_ASSESSMENT_HOURS = env_int("CASES_SAFETY_ASSESSMENT_HOURS", 24)
CASES_CAREGIVER_CONSENT_UNDER_AGE = env_int("CASES_CAREGIVER_CONSENT_UNDER_AGE", 16)
CASES_ATTACHMENT_MAX_BYTES = env_int("CASES_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
CASES_DUPLICATE_CHECKS_PER_HOUR = env_int("CASES_DUPLICATE_CHECKS_PER_HOUR", 30)
# Referrals: how long the receiving agency has to answer (accept or decline), by urgency. Each
# referral keeps the deadline it was sent with; past it, and again past twice it, the receiving
# agency's supervisors are alerted and the sender sees the referral overdue.
CASES_REFERRAL_EMERGENCY_MINUTES = env_int("CASES_REFERRAL_EMERGENCY_MINUTES", 60)
CASES_REFERRAL_URGENT_MINUTES = env_int("CASES_REFERRAL_URGENT_MINUTES", 24 * 60)
CASES_REFERRAL_ROUTINE_MINUTES = env_int("CASES_REFERRAL_ROUTINE_MINUTES", 7 * 24 * 60)
if min(CASES_REFERRAL_EMERGENCY_MINUTES, CASES_REFERRAL_URGENT_MINUTES, CASES_REFERRAL_ROUTINE_MINUTES) < 1:
    raise ImproperlyConfigured("CASES_REFERRAL_EMERGENCY/URGENT/ROUTINE_MINUTES must each be at least 1.")

# Hashing: the largest video the match API and pages hash, and the share of frames that must
# match for a vPDQ match (decision 0004; the defaults are HMA's).
HASHING_VIDEO_MAX_BYTES = env_int("HASHING_VIDEO_MAX_BYTES", 100 * 1024 * 1024)
HASHING_VIDEO_MAX_SECONDS = env_float("HASHING_VIDEO_MAX_SECONDS", 600.0)
HASHING_VIDEO_MAX_FRAME_PIXELS = env_int("HASHING_VIDEO_MAX_FRAME_PIXELS", 1920 * 1088)
HASHING_VPDQ_QUERY_MATCH_PERCENT = env_float("HASHING_VPDQ_QUERY_MATCH_PERCENT", 80.0)
HASHING_VPDQ_TARGET_MATCH_PERCENT = env_float("HASHING_VPDQ_TARGET_MATCH_PERCENT", 0.0)
# The match API: calls a minute per API key (or signed-in member), and of those, uploads to hash.
HASHING_API_CALLS_PER_MINUTE = env_int("HASHING_API_CALLS_PER_MINUTE", 600)
HASHING_API_UPLOADS_PER_MINUTE = env_int("HASHING_API_UPLOADS_PER_MINUTE", 30)
# How many images every process on the host together decodes and hashes at once (a 50-megapixel
# image takes about 250 MB while it is), the directory of the lock files that count them (shared
# by the web and Celery workers), and how long an image waits for a turn before it is refused.
HASHING_CONCURRENCY = env_int("HASHING_CONCURRENCY", 2)
HASHING_SLOT_DIR = env_str("HASHING_SLOT_DIR", str(VAR_DIR / "hashing-slots"))
HASHING_WAIT_SECONDS = env_float("HASHING_WAIT_SECONDS", 10.0)
# The host's PDQ match index (decision 0006): the directory where `manage.py match_index` writes it
# for every process on the host to map (empty: each process builds its own, as the demo does;
# gunicorn.conf.py sets var/match-index), and how many changes to the banks' history past it make
# the indexer write a new one.
HASHING_INDEX_DIR = env_str("HASHING_INDEX_DIR", "")
HASHING_INDEX_REBUILD_AFTER = env_int("HASHING_INDEX_REBUILD_AFTER", 50_000)

# Hotline (docs/hotline-tracing.md): local MaxMind-format databases for the hosting trace, the key
# that signs referral packages, and the egress proxy removal checks should go through.
HOTLINE_GEOIP_ASN_DB = env_str("HOTLINE_GEOIP_ASN_DB", "")
HOTLINE_GEOIP_COUNTRY_DB = env_str("HOTLINE_GEOIP_COUNTRY_DB", "")
HOTLINE_SIGNING_KEY = env_str("HOTLINE_SIGNING_KEY", "")
HOTLINE_CHECK_PROXY = env_str("HOTLINE_CHECK_PROXY", "")
# Tests and closed networks only: let removal checks reach private and loopback addresses.
HOTLINE_CHECK_ALLOW_PRIVATE_ADDRESSES = env_bool("HOTLINE_CHECK_ALLOW_PRIVATE_ADDRESSES", False)
HOTLINE_CHECK_VERIFY_TLS = env_bool("HOTLINE_CHECK_VERIFY_TLS", False)
HOTLINE_CHECK_USER_AGENT = env_str("HOTLINE_CHECK_USER_AGENT", "")  # empty: the built-in one
HOTLINE_CHECK_EVERY_MINUTES = env_float("HOTLINE_CHECK_EVERY_MINUTES", 60.0)
HOTLINE_CHECK_TIMEOUT_SECONDS = env_float("HOTLINE_CHECK_TIMEOUT_SECONDS", 5.0)
HOTLINE_REQUIRE_SECOND_ASSESSOR = env_bool("HOTLINE_REQUIRE_SECOND_ASSESSOR", True)
HOTLINE_RENOTICE_AFTER_HOURS = env_float("HOTLINE_RENOTICE_AFTER_HOURS", 48.0)
HOTLINE_ESCALATE_AFTER_NOTICES = env_int("HOTLINE_ESCALATE_AFTER_NOTICES", 3)
# A notice that fails to send is tried again after each of these waits, then marked failed.
HOTLINE_NOTICE_BACKOFF_MINUTES = env_int_list("HOTLINE_NOTICE_BACKOFF_MINUTES", [1, 5, 30, 120, 720])
HOTLINE_NOTICE_LANGUAGE = env_str("HOTLINE_NOTICE_LANGUAGE", "en")
HOTLINE_NOTICE_REPLY_TO = env_str("HOTLINE_NOTICE_REPLY_TO", "")
HOTLINE_EVIDENCE_MAX_BYTES = env_int("HOTLINE_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# Analyst welfare: after this long looking at evidence in one stretch, the page suggests a break.
HOTLINE_WELFARE_NUDGE_MINUTES = env_float("HOTLINE_WELFARE_NUDGE_MINUTES", 20.0)

# Security headers; production tightens cookies and transport further.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# "no-referrer" would make browsers send "Origin: null" on form posts, which CSRF checks refuse.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "manifest-src": [SELF],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "childshield API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The interactive page at /api/v1/docs/ takes Swagger UI from our static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False, "tryItOutEnabled": False},
    # The algorithms a single hash may be sent with (a vPDQ hash is a list of frames, sent apart).
    "ENUM_NAME_OVERRIDES": {
        "HashAlgorithmEnum": ["pdq", "md5", "sha256"],
        # Where an address a platform reported or was sent a notice about stands.
        "AddressStateEnum": "childshield.platforms.serializers.ITEM_STATES",
    },
}

# Requests are logged by their route, never their path (staff URLs carry report codes): see
# core/log_routes.py, and docs/configuration.md for gunicorn's access log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"route_not_path": {"()": "childshield.core.log_routes.RouteNotPath"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "filters": ["route_not_path"], "propagate": False},
        "django.server": {"handlers": ["console"], "filters": ["route_not_path"], "propagate": False},
        # httpx logs each request's full address at INFO: a Telegram bot's token is in its path, a
        # Messenger page's token in its query, a reported page's address in the hotline's checks.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Demo accounts and data: allowed outside production only.
ALLOW_DEMO_DATA = True
