"""Assessments: the forms' versions published (the shipped defaults and each agency's own), and the
answers recorded against the version the worker saw."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit.models import AuditAction
from childshield.cases.assessment_forms import DEFAULT_FORMS
from childshield.cases.models import Assessment, AssessmentForm, Case
from childshield.cases.models.assessments import AssessmentKind
from childshield.cases.permissions import CasePerm, require_edit
from childshield.cases.services.case_writes import audit_record, case_check_open
from childshield.core.errors import ApplicationError

_QUESTION_TYPES = {"choice", "text"}


_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def _check_questions(questions: list[dict[str, Any]]) -> None:
    """A form a worker can fill in and whose answers can be read later: refused with what to fix."""
    if not questions:
        raise ApplicationError(_("A form needs at least one question."))
    keys: set[str] = set()
    for question in questions:
        key = question.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            raise ApplicationError(
                _(
                    "Each question needs a key of small letters, digits and underscores, starting with a "
                    "letter (for example safe_now): %(key)s"
                )
                % {"key": key or "—"}
            )
        if key in keys:
            raise ApplicationError(
                _("Two questions have the key %(key)s: each key is used once.") % {"key": key}
            )
        keys.add(key)
        if question.get("type") not in _QUESTION_TYPES:
            raise ApplicationError(_("Question %(key)s has an unknown type.") % {"key": key})
        if not isinstance(question.get("label"), dict) or not str(question["label"].get("en", "")).strip():
            raise ApplicationError(_("Question %(key)s needs an English label.") % {"key": key})
        if question["type"] == "choice":
            choices = question.get("choices")
            if not isinstance(choices, list) or len(choices) < 2:
                raise ApplicationError(_("Question %(key)s needs at least two options.") % {"key": key})
            values = [choice.get("value") if isinstance(choice, dict) else None for choice in choices]
            if any(not isinstance(value, str) or not _KEY.match(value) for value in values) or len(
                set(values)
            ) != len(values):
                raise ApplicationError(
                    _("The options of question %(key)s need different values of small letters and digits.")
                    % {"key": key}
                )
            if any(not isinstance(c.get("label"), dict) or not str(c["label"].get("en", "")).strip()
                   for c in choices):  # fmt: skip
                raise ApplicationError(
                    _("Each option of question %(key)s needs an English label.") % {"key": key}
                )


def _form_data(title: dict[str, str], questions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"title": title, "questions": questions}


@transaction.atomic
def assessment_form_publish(
    *,
    acting: Membership | None,
    kind: str,
    title: dict[str, str],
    questions: list[dict[str, Any]],
    for_all_agencies: bool = False,
) -> AssessmentForm:
    """Publish a new version of an assessment form: the agency's own, or (acting=None, from data)
    the default. Earlier versions stay, with the assessments that used them."""
    if kind not in AssessmentKind.values:
        raise ApplicationError(_("Unknown assessment."))
    _check_questions(questions)
    if not isinstance(title, dict) or not str(title.get("en", "")).strip():
        raise ApplicationError(_("The form needs an English title."))
    if for_all_agencies:
        agency = None
    else:
        require(acting, CasePerm.FORMS_MANAGE)
        assert acting is not None
        agency = acting.agency
    last = (
        AssessmentForm.objects.select_for_update()
        .filter(kind=kind, agency=agency)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    form = AssessmentForm.objects.create(
        kind=kind, agency=agency, version=(last or 0) + 1, title=title, questions=questions
    )
    if acting is not None:
        audit_record(
            acting=acting,
            action=AuditAction.CREATE,
            obj=form,
            reason=f"assessment form {kind} v{form.version} published",
        )
    return form


def assessment_forms_default_install() -> list[AssessmentForm]:
    """The default forms from data: installed once, and published again as a new version when the
    data changed (say, labels in another language were added). Idempotent."""
    installed = []
    for kind, definition in DEFAULT_FORMS.items():
        current = AssessmentForm.objects.filter(kind=kind, agency__isnull=True).order_by("-version").first()
        if current is None or _form_data(current.title, current.questions) != _form_data(
            definition["title"], definition["questions"]
        ):
            current = assessment_form_publish(
                acting=None,
                kind=kind,
                title=definition["title"],
                questions=definition["questions"],
                for_all_agencies=True,
            )
        installed.append(current)
    return installed


@transaction.atomic
def assessment_record(
    *, acting: Membership, case: Case, form: AssessmentForm, answers: dict[str, str]
) -> Assessment:
    """Record an assessment's answers against the form version the worker saw."""
    require_edit(acting, case)
    case_check_open(case=case)
    if form.agency_id is not None and form.agency_id != case.agency_id:
        # Another agency's version is not this case's to answer; the page never offers one.
        raise PermissionDenied(CasePerm.CASE_WORK)
    kept: dict[str, str] = {}
    missing: list[str] = []
    for question in form.questions:
        value = str(answers.get(question["key"], "") or "").strip()
        if question["type"] == "choice" and value and value not in {c["value"] for c in question["choices"]}:
            raise ApplicationError(_("An answer is not one of the choices: reload the form."))
        if question.get("required") and not value:
            missing.append(question["label"].get("en", question["key"]))
        kept[question["key"]] = value
    if missing:
        raise ApplicationError(
            _("Answer every required question: %(questions)s") % {"questions": "; ".join(missing)},
            code="incomplete",
        )
    assessment = Assessment.objects.create(
        case=case, form=form, kind=form.kind, answers=kept, completed_by=acting
    )
    audit_record(
        acting=acting,
        action=AuditAction.CREATE,
        obj=assessment,
        reason=f"{form.kind} assessment of case {case.pk}",
    )
    return assessment
