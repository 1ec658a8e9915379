"""Posters that measure reach (issue 22): a source link's printable poster, and the library's visits
counted per source link and day (an aggregate, never a row per visit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PosterLanguage(models.TextChoices):
    VI = "vi", "Tiếng Việt"
    KM = "km", "ខ្មែរ"
    EN = "en", "English"


class Paper(models.TextChoices):
    A4 = "A4", "A4"
    A3 = "A3", "A3"


class Poster(models.Model):
    """How one source link (`intake.SourceLink`, its `?from=` code) is printed for a school or commune."""

    link = models.ForeignKey(
        "intake.SourceLink", verbose_name=_("source link"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=2, choices=PosterLanguage.choices)
    paper = models.CharField(_("paper"), max_length=2, choices=Paper.choices, default=Paper.A4)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("made by agency"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        verbose_name = _("poster")
        verbose_name_plural = _("posters")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.link} ({self.language}, {self.paper})"


class SourceVisit(models.Model):
    """How many library pages were opened through one source link's address on one day. Nothing about
    the visitor: no address, no browser, no time of day."""

    link = models.ForeignKey(
        "intake.SourceLink", verbose_name=_("source link"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("visits"), default=0)

    class Meta:
        verbose_name = _("library visits by source")
        verbose_name_plural = _("library visits by source")
        constraints = [
            models.UniqueConstraint(fields=["link", "day"], name="learning_sourcevisit_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.link} {self.day}: {self.count}"
