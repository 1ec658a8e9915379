"""The awareness library: articles for children, caregivers, teachers and focal points, app guides and
lesson plans, each written per language as versions that a second person reviews before they are
published; every published version is kept (superseded, never changed)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership, Role


class Audience(models.TextChoices):
    CHILDREN = "children", _("Children and young people")
    CAREGIVERS = "caregivers", _("Parents and caregivers")
    TEACHERS = "teachers", _("Teachers")
    FOCAL_POINTS = "focal_points", _("Community focal points")


class ArticleKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    APP_GUIDE = "app_guide", _("How to report and block in an app")
    LESSON_PLAN = "lesson_plan", _("Lesson plan")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a newer version")


class Article(models.Model):
    """One piece of the library, the same in every language; its words are in its versions."""

    slug = models.SlugField(max_length=80, unique=True)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    kind = models.CharField(max_length=20, choices=ArticleKind.choices, default=ArticleKind.ARTICLE)
    # An app guide belongs to a named programme role, who checks it against the app.
    owner_role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    # When a person last checked an app guide's steps against the app; None: never (shown "unchecked").
    last_checked_on = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("order", "slug")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=ArticleKind.APP_GUIDE) | ~Q(owner_role=""),
                name="learning_app_guide_has_owner_role",
            )
        ]

    def __str__(self) -> str:
        return self.slug


class ArticleVersion(models.Model):
    """One language's text of an article at one time. A draft is edited by its author, sent for review,
    then published by someone else (the version it replaces becomes superseded) or sent back."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    # The restricted markup of `learning.article_text`: never HTML, rendered escaped.
    body = models.TextField()
    status = models.CharField(max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    # None on both: text shipped with childshield (`learning/data/library/`), installed as published.
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewer = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("article", "language", "-created_at")
        constraints = [
            models.UniqueConstraint(
                fields=("article", "language"),
                condition=Q(status="published"),
                name="learning_one_published_version_per_language",
            ),
            # One version being worked on per language: a second author edits the same draft.
            models.UniqueConstraint(
                fields=("article", "language"),
                condition=Q(status__in=("draft", "in_review")),
                name="learning_one_open_version_per_language",
            ),
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | Q(author__isnull=True) | ~Q(reviewer=models.F("author")),
                name="learning_reviewer_is_not_the_author",
            ),
        ]
        indexes = [models.Index(fields=("status", "language"), name="learning_version_status_lang")]

    def __str__(self) -> str:
        return f"{self.article.slug} ({self.language}, {self.status})"
