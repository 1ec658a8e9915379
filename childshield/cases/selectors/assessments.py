"""The assessment forms' versions: the one in use for an agency, and all of them for its forms page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.cases.models import AssessmentForm
from childshield.cases.models.assessments import AssessmentKind
from childshield.cases.permissions import CasePerm


def assessment_form_current(*, kind: str, agency_id: int) -> AssessmentForm | None:
    """The newest version of the agency's own form for `kind`, else the newest default."""
    forms = AssessmentForm.objects.filter(kind=kind)
    own = forms.filter(agency_id=agency_id).order_by("-version").first()
    return own or forms.filter(agency__isnull=True).order_by("-version").first()


@dataclass(frozen=True)
class FormVersions:
    kind: str
    in_use: AssessmentForm | None  # what a new assessment of the agency's cases uses now
    default: AssessmentForm | None  # the newest shipped default
    own: Sequence[AssessmentForm]  # the agency's versions, newest first, each with `assessment_count`


def assessment_forms_of_agency(*, acting: Membership) -> list[FormVersions]:
    """Each kind of assessment with the agency's versions and the default, for the forms page."""
    require(acting, CasePerm.FORMS_MANAGE)
    own = list(
        AssessmentForm.objects.filter(agency_id=acting.agency_id)
        .annotate(assessment_count=Count("assessments"))
        .order_by("kind", "-version")
    )
    overview = []
    for kind in AssessmentKind.values:
        versions = [form for form in own if form.kind == kind]
        default = AssessmentForm.objects.filter(kind=kind, agency__isnull=True).order_by("-version").first()
        in_use = versions[0] if versions else default
        overview.append(FormVersions(kind=kind, in_use=in_use, default=default, own=versions))
    return overview


def assessment_form_version_get(*, acting: Membership, form_id: int) -> AssessmentForm:
    """One version of a form the agency may read: its own or a default; 404 for another agency's."""
    require(acting, CasePerm.FORMS_MANAGE)
    form = (
        AssessmentForm.objects.filter(pk=form_id)
        .filter(Q(agency__isnull=True) | Q(agency_id=acting.agency_id))
        .first()
    )
    if form is None:
        raise Http404
    return form


def assessment_form_get(*, form_id: int, kind: str, agency_id: int) -> AssessmentForm | None:
    """A version of the form that a case of `agency_id` may be assessed with: the agency's own or a
    default; None for another agency's version, whose existence and title stay its own."""
    return (
        AssessmentForm.objects.filter(pk=form_id, kind=kind)
        .filter(Q(agency__isnull=True) | Q(agency_id=agency_id))
        .first()
    )
