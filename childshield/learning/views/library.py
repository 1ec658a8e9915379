"""The library's staff pages: every article and its languages, a new article, a draft written and sent
for review, a review (publish, or send back with a note; never one's own), an article's history, an app
guide marked checked."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.accounts.permissions import may
from childshield.core.errors import ApplicationError
from childshield.learning.article_text import render as render_text
from childshield.learning.library_forms import ArticleNewForm, CheckedForm, ReviewForm, VersionTextForm
from childshield.learning.library_selectors import (
    article_get_for_editing,
    article_history,
    articles_for_editing,
    version_get_for_editing,
    versions_in_review,
)
from childshield.learning.models.library import ArticleKind, Audience, VersionStatus
from childshield.learning.permissions import LearningPerm
from childshield.learning.services.library import (
    VersionText,
    app_guide_mark_checked,
    article_create,
    version_draft_save,
    version_publish,
    version_send_back,
    version_submit,
)
from childshield.learning.views.public import recheck_due


def _refuse(form: "VersionTextForm | ReviewForm | CheckedForm", error: ApplicationError) -> None:
    field = str(error.extra.get("field", ""))
    form.add_error(field if field in form.fields else None, str(error.message))


def _text(form: VersionTextForm) -> VersionText:
    data = form.cleaned_data
    return VersionText(title=data["title"].strip(), summary=data["summary"].strip(), body=data["body"])


@staff_view(LearningPerm.LIBRARY_VIEW)
@require_GET
def library_list(request: StaffRequest) -> HttpResponse:
    today = timezone.localdate()
    articles = [
        (article, {v.language: v for v in article.versions.all() if v.status != VersionStatus.SUPERSEDED})
        for article in articles_for_editing(acting=request.membership)
    ]
    return render(
        request,
        "learning/library/list.html",
        {
            "articles": [
                (
                    article,
                    versions,
                    article.kind == ArticleKind.APP_GUIDE and recheck_due(article.last_checked_on, today),
                )
                for article, versions in articles
            ],
            "in_review": versions_in_review(acting=request.membership),
            "may_write": may(request.membership, LearningPerm.LIBRARY_WRITE),
        },
    )


@staff_view(LearningPerm.LIBRARY_WRITE)
@require_http_methods(["GET", "POST"])
def article_new(request: StaffRequest) -> HttpResponse:
    form = ArticleNewForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = article_create(
                acting=request.membership,
                slug=data["slug"],
                audience=Audience(data["audience"]),
                kind=ArticleKind(data["kind"]),
                owner_role=data["owner_role"],
                language=data["language"],
                text=_text(form),
            )
        except ApplicationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("The draft was saved. Send it for review when it is ready."))
            return HttpResponseRedirect(reverse("learning:article_detail", args=[version.article_id]))
    status = 400 if request.method == "POST" else 200
    return render(request, "learning/library/article_new.html", {"form": form}, status=status)


@staff_view(LearningPerm.LIBRARY_VIEW)
@require_GET
def article_detail(request: StaffRequest, article_id: int) -> HttpResponse:
    article = article_get_for_editing(acting=request.membership, article_id=article_id)
    return render(
        request,
        "learning/library/article_detail.html",
        {
            "article": article,
            "history": article_history(acting=request.membership, article=article),
            "checked_form": CheckedForm(initial={"checked_on": timezone.localdate()}),
            "may_write": may(request.membership, LearningPerm.LIBRARY_WRITE),
            "may_review": may(request.membership, LearningPerm.LIBRARY_REVIEW),
        },
    )


@staff_view(LearningPerm.LIBRARY_WRITE)
@require_http_methods(["GET", "POST"])
def draft_write(request: StaffRequest, article_id: int, language: str) -> HttpResponse:
    if language not in dict(settings.LANGUAGES):
        raise Http404
    article = article_get_for_editing(acting=request.membership, article_id=article_id)
    versions = [v for v in article.versions.all() if v.language == language]
    start = next((v for v in versions if v.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)), None)
    start = start or next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    initial = {"title": start.title, "summary": start.summary, "body": start.body} if start else {}
    form = VersionTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = version_draft_save(
                acting=request.membership, article=article, language=language, text=_text(form)
            )
            if "send" in request.POST:
                version_submit(acting=request.membership, version=version)
        except ApplicationError as error:
            _refuse(form, error)
        else:
            messages.success(
                request,
                _("The draft was sent for review.") if "send" in request.POST else _("The draft was saved."),
            )
            return HttpResponseRedirect(reverse("learning:article_detail", args=[article.pk]))
    context = {"form": form, "article": article, "language": language, "start": start}
    return render(request, "learning/library/draft_form.html", context, status=400 if form.errors else 200)


@staff_view(LearningPerm.LIBRARY_WRITE)
@require_POST
def version_send(request: StaffRequest, version_id: int) -> HttpResponse:
    version = version_get_for_editing(acting=request.membership, version_id=version_id)
    try:
        version_submit(acting=request.membership, version=version)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The draft was sent for review."))
    return HttpResponseRedirect(reverse("learning:article_detail", args=[version.article_id]))


@staff_view(LearningPerm.LIBRARY_REVIEW)
@require_http_methods(["GET", "POST"])
def version_review(request: StaffRequest, version_id: int) -> HttpResponse:
    version = version_get_for_editing(acting=request.membership, version_id=version_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "publish":
                version_publish(acting=request.membership, version=version)
                messages.success(request, _("The version was published."))
            else:
                version_send_back(acting=request.membership, version=version, note=form.cleaned_data["note"])
                messages.success(request, _("The version was sent back to its author with your note."))
        except ApplicationError as error:
            _refuse(form, error)
        else:
            return HttpResponseRedirect(reverse("learning:article_detail", args=[version.article_id]))
    context = {"form": form, "version": version, "body": render_text(version.body)}
    return render(request, "learning/library/review.html", context, status=400 if form.errors else 200)


@staff_view(LearningPerm.LIBRARY_REVIEW)
@require_POST
def app_guide_checked(request: StaffRequest, article_id: int) -> HttpResponse:
    article = article_get_for_editing(acting=request.membership, article_id=article_id)
    form = CheckedForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Write the day the steps were checked."))
        app_guide_mark_checked(
            acting=request.membership, article=article, checked_on=form.cleaned_data["checked_on"]
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The app guide is marked checked."))
    return HttpResponseRedirect(reverse("learning:article_detail", args=[article.pk]))
