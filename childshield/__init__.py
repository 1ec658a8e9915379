"""childshield: one system for a country's response to online child sexual exploitation and abuse."""

from childshield.celery import app as celery_app

__all__ = ["celery_app"]
