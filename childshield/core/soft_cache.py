"""The cache for what may be forgotten: while the cache is down a read is a miss and a write is dropped.

For answers kept only to save work or to recognise a form sent twice (never for rate limits, which
must not be per process: see `core.rate_limits`), so that a cache outage never fails a request.
"""

import logging
from typing import Any

from django.core.cache import cache

from childshield.core.alerts import cache_unreachable_alert

logger = logging.getLogger(__name__)


def get(key: str) -> Any | None:
    try:
        return cache.get(key)
    except Exception as error:
        # The error's kind only: keys may be derived from what a person sent.
        logger.warning("The cache is unreachable (%s); read as a miss.", type(error).__name__)
        cache_unreachable_alert(type(error).__name__)
        return None


def set(key: str, value: Any, seconds: int) -> None:
    try:
        cache.set(key, value, seconds)
    except Exception as error:
        logger.warning("The cache is unreachable (%s); nothing remembered.", type(error).__name__)
        cache_unreachable_alert(type(error).__name__)
