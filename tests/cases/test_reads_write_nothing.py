"""A page that is read writes nothing but the audit of what it read: no lazy installs, no marking."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from childshield.cases.models import AssessmentForm
from childshield.cases.models.consent import ShareSection
from childshield.cases.services.attachments import attachment_add
from childshield.cases.services.closure import case_closure_request
from childshield.cases.services.feedback import feedback_invite
from childshield.cases.services.follow_ups import followup_add
from childshield.cases.services.plan import service_add
from childshield.cases.services.referrals import referral_send
from childshield.directory.models import ServiceKind
from tests.read_only import domain_writes

pytestmark = pytest.mark.django_db


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [statement for _table, statement in domain_writes(queries.captured_queries)]


def _read(client: Client, path: str) -> list[str]:
    """GET `path` (which must answer 200) and return what it wrote besides audit and session."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return _writes(queries)


def test_the_shipped_assessment_forms_are_installed_by_migrate():
    # Nothing in this test installs them: the test database was made by `migrate`.
    assert sorted(AssessmentForm.objects.filter(agency=None).values_list("kind", flat=True)) == [
        "comprehensive",
        "safety",
    ]


def test_opening_the_assessment_pages_writes_nothing_but_audit_events(
    worker, supervisor, open_case, client, sign_in
):
    case = open_case(worker, supervisor=supervisor)
    default = AssessmentForm.objects.get(kind="safety", agency=None)
    worker_client = sign_in(worker)
    for kind in ("safety", "comprehensive"):
        assert _read(worker_client, f"/en/cases/{case.pk}/assessments/{kind}/") == []
    client.logout()
    supervisor_client = sign_in(supervisor)
    for path in (
        "/en/cases/forms/",
        "/en/cases/forms/safety/edit/",
        f"/en/cases/forms/versions/{default.pk}/",
    ):
        assert _read(supervisor_client, path) == []
    assert AssessmentForm.objects.count() == 2


def test_no_case_page_writes_on_a_get_but_the_audit_of_what_it_read(
    worker, supervisor, focal_point, open_case, social_agency, client, sign_in
):
    case = open_case(worker, supervisor=supervisor)
    service_add(acting=worker, case=case, kind=ServiceKind.MHPSS, provider=social_agency)
    followup_add(acting=worker, case=case, due_on=timezone.localdate(), assignee=worker, purpose="Visit")
    attachment = attachment_add(
        acting=worker,
        case=case,
        upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 made up", content_type="application/pdf"),
    )
    _invitation, token = feedback_invite(acting=worker, case=case, respondent="child")
    referred = open_case(focal_point, duplicates_acknowledged=True)
    referral = referral_send(
        acting=focal_point,
        case=referred,
        to_agency=social_agency,
        services=[ServiceKind.MHPSS],
        consent=referred.consents.get(),
        sections=[ShareSection.HARM],
    )
    worker_client = sign_in(worker)
    for path in (
        "/en/cases/",
        "/en/cases/list/",
        "/en/cases/list/?status=open",
        "/en/cases/open/",
        f"/en/cases/{case.pk}/",
        f"/en/cases/{case.pk}/summary/",
        f"/en/cases/{case.pk}/edit/",
        f"/en/cases/{case.pk}/consent/",
        f"/en/cases/{case.pk}/consent/emergency/",
        f"/en/cases/{case.pk}/refer/",
        f"/en/cases/{case.pk}/close/",
        f"/en/cases/{case.pk}/feedback/paper/",
        f"/en/cases/{case.pk}/attachments/{attachment.pk}/",
        "/en/cases/referrals/",
        f"/en/cases/referrals/{referral.pk}/",
    ):
        assert _read(worker_client, path) == [], path
    client.logout()
    assert _read(sign_in(supervisor), "/en/cases/break-glass/") == []
    assert _read(Client(), f"/en/cases/feedback/{token}/") == []


def test_the_closure_pages_write_nothing_on_a_get_but_the_audit_of_what_they_read(
    worker, supervisor, open_case, client, sign_in
):
    case = open_case(worker, supervisor=supervisor, risk_level="high")
    followup_add(acting=worker, case=case, due_on=timezone.localdate(), assignee=worker, purpose="Visit")
    case_closure_request(
        acting=worker,
        case=case,
        version=case.version,
        reason="goals_met",
        checklist={"child_safe": True, "services_done": True, "caregiver_informed": True},
    )
    supervisor_client = sign_in(supervisor)
    for path in (
        "/en/cases/",
        "/en/cases/closures/",
        f"/en/cases/{case.pk}/",
        f"/en/cases/{case.pk}/close/review/",
    ):
        assert _read(supervisor_client, path) == [], path
