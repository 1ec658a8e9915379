"""The awareness library: written, reviewed by a second person, published; every version kept; the
public pages in every language; the shipped articles."""

import pytest

from childshield.accounts.models import Role
from childshield.core.errors import ApplicationError
from childshield.learning.models import Article, ArticleVersion
from childshield.learning.models.library import ArticleKind, Audience, VersionStatus
from childshield.learning.services.library import (
    VersionText,
    article_create,
    library_install_shipped,
    version_draft_save,
    version_publish,
    version_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_member, social_agency):
    return make_member(email="author@example.org", role=Role.FOCAL_POINT, agency=social_agency)


@pytest.fixture
def reviewer(make_member, social_agency):
    return make_member(email="reviewer@example.org", role=Role.CASE_SUPERVISOR, agency=social_agency)


def _draft(author, body="Hello <b>friend</b>.\n\n- **Block** them"):
    return article_create(
        acting=author,
        slug="safe-chatting",
        audience=Audience.CHILDREN,
        kind=ArticleKind.ARTICLE,
        owner_role="",
        language="vi",
        text=VersionText(title="Trò chuyện an toàn", summary="Ngắn gọn", body=body),
    )


def test_an_author_writes_a_reviewer_publishes_and_it_appears_at_vi_learn_escaped(client, author, reviewer):
    version = version_submit(acting=author, version=_draft(author))
    version_publish(acting=reviewer, version=version)
    assert client.get("/vi/learn/").content.decode().count("/vi/learn/safe-chatting/") == 1
    html = client.get("/vi/learn/safe-chatting/").content.decode()
    assert "Hello &lt;b&gt;friend&lt;/b&gt;." in html and "<li><strong>Block</strong> them</li>" in html
    assert client.get("/en/learn/safe-chatting/").status_code == 404  # not written in English


def test_publishing_without_a_review_is_refused_and_the_draft_is_kept(author, reviewer):
    draft = _draft(author)
    with pytest.raises(ApplicationError, match="not been sent for review"):
        version_publish(acting=reviewer, version=draft)
    draft.refresh_from_db()
    assert (draft.status, draft.body) == (VersionStatus.DRAFT, "Hello <b>friend</b>.\n\n- **Block** them")


def test_an_author_cannot_review_their_own_version(make_member, social_agency, author):
    # A supervisor may write and review, but never both for one version.
    both = make_member(email="both@example.org", role=Role.HELPLINE_SUPERVISOR, agency=social_agency)
    version = version_submit(acting=both, version=_draft(both))
    with pytest.raises(ApplicationError, match="another person must review"):
        version_publish(acting=both, version=version)
    assert ArticleVersion.objects.get(pk=version.pk).status == VersionStatus.IN_REVIEW


def test_every_published_version_is_kept_as_superseded(author, reviewer):
    first = version_publish(acting=reviewer, version=version_submit(acting=author, version=_draft(author)))
    article = first.article
    second = version_draft_save(
        acting=author, article=article, language="vi", text=VersionText("Mới", "", "Lời mới")
    )
    version_publish(acting=reviewer, version=version_submit(acting=author, version=second))
    statuses = sorted(ArticleVersion.objects.filter(article=article).values_list("status", flat=True))
    assert statuses == [VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]


def test_a_focal_point_cannot_review(author):
    version = version_submit(acting=author, version=_draft(author))
    other = ArticleVersion.objects.get(pk=version.pk)
    with pytest.raises(Exception, match="review_articles"):
        version_publish(acting=author, version=other)


def test_the_shipped_library_is_installed_once_in_three_languages_with_app_guides_unchecked(client):
    assert library_install_shipped() == 0  # installed by migrate already; nothing changed
    for slug in ("after-you-report", "lesson-online-chats", "sextortion"):
        for language in ("vi", "km", "en"):
            assert client.get(f"/{language}/learn/{slug}/").status_code == 200, (slug, language)
    guides = Article.objects.filter(kind=ArticleKind.APP_GUIDE)
    assert guides.count() == 6 and not guides.filter(last_checked_on__isnull=False).exists()
    assert set(guides.values_list("owner_role", flat=True)) == {Role.PROGRAMME_MANAGER}
    html = client.get("/en/learn/app-telegram/").content.decode()
    assert "have not yet been checked against the app by a person" in html


def test_the_public_library_sets_no_cookie_and_needs_no_script(client):
    response = client.get("/km/learn/")
    assert response.status_code == 200 and not response.cookies
    assert "data-quick-exit" in response.content.decode()


def test_staff_write_send_and_review_through_the_pages(client, sign_in, author, reviewer):
    sign_in(author)
    response = client.post(
        "/en/learning/library/new/",
        {
            "slug": "for-parents-2",
            "audience": "caregivers",
            "kind": "article",
            "language": "en",
            "title": "Talking with your child",
            "summary": "",
            "body": "Listen first.",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="for-parents-2")
    version = article.versions.get()
    assert client.post(f"/en/learning/library/versions/{version.pk}/send/").status_code == 302
    # The author opening the review refuses: a focal point holds no review permission.
    assert client.get(f"/en/learning/library/versions/{version.pk}/review/").status_code == 403
    client.logout()
    sign_in(reviewer)
    assert client.get(f"/en/learning/library/{article.pk}/").status_code == 200
    response = client.post(f"/en/learning/library/versions/{version.pk}/review/", {"decision": "send_back"})
    assert response.status_code == 400 and "Say what should change" in response.content.decode()
    response = client.post(f"/en/learning/library/versions/{version.pk}/review/", {"decision": "publish"})
    assert response.status_code == 302
    assert client.get("/en/learn/for-parents-2/").status_code == 200
