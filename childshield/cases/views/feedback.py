"""The feedback survey: the one-time link made for the child or caregiver, answers typed in from paper,
and the survey they open alone."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.forms import FeedbackForm, FeedbackInviteForm, FeedbackPaperForm
from childshield.cases.models.feedback import Respondent
from childshield.cases.selectors.feedback import feedback_invitation_open, feedback_link_language
from childshield.cases.services.feedback import feedback_invite, feedback_record_paper, feedback_submit
from childshield.cases.views.case_page import case_for_write, case_refused, case_url
from childshield.core.errors import ApplicationError
from childshield.core.public import public_page, same_site_posts


@staff_view()
@require_POST
def feedback_invite_view(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = FeedbackInviteForm(request.POST)
    if not form.is_valid():
        return case_refused(request, view, ApplicationError(_("Choose who will answer.")), feedback_form=form)
    invitation, token = feedback_invite(
        acting=view.acting, case=view.case, respondent=form.cleaned_data["respondent"]
    )
    # In the child's language: the worker's would greet the child in a language they may not read.
    with translation.override(feedback_link_language(case=view.case)):
        link = request.build_absolute_uri(reverse("cases:feedback_public", args=[token]))
    # Shown once, not redirected to: the secret is never stored, so it cannot be shown again.
    return render(
        request, "cases/feedback_link.html", {"case": view.case, "invitation": invitation, "link": link}
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def feedback_paper(request: StaffRequest, case_id: int) -> HttpResponse:
    view = case_for_write(request, case_id)
    form = FeedbackPaperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        respondent = data.pop("respondent")
        try:
            feedback_record_paper(
                acting=view.acting,
                case=view.case,
                respondent=respondent,
                answers=data,
                language=get_language(),
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Thank you. The answers are counted without the child's name."))
            return redirect(case_url(case_id, "feedback"))
    return render(
        request,
        "cases/feedback_paper.html",
        {"case": view.case, "form": form},
        status=400 if form.errors else 200,
    )


@public_page
@csrf_exempt
@same_site_posts
@never_cache
@require_http_methods(["GET", "POST"])
def feedback_public(request: HttpRequest, token: str) -> HttpResponse:
    """The survey the child or caregiver opens alone: no sign-in, no cookie, their language.

    Like the public report forms (decision 0002) it carries no CSRF cookie: the one-time link is
    the only key, it works once, and posts from another site are refused by their Origin.
    """
    invitation = feedback_invitation_open(token=token)
    if invitation is None:
        return render(request, "cases/feedback_closed.html", status=404)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_submit(token=token, answers=form.cleaned_data, language=get_language())
        except ApplicationError:
            return render(request, "cases/feedback_closed.html", status=410)
        return render(request, "cases/feedback_thanks.html")
    return render(
        request,
        "cases/feedback_public.html",
        {"form": form, "for_child": invitation.respondent == Respondent.CHILD},
        status=400 if form.errors else 200,
    )
