"""What a referral does and does not open: the sender after a hand-over, filters that would reveal
unshared sections, and the receiving agency's reading of a referral."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.models.consent import ShareSection
from childshield.cases.selectors.case_list import CaseFilters, case_list
from childshield.cases.selectors.cases import case_get_for_user
from childshield.cases.services.follow_ups import followup_add
from childshield.cases.services.referrals import referral_accept, referral_send
from childshield.directory.models import ServiceKind

pytestmark = pytest.mark.django_db


def _refer(case, sender, to_agency, *, sections, kinds=(ServiceKind.MHPSS,)):
    return referral_send(
        acting=sender,
        case=case,
        to_agency=to_agency,
        services=list(kinds),
        consent=case.consents.get(),
        sections=sections,
    )


def test_the_sender_no_longer_sees_a_case_it_handed_over(
    focal_point, worker, supervisor, open_case, social_agency
):
    case = open_case(focal_point)
    referral = _refer(
        case,
        focal_point,
        social_agency,
        sections=[ShareSection.IDENTITY],
        kinds=[ServiceKind.CASE_MANAGEMENT],
    )
    referral_accept(acting=worker, referral=referral, supervisor=supervisor)
    with pytest.raises(Http404):
        case_get_for_user(acting=focal_point, case_id=case.pk)
    assert case_get_for_user(acting=supervisor, case_id=case.pk).access.may_edit


def test_filters_do_not_reveal_what_a_referral_did_not_share(
    focal_point, worker, open_case, social_agency, commune
):
    case = open_case(focal_point, risk_level="high")
    followup_add(
        acting=focal_point, case=case, due_on=timezone.localdate() - timedelta(days=1), assignee=focal_point
    )
    referral = _refer(case, focal_point, social_agency, sections=[ShareSection.SERVICES])
    referral_accept(acting=worker, referral=referral)

    def found(**filters):
        listed = case_list(acting=worker, filters=CaseFilters(**filters))
        return [row.pk for row in listed]

    assert found() == [case.pk]
    assert found(child_name="Nguyễn Thị Hoa") == []
    assert found(area_id=commune.pk) == []
    assert found(risk="high") == []
    assert found(overdue=True) == []


def test_filters_use_what_a_referral_shared(focal_point, worker, open_case, social_agency, commune):
    case = open_case(focal_point, risk_level="high")
    referral = _refer(
        case,
        focal_point,
        social_agency,
        sections=[ShareSection.IDENTITY, ShareSection.PROFILE, ShareSection.HARM],
    )
    referral_accept(acting=worker, referral=referral)
    for filters in ({"child_name": "nguyen thi hoa"}, {"area_id": commune.pk}, {"risk": "high"}):
        listed = case_list(acting=worker, filters=CaseFilters(**filters))
        assert [row.pk for row in listed] == [case.pk], filters


def test_reading_a_referral_before_answering_is_audited(
    focal_point, worker, open_case, social_agency, sign_in
):
    case = open_case(focal_point)
    referral = _refer(case, focal_point, social_agency, sections=[ShareSection.PROFILE])
    page = sign_in(worker).get(f"/en/cases/referrals/{referral.pk}/").content.decode()
    assert "Kim Thuy" in page and "Hoa" not in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_type="cases.Referral",
        object_id=str(referral.pk),
        actor_id=str(worker.user.pk),
    ).exists()


def test_a_referred_agency_marks_its_services_completed_from_the_case_page(
    focal_point, worker, open_case, social_agency, sign_in, django_capture_on_commit_callbacks
):
    case = open_case(focal_point)
    referral = _refer(case, focal_point, social_agency, sections=[ShareSection.HARM])
    referral_accept(acting=worker, referral=referral)
    client = sign_in(worker)
    assert "Mark our services completed" in client.get(f"/en/cases/{case.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/cases/referrals/{referral.pk}/", {"answer": "complete"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "completed"
    # Completed: the agency's part is over, and so is its access.
    assert client.get(f"/en/cases/{case.pk}/").status_code == 404
