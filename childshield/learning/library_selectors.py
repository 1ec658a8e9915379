"""The library's reads: the published articles of a language for the public pages, and every article
with its versions for those who write and review them."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.learning.models import Article, ArticleVersion
from childshield.learning.models.library import Audience, VersionStatus
from childshield.learning.permissions import LearningPerm


def published_versions(*, language: str) -> QuerySet[ArticleVersion]:
    """What the public library shows in a language, in the library's order."""
    return (
        ArticleVersion.objects.filter(language=language, status=VersionStatus.PUBLISHED)
        .select_related("article")
        .order_by("article__order", "article__slug")
    )


def published_version_get(*, slug: str, language: str) -> ArticleVersion:
    """One article's published words in a language; 404 when it has none in that language."""
    return get_object_or_404(published_versions(language=language), article__slug=slug)


def children_versions(*, language: str) -> QuerySet[ArticleVersion]:
    return published_versions(language=language).filter(article__audience=Audience.CHILDREN)


def articles_for_editing(*, acting: Membership) -> QuerySet[Article]:
    """Every article with its versions (the country's library: the same for every agency)."""
    require(acting, LearningPerm.LIBRARY_VIEW)
    return Article.objects.prefetch_related("versions").order_by("order", "slug")


def article_get_for_editing(*, acting: Membership, article_id: int) -> Article:
    return get_object_or_404(articles_for_editing(acting=acting), pk=article_id)


def article_history(*, acting: Membership, article: Article) -> QuerySet[ArticleVersion]:
    """Every version of an article, newest first per language, with who wrote and reviewed it."""
    require(acting, LearningPerm.LIBRARY_VIEW)
    return (
        ArticleVersion.objects.filter(article=article)
        .select_related("author__user", "reviewer__user")
        .order_by("language", "-created_at", "-pk")
    )


def version_get_for_editing(*, acting: Membership, version_id: int) -> ArticleVersion:
    require(acting, LearningPerm.LIBRARY_VIEW)
    return get_object_or_404(
        ArticleVersion.objects.select_related("article", "author__user", "reviewer__user"), pk=version_id
    )


def versions_in_review(*, acting: Membership) -> QuerySet[ArticleVersion]:
    require(acting, LearningPerm.LIBRARY_VIEW)
    return (
        ArticleVersion.objects.filter(status=VersionStatus.IN_REVIEW)
        .select_related("article", "author__user")
        .order_by("submitted_at", "pk")
    )
