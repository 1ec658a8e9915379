"""What the indicators are read from: counts computed in the background, never records."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MonthlyFigure(models.Model):
    """What every figure counted in the background is of: a country, a month and today's province."""

    country = models.CharField(_("country"), max_length=2)
    month = models.DateField(_("month"))  # its first day, in the project's time zone
    province = models.ForeignKey(
        "places.Area",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        abstract = True


class MonthlyCount(MonthlyFigure):
    """How many records of one source had one value of one dimension, in one month, in one province.

    Computed by `insights.figures.refresh` (Celery beat) from the records; the figures pages add months
    up into quarters and years and provinces into the country, so a page reads a few hundred rows
    whatever the number of records. `province` is the province that holds the record's area today
    (areas merged in 2025 count in their successor); empty when the record names none. The total of a
    source is the row with an empty dimension and value.
    """

    source = models.CharField(_("source"), max_length=30)
    dimension = models.CharField(_("dimension"), max_length=30, blank=True)
    value = models.CharField(_("value"), max_length=60, blank=True)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("monthly count")
        verbose_name_plural = _("monthly counts")
        indexes = [
            models.Index(fields=["source", "country", "dimension", "month"], name="insights_count_read"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.country} {self.month:%Y-%m} {self.dimension}={self.value}: {self.count}"


class PublishedCell(models.Model):
    """One figure as every page, chart and export shows it: its count and what is shown of it.

    Made by `insights.figures.publication.publish` from the monthly counts of one source, country and
    year at once: every month, quarter and the year, for the country and each province, by every
    dimension, protected together so that no hidden count can be worked out from any pages or periods
    put side by side. Pages read these rows and nothing else, so what they show is always one
    publication's. `place` is "country", a province's id, or "" for records that name no province;
    counts of zero are not stored (they show as under the threshold). A duration measure's counts
    (how many ended, how many still waited) are a publication of their own: `source` is
    "duration:<measure>", `dimension` "ended" or "waiting", `value` the group ("" all the records).
    """

    source = models.CharField(_("source"), max_length=30)
    country = models.CharField(_("country"), max_length=2)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=7)  # "2026", "2026-Q3" or "2026-07"
    place = models.CharField(_("place"), max_length=20, blank=True)
    dimension = models.CharField(_("dimension"), max_length=30, blank=True)
    value = models.CharField(_("value"), max_length=60, blank=True)
    count = models.PositiveIntegerField(_("count"))
    shown = models.CharField(_("shown"), max_length=12)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")
        indexes = [
            models.Index(fields=["country", "period", "place"], name="insights_published_read"),
            models.Index(fields=["source", "country", "year"], name="insights_published_year"),
        ]

    def __str__(self) -> str:
        where = f"{self.country} {self.period} {self.place}"
        return f"{self.source} {where} {self.dimension}={self.value}: {self.shown}"


class MonthlyDuration(MonthlyFigure):
    """How long one measure's records took (a report to its first reply, a case to its safety
    assessment, ...), for the records that started in one month in one province, in one group.

    Computed by `insights.figures.refresh` with the counts; pages merge the months and provinces of a
    period and read its median and 90th percentile from `minutes`, a histogram of the durations in fixed
    buckets (`insights.figures.durations.bucket_of`), without reading any record. `ended_in` says in
    which month each record ended (was answered), so that a page can say how many were still waiting at
    its period's end.
    """

    measure = models.CharField(_("measure"), max_length=30)
    group = models.CharField(_("group"), max_length=30, blank=True)  # e.g. urgent or not; "" for all
    records = models.PositiveIntegerField(_("records"))  # that started in the month
    ended = models.PositiveIntegerField(_("records ended"))  # with a duration (answered, assessed, removed)
    in_share = models.PositiveIntegerField(_("in the on-time share"))  # its denominator
    on_time = models.PositiveIntegerField(_("on time"))  # its numerator
    minutes = models.JSONField(_("durations"), default=dict)  # bucket's first minute -> records
    ended_in = models.JSONField(_("ended in"), default=dict)  # "YYYY-MM" -> records

    class Meta:
        verbose_name = _("monthly duration")
        verbose_name_plural = _("monthly durations")
        indexes = [models.Index(fields=["measure", "country", "month"], name="insights_duration_read")]

    def __str__(self) -> str:
        return f"{self.measure} {self.country} {self.month:%Y-%m} {self.group}: {self.ended}/{self.records}"
