"""Assessment pages: a case's assessment filled in, and the agency's forms, their versions and editor."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from childshield.accounts.acting import StaffRequest, staff_view
from childshield.cases.assessment_form_editor import (
    FORM_LANGUAGES,
    FormTitleForm,
    formset_for,
    questions_from,
)
from childshield.cases.forms import AssessmentAnswerForm
from childshield.cases.models.assessments import AssessmentKind
from childshield.cases.permissions import CasePerm
from childshield.cases.selectors.assessments import (
    assessment_form_current,
    assessment_form_get,
    assessment_form_version_get,
    assessment_forms_of_agency,
)
from childshield.cases.services.assessments import assessment_form_publish, assessment_record
from childshield.cases.views.case_page import case_for_write, case_url
from childshield.core.errors import ApplicationError
from childshield.places.models import localised


@staff_view()
@require_http_methods(["GET", "POST"])
def assessment_record_view(request: StaffRequest, case_id: int, kind: str) -> HttpResponse:
    view = case_for_write(request, case_id)
    if kind not in AssessmentKind.values:
        raise Http404
    form_version = assessment_form_current(kind=kind, agency_id=view.case.agency_id)
    if form_version is None:
        raise Http404
    # The version the worker saw is posted back, so answers always match their questions.
    posted_version = request.POST.get("form_version")
    if posted_version and posted_version.isdigit() and int(posted_version) != form_version.pk:
        form_version = (
            assessment_form_get(form_id=int(posted_version), kind=kind, agency_id=view.case.agency_id)
            or form_version
        )
    form = AssessmentAnswerForm(
        request.POST or None, questions=form_version.questions, language=get_language()
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            assessment_record(
                acting=view.acting, case=view.case, form=form_version, answers=form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
            status = 400
        else:
            messages.success(request, _("The assessment is recorded."))
            return redirect(case_url(case_id, "assessments"))
    elif request.method == "POST":
        status = 400
    title = localised(values=form_version.title, language=get_language())
    return render(
        request,
        "cases/assessment_form.html",
        {"case": view.case, "form": form, "form_version": form_version, "title": title},
        status=status,
    )


@staff_view(CasePerm.FORMS_MANAGE)
def assessment_forms(request: StaffRequest) -> HttpResponse:
    """The agency's assessment forms: the version in use, earlier versions, and the default."""
    acting = request.membership
    language = get_language()
    rows = [
        (
            versions,
            localised(values=versions.in_use.title, language=language) if versions.in_use else versions.kind,
        )
        for versions in assessment_forms_of_agency(acting=acting)
    ]
    return render(request, "cases/assessment_forms.html", {"rows": rows})


@staff_view(CasePerm.FORMS_MANAGE)
def assessment_form_version(request: StaffRequest, form_id: int) -> HttpResponse:
    """One version as a worker sees it, in each language, read-only."""
    acting = request.membership
    version = assessment_form_version_get(acting=acting, form_id=form_id)
    previews = _form_previews(version.title, version.questions)
    return render(request, "cases/assessment_form_version.html", {"version": version, "previews": previews})


def _form_previews(title: dict[str, str], questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    previews = []
    for code, name in FORM_LANGUAGES:
        form = AssessmentAnswerForm(questions=questions, language=code, prefix=f"preview-{code}")
        for field in form.fields.values():
            field.disabled = True
        previews.append(
            {"code": code, "name": name, "title": localised(values=title, language=code), "form": form}
        )
    return previews


@staff_view(CasePerm.FORMS_MANAGE)
@require_http_methods(["GET", "POST"])
def assessment_form_edit(request: StaffRequest, kind: str) -> HttpResponse:
    """Edit a copy of the form in use (the default until the agency publishes its own), preview it,
    and publish it as the agency's next version. Nothing is saved until it is published."""
    acting = request.membership
    if kind not in AssessmentKind.values:
        raise Http404
    in_use = assessment_form_current(kind=kind, agency_id=acting.agency_id)
    if in_use is None:
        raise Http404
    title_form = FormTitleForm(
        request.POST or None,
        initial={**FormTitleForm.initial_from(in_use.title), "preview_language": get_language()},
    )
    questions = formset_for(in_use.questions, request.POST or None)
    previews: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST":
        if title_form.is_valid() and questions.is_valid():
            draft = questions_from(questions)
            title = title_form.title()
            if request.POST.get("action") == "publish":
                try:
                    published = assessment_form_publish(
                        acting=acting, kind=kind, title=title, questions=draft
                    )
                except ApplicationError as error:
                    title_form.add_error(None, str(error.message))
                    status = 400
                else:
                    messages.success(
                        request,
                        _(
                            "Version %(version)d is published. New assessments use it; assessments "
                            "already recorded keep the version they answered."
                        )
                        % {"version": published.version},
                    )
                    return redirect("cases:assessment_forms")
            # A preview shows the draft as workers will see it, with two blank rows for more questions.
            language = title_form.cleaned_data.get("preview_language")
            previews = [p for p in _form_previews(title, draft) if not language or p["code"] == language]
            if status == 200:
                questions = formset_for(draft)
        else:
            status = 400
    return render(
        request,
        "cases/assessment_form_edit.html",
        {
            "kind": kind,
            "kind_label": dict(AssessmentKind.choices)[kind],
            "in_use": in_use,
            "title_form": title_form,
            "questions": questions,
            "previews": previews,
        },
        status=status,
    )
