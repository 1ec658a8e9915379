"""Training of frontline staff: courses and their tests, the sessions held, who attended and their scores."""

import calendar
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from childshield.core.fields import EncryptedTextField

__all__ = ["Attendance", "Course", "CourseTopic", "TestQuestion", "TrainingSession", "add_months"]


class CourseTopic(models.TextChoices):
    RECOGNISING_OCSEA = "recognising_ocsea", _("Recognising online child sexual exploitation and abuse")
    DISCLOSURE = "disclosure", _("Answering a disclosure without blame")
    REFERRAL_PATHWAY = "referral_pathway", _("The referral pathway")
    USING_CHILDSHIELD = "using_childshield", _("Using childshield")


def add_months(day: date, months: int) -> date:
    """`day` moved on by `months`, kept within the month it lands in (31 January + 1 is 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _in_language(vi: str, km: str, en: str) -> str:
    # A text not yet written in the reader's language falls back to English, then Vietnamese.
    language = (get_language() or "en")[:2]
    chosen = {"vi": vi, "km": km, "en": en}.get(language, en)
    return chosen or en or vi


class Course(models.Model):
    """One topic trained, in each language; attendees should take it again every `refresher_months`."""

    topic = models.CharField(_("topic"), max_length=40, choices=CourseTopic.choices, unique=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200, blank=True)
    title_km = models.CharField(_("title (Khmer)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    refresher_months = models.PositiveSmallIntegerField(_("refresher after (months)"), default=24)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _in_language(self.title_vi, self.title_km, self.title_en)


class TestQuestion(models.Model):
    """A question of a course's test, kept as data: the same questions before and after a session."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text_vi = models.TextField(_("question (Vietnamese)"), blank=True)
    text_km = models.TextField(_("question (Khmer)"), blank=True)
    text_en = models.TextField(_("question (English)"))
    points = models.PositiveSmallIntegerField(_("points"), default=1)

    class Meta:
        verbose_name = _("test question")
        verbose_name_plural = _("test questions")
        ordering = ["course", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return _in_language(self.text_vi, self.text_km, self.text_en)


class TrainingSession(models.Model):
    """A course given on one day, somewhere, by a trainer, to members of one or more agencies."""

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course")
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, help_text=_("e.g. the commune hall, a school."))
    # The commune (or district) it was held in: "trained per commune" counts by it.
    area = models.ForeignKey(
        "places.Area",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("commune"),
    )
    trainer = models.CharField(_("trainer"), max_length=200)
    # The agency that recorded it, whose session it is; `agencies` are those whose staff attended.
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    agencies = models.ManyToManyField(
        "accounts.Agency", related_name="training_sessions", verbose_name=_("agencies")
    )
    recorded_by = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+")
    # Children who took part are counted, never named.
    children_count = models.PositiveIntegerField(_("children taking part"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["agency", "held_on"], name="learning_session_agency_day")]

    def __str__(self) -> str:
        return f"{self.course} · {self.held_on:%Y-%m-%d}"

    @property
    def refresher_due(self) -> date:
        return add_months(self.held_on, self.course.refresher_months)


class Attendance(models.Model):
    """One person at a session: a member (by account), or a teacher, parent or community member
    without an account, by name and role only (the name encrypted). Scores out of the course's test."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    name = EncryptedTextField(_("name"), blank=True, default="")
    role = models.CharField(_("role"), max_length=100, blank=True, default="")
    pre_score = models.PositiveSmallIntegerField(_("score before"), null=True, blank=True)
    post_score = models.PositiveSmallIntegerField(_("score after"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "membership"],
                condition=models.Q(membership__isnull=False),
                name="learning_attendance_member_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.pk}"

    @property
    def display_name(self) -> str:
        return self.membership.user.full_name if self.membership_id and self.membership else self.name

    @property
    def display_role(self) -> str:
        if self.membership_id and self.membership:
            return f"{self.membership.get_role_display()}, {self.membership.agency.name}"
        return self.role
