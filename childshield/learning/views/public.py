"""The library's public pages: every published article of the visitor's language by audience, and one
article. Children's page rules: no script needed, no cookie, quick exit, under 100 KB; the only write is
`visits.count_visit`'s count of a poster's link (an aggregate, never a row per visit)."""

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from childshield.core.public import public_page
from childshield.intake.hooks import AdviceLink
from childshield.learning import visits
from childshield.learning.article_text import render as render_text
from childshield.learning.library_selectors import (
    children_versions,
    published_version_get,
    published_versions,
)
from childshield.learning.models.library import ArticleKind, Audience

# An app guide's steps are checked against the app again after about six months.
RECHECK_AFTER = timedelta(days=183)


def recheck_due(last_checked_on: date | None, today: date) -> bool:
    return last_checked_on is None or today - last_checked_on > RECHECK_AFTER


@public_page
@require_GET
def library_index(request: HttpRequest) -> HttpResponse:
    versions = list(published_versions(language=get_language()))
    sections = [
        (
            audience.label,
            [
                v
                for v in versions
                if v.article.audience == audience and v.article.kind != ArticleKind.APP_GUIDE
            ],
        )
        for audience in Audience
    ]
    sections.insert(
        1,
        (
            ArticleKind.APP_GUIDE.label,
            [v for v in versions if v.article.kind == ArticleKind.APP_GUIDE],
        ),
    )
    return render(
        request,
        "learning/public/index.html",
        {"sections": [(label, items) for label, items in sections if items]},
    )


@public_page
@require_GET
def library_article(request: HttpRequest, slug: str) -> HttpResponse:
    version = published_version_get(slug=slug, language=get_language())
    visits.count_visit(request)
    return render(
        request,
        "learning/public/article.html",
        {"version": version, "article": version.article, "body": render_text(version.body)},
    )


def advice_pages() -> list[AdviceLink]:
    """The children's articles (not the app guides) for intake's public home, in the request's language."""
    return [
        AdviceLink(title=v.title, summary=v.summary, url=reverse("library:article", args=[v.article.slug]))
        for v in children_versions(language=get_language()).filter(article__kind=ArticleKind.ARTICLE)
    ]


def advice_address(*, slug: str | None) -> str | None:
    """Where an old /help/ address moved: the library, or the article of the same slug."""
    if slug is None:
        return reverse("library:index")
    if not published_versions(language=get_language()).filter(article__slug=slug).exists():
        return None
    return reverse("library:article", args=[slug])
