"""The Celery application: Redis as broker, settings read from Django's CELERY_* names."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childshield.settings.dev")

app = Celery("childshield")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
