"""Core's tables: rate-limit counters, used only while the cache cannot be reached, and the last
alert of each kind sent to the administrators."""

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


class AdministratorAlert(models.Model):
    """The last alert of each kind sent to the administrators, so one fault is not e-mailed every minute.

    Kept in the database rather than the cache: an alert may be about the cache being down.
    """

    kind = models.CharField(max_length=100, unique=True)
    summary = models.CharField(max_length=500)
    last_sent_at = models.DateTimeField()
    # Alerts of this kind not sent since the last one went out.
    held_back = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"alert {self.kind}"
