"""The demo and local development: SQLite under var/, demo secrets, e-mail to the console."""

from childshield.settings.base import *  # noqa: F403
from childshield.settings.base import VAR_DIR
from childshield.settings.environment import env_bool

DEBUG = env_bool("DEBUG", True)
VAR_DIR.mkdir(exist_ok=True)
REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", False)
# The demo runs without a worker: tasks run in the web process.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files straight from the source folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
