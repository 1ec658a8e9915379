"""The hardest rule: who may see a case, and that every read is audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from childshield.accounts.models import Role
from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.models import BreakGlassAccess
from childshield.cases.models.consent import ShareSection
from childshield.cases.permissions import AccessKind, case_access
from childshield.cases.selectors.cases import case_detail, case_get_for_user, cases_visible_to
from childshield.cases.services.break_glass import break_glass_open
from childshield.cases.services.notes import note_add
from childshield.cases.services.referrals import referral_accept, referral_send
from childshield.core.errors import ApplicationError
from childshield.directory.models import ServiceKind
from tests.cases.conftest import child_input

pytestmark = pytest.mark.django_db


def _ids(acting):
    return set(cases_visible_to(acting=acting).values_list("pk", flat=True))


def test_the_lead_worker_and_the_supervisor_see_the_case(worker, supervisor, open_case):
    case = open_case(worker, supervisor=supervisor)
    assert _ids(worker) == {case.pk}
    assert _ids(supervisor) == {case.pk}
    assert case_access(worker, case).kind is AccessKind.LEAD
    assert case_access(supervisor, case).kind is AccessKind.SUPERVISOR


def test_a_colleague_in_the_same_agency_does_not_see_the_case(worker, colleague, open_case):
    case = open_case(worker)
    assert _ids(colleague) == set()
    with pytest.raises(Http404):
        case_get_for_user(acting=colleague, case_id=case.pk)


def test_an_outsider_agency_gets_not_found_and_no_audit_trace_of_a_read(worker, outsider, open_case):
    case = open_case(worker)
    with pytest.raises(Http404):
        case_get_for_user(acting=outsider, case_id=case.pk)
    assert not AuditEvent.objects.filter(actor_id=str(outsider.user.pk), action=AuditAction.VIEW).exists()


def test_a_system_administrator_sees_no_case_without_breaking_the_glass(worker, system_admin, open_case):
    case = open_case(worker)
    assert _ids(system_admin) == set()
    with pytest.raises(Http404):
        case_get_for_user(acting=system_admin, case_id=case.pk)


def test_breaking_the_glass_needs_a_reason_opens_the_case_and_is_audited(worker, system_admin, open_case):
    case = open_case(worker)
    with pytest.raises(ApplicationError):
        break_glass_open(acting=system_admin, case=case, reason="")
    break_glass_open(acting=system_admin, case=case, reason="Police warrant 12/2026, child missing")
    view = case_get_for_user(acting=system_admin, case_id=case.pk)
    assert view.access.kind is AccessKind.BREAK_GLASS
    assert not view.access.may_edit
    events = AuditEvent.objects.filter(object_type="cases.Case", object_id=str(case.pk))
    assert events.filter(action=AuditAction.BREAK_GLASS, reason__contains="warrant").exists()
    assert events.filter(action=AuditAction.VIEW, reason="case read (break-glass)").exists()


def test_a_case_worker_cannot_break_the_glass(worker, outsider, open_case):
    case = open_case(worker)
    with pytest.raises(PermissionDenied):
        break_glass_open(acting=outsider, case=case, reason="I would like to have a look please")


def test_a_sent_referral_gives_no_access_until_it_is_accepted(worker, focal_point, open_case, social_agency):
    case = open_case(focal_point, consent_to=[social_agency])
    consent = case.consents.get()
    referral = referral_send(
        acting=focal_point,
        case=case,
        to_agency=social_agency,
        services=[ServiceKind.MHPSS],
        consent=consent,
        sections=[ShareSection.PROFILE, ShareSection.HARM],
    )
    assert _ids(worker) == set()
    referral_accept(acting=worker, referral=referral)
    assert _ids(worker) == {case.pk}


def test_an_accepted_referral_shows_only_what_it_shared(worker, focal_point, open_case, social_agency):
    case = open_case(focal_point, consent_to=[social_agency])
    referral = referral_send(
        acting=focal_point,
        case=case,
        to_agency=social_agency,
        services=[ServiceKind.MHPSS],
        consent=case.consents.get(),
        sections=[ShareSection.HARM],
    )
    referral_accept(acting=worker, referral=referral)
    view = case_get_for_user(acting=worker, case_id=case.pk)
    assert view.access.kind is AccessKind.REFERRED
    assert view.access.shows(ShareSection.HARM)
    assert not view.access.shows(ShareSection.IDENTITY)
    assert not view.access.may_edit
    detail = case_detail(view=view)
    assert detail.notes == [] and detail.consents == [] and detail.follow_ups == []


def test_every_read_of_a_case_is_audited_with_the_reader_and_agency(worker, open_case):
    case = open_case(worker)
    case_get_for_user(acting=worker, case_id=case.pk)
    case_get_for_user(acting=worker, case_id=case.pk)
    views = AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_type="cases.Case",
        object_id=str(case.pk),
        actor_id=str(worker.user.pk),
    )
    assert views.count() == 2
    assert {event.agency_id for event in views} == {str(worker.agency_id)}


def test_a_deactivated_lead_worker_loses_the_case(worker, open_case):
    open_case(worker)
    worker.is_active = False
    worker.save()
    assert _ids(worker) == set()


def test_only_the_lead_or_supervisor_may_change_a_case(worker, colleague, open_case):
    case = open_case(worker)
    with pytest.raises(PermissionDenied):
        note_add(acting=colleague, case=case, body="Looked at it")


def test_a_break_glass_access_ends_after_its_hours(worker, system_admin, open_case):
    case = open_case(worker)
    access = break_glass_open(acting=system_admin, case=case, reason="Police request at night, ref 9")
    assert _ids(system_admin) == {case.pk}
    BreakGlassAccess.objects.filter(pk=access.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert _ids(system_admin) == set()
    with pytest.raises(Http404):
        case_get_for_user(acting=system_admin, case_id=case.pk)


def test_a_case_supervisor_breaks_the_glass_only_for_cases_of_their_agency(
    worker, colleague, focal_point, open_case, commune
):
    own = open_case(worker)
    other = open_case(focal_point, child=child_input(commune, full_name="Đinh Thu"))
    break_glass_open(acting=colleague, case=own, reason="Worker on leave, child called the helpline")
    with pytest.raises(PermissionDenied):
        break_glass_open(acting=colleague, case=other, reason="Just curious about this case")


def test_a_break_glass_reason_is_shown_in_the_audit_log_to_those_who_oversee_only(
    worker, system_admin, outsider, make_member, outsider_agency, open_case, sign_in
):
    """The reason may describe the child's situation: the agency's other members see that the glass
    was broken, and by whom, but not why."""
    case = open_case(worker)
    break_glass_open(acting=system_admin, case=case, reason="Police warrant 12/2026, child missing")
    agency_admin = make_member(email="admin@example.org", role=Role.AGENCY_ADMIN, agency=outsider_agency)

    page = sign_in(outsider).get("/en/audit/?action=break_glass").content.decode()
    assert "Break glass" in page and "sysadmin@example.org" in page
    assert "warrant" not in page
    assert "Shown to supervisors and administrators only" in page

    for overseer in (agency_admin, system_admin):
        page = sign_in(overseer).get("/en/audit/?action=break_glass").content.decode()
        assert "Police warrant 12/2026" in page
