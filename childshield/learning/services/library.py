"""The library's writes: an article and its drafts written, sent for review, published by a second
person or sent back with a note, an app guide marked checked against its app, and the shipped
articles installed (`learning/data/library/`)."""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership, Role
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.learning.models import Article, ArticleVersion
from childshield.learning.models.library import ArticleKind, Audience, VersionStatus
from childshield.learning.permissions import LearningPerm

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "data" / "library"
OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)


@dataclass(frozen=True)
class VersionText:
    title: str
    summary: str
    body: str


def _languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


@transaction.atomic
def article_create(
    *,
    acting: Membership,
    slug: str,
    audience: Audience,
    kind: ArticleKind,
    owner_role: str,
    language: str,
    text: VersionText,
) -> ArticleVersion:
    """A new article and its first draft, in the language it was written in."""
    require(acting, LearningPerm.LIBRARY_WRITE)
    if kind == ArticleKind.APP_GUIDE and owner_role not in Role.values:
        raise ApplicationError(
            _("Name the programme role that keeps this app guide checked."), extra={"field": "owner_role"}
        )
    if Article.objects.filter(slug=slug).exists():
        raise ApplicationError(_("Another article already has this address."), extra={"field": "slug"})
    article = Article.objects.create(
        slug=slug,
        audience=audience,
        kind=kind,
        owner_role=owner_role if kind == ArticleKind.APP_GUIDE else "",
    )
    audit.record(action=AuditAction.CREATE, actor=acting.user, agency=acting.agency, obj=article)
    return version_draft_save(acting=acting, article=article, language=language, text=text)


@transaction.atomic
def version_draft_save(
    *, acting: Membership, article: Article, language: str, text: VersionText
) -> ArticleVersion:
    """The article's draft in `language`, started or changed. A version waiting for review goes back to
    draft when it changes (it must be sent again); its last writer is its author."""
    require(acting, LearningPerm.LIBRARY_WRITE)
    if language not in _languages():
        raise ApplicationError(_("Choose one of the site's languages."), extra={"field": "language"})
    version = (
        ArticleVersion.objects.select_for_update()
        .filter(article=article, language=language, status__in=OPEN_STATUSES)
        .first()
    )
    if version is None:
        version = ArticleVersion(article=article, language=language)
    version.title, version.summary, version.body = text.title, text.summary, text.body
    version.status, version.author, version.submitted_at = VersionStatus.DRAFT, acting, None
    version.save()
    audit.record(action=AuditAction.UPDATE, actor=acting.user, agency=acting.agency, obj=version)
    return version


@transaction.atomic
def version_submit(*, acting: Membership, version: ArticleVersion) -> ArticleVersion:
    """A draft sent for review by a second person."""
    require(acting, LearningPerm.LIBRARY_WRITE)
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ApplicationError(_("Only a draft can be sent for review; this version is not a draft."))
    version.status, version.submitted_at = VersionStatus.IN_REVIEW, timezone.now()
    version.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(action=AuditAction.UPDATE, actor=acting.user, agency=acting.agency, obj=version)
    return version


def _check_reviewable(*, acting: Membership, version: ArticleVersion) -> None:
    if version.status != VersionStatus.IN_REVIEW:
        raise ApplicationError(
            _("This version has not been sent for review, so it cannot be published yet. Its text is kept.")
        )
    if version.author is not None and version.author.user_id == acting.user_id:
        raise ApplicationError(
            _("You wrote this version, so another person must review it. Its text is kept.")
        )


@transaction.atomic
def version_publish(*, acting: Membership, version: ArticleVersion) -> ArticleVersion:
    """A version sent for review published by someone other than its author; the version it replaces
    is kept as superseded."""
    require(acting, LearningPerm.LIBRARY_REVIEW)
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    _check_reviewable(acting=acting, version=version)
    _publish(version=version, reviewer=acting)
    audit.record(action=AuditAction.UPDATE, actor=acting.user, agency=acting.agency, obj=version)
    return version


def _publish(*, version: ArticleVersion, reviewer: Membership | None) -> None:
    ArticleVersion.objects.filter(
        article_id=version.article_id, language=version.language, status=VersionStatus.PUBLISHED
    ).update(status=VersionStatus.SUPERSEDED)
    version.status, version.reviewer, version.published_at = VersionStatus.PUBLISHED, reviewer, timezone.now()
    version.review_note = ""
    version.save()


@transaction.atomic
def version_send_back(*, acting: Membership, version: ArticleVersion, note: str) -> ArticleVersion:
    """A version sent for review returned to draft, with the reviewer's note for its author."""
    require(acting, LearningPerm.LIBRARY_REVIEW)
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    if not note.strip():
        raise ApplicationError(_("Say what should change, so the author knows."), extra={"field": "note"})
    _check_reviewable(acting=acting, version=version)
    version.status, version.review_note, version.submitted_at = VersionStatus.DRAFT, note.strip(), None
    version.save(update_fields=["status", "review_note", "submitted_at", "updated_at"])
    audit.record(action=AuditAction.UPDATE, actor=acting.user, agency=acting.agency, obj=version)
    return version


@transaction.atomic
def app_guide_mark_checked(*, acting: Membership, article: Article, checked_on: date) -> Article:
    """An app guide's steps checked against the app by a person, on a day (never in the future)."""
    require(acting, LearningPerm.LIBRARY_REVIEW)
    if article.kind != ArticleKind.APP_GUIDE:
        raise ApplicationError(_("Only an app guide is checked against an app."))
    if checked_on > timezone.localdate():
        raise ApplicationError(
            _("The day it was checked cannot be in the future."), extra={"field": "checked_on"}
        )
    article.last_checked_on = checked_on
    article.save(update_fields=["last_checked_on"])
    audit.record(
        action=AuditAction.UPDATE, actor=acting.user, agency=acting.agency, obj=article, reason="checked"
    )
    return article


@dataclass(frozen=True)
class ShippedArticle:
    slug: str
    audience: Audience
    kind: ArticleKind
    owner_role: str
    order: int
    texts: dict[str, VersionText]


def _read_text(path: Path) -> VersionText:
    """A shipped text file: `title:` and `summary:` lines, a blank line, then the body's markup."""
    head, _blank, body = path.read_text(encoding="utf-8").partition("\n\n")
    fields = dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
    return VersionText(
        title=fields["title"].strip(), summary=fields.get("summary", "").strip(), body=body.strip()
    )


def shipped_articles() -> list[ShippedArticle]:
    """The articles childshield ships, from `learning/data/library/articles.json` and one text file per
    article and language (`<slug>.<language>.txt`)."""
    listed = json.loads((SHIPPED_DIR / "articles.json").read_text(encoding="utf-8"))
    found = []
    for order, entry in enumerate(listed["articles"], start=1):
        texts = {
            language: _read_text(path)
            for language in sorted(_languages())
            if (path := SHIPPED_DIR / f"{entry['slug']}.{language}.txt").exists()
        }
        found.append(
            ShippedArticle(
                slug=entry["slug"],
                audience=Audience(entry["audience"]),
                kind=ArticleKind(entry.get("kind", ArticleKind.ARTICLE)),
                owner_role=entry.get("owner_role", ""),
                order=order * 10,
                texts=texts,
            )
        )
    return found


@transaction.atomic
def library_install_shipped() -> int:
    """The shipped articles installed as published versions (no author, no reviewer: they were
    reviewed before they shipped). Idempotent: a language with a shipped version published gets the
    shipped text again only when the file changed; one whose published text a person wrote keeps it.
    Returns how many versions were published. Not audited row by row, as the shipped assessment forms
    are not: it runs after every migrate and test flush; `manage.py load_library` records one event."""
    published = 0
    for shipped in shipped_articles():
        article, _created = Article.objects.get_or_create(
            slug=shipped.slug,
            defaults={
                "audience": shipped.audience,
                "kind": shipped.kind,
                "owner_role": shipped.owner_role,
                "order": shipped.order,
            },
        )
        current = {
            version.language: version
            for version in ArticleVersion.objects.filter(article=article, status=VersionStatus.PUBLISHED)
        }
        for language, text in shipped.texts.items():
            live = current.get(language)
            if live is not None and (
                live.author_id is not None or VersionText(live.title, live.summary, live.body) == text
            ):
                continue
            version = ArticleVersion(
                article=article, language=language, title=text.title, summary=text.summary, body=text.body
            )
            _publish(version=version, reviewer=None)
            published += 1
    return published
