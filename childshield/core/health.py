"""Checks behind /healthz: can we reach the database, the cache and the task broker right now?"""

from django.core.cache import cache
from django.db import connection

from childshield.celery import app as celery_app


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except Exception:
        return False


def broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        return True
    except Exception:
        return False


def cache_ok() -> bool:
    """A read of a key nobody writes: it reaches the cache and changes nothing."""
    try:
        cache.get("healthz:probe")
        return True
    except Exception:
        return False
