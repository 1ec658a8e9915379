"""The test suite: tasks run eagerly, fast password hashing, mail kept in memory."""

from childshield.settings.base import *  # noqa: F403
from childshield.settings.base import VAR_DIR
from childshield.settings.environment import env_bool, env_str

VAR_DIR.mkdir(exist_ok=True)
DEBUG = False
REQUIRE_TWO_FACTOR = False
# Tasks run in place and mail stays in memory, except for the fault tests' own app and worker
# processes (tests/fault/), which send tasks to their broker and write e-mails as files.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "test-mail"))
# The mail providers' webhooks are mounted, behind this test-only secret.
ANYMAIL = {"WEBHOOK_SECRET": "mailhook:test-only-secret"}
MAIL_WEBHOOK_PROVIDER = "postmark"
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The project's loggers and filters, writing nowhere.
LOGGING = {**LOGGING, "handlers": {"console": {"class": "logging.NullHandler"}}}  # noqa: F405
# Static files straight from the source folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A model with encrypted fields for the core tests; it lives in the tests and has no migrations.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.sampleapp"]  # noqa: F405
