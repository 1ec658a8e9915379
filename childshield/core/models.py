"""Core's one table: rate-limit counters, used only while the cache cannot be reached."""

from django.db import models


class RateCount(models.Model):
    """One rate limit's counter for one keyed client, in a window that starts at its first event.

    The cache holds these normally; this table takes over, with the same atomic counting, while the
    cache is down, so that a limit is never per process. Keys are keyed hashes, never an address.
    """

    bucket_key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_start"], name="core_ratecount_window")]

    def __str__(self) -> str:
        return f"{self.count} since {self.window_start:%H:%M}"
