"""Referrals: resting on consent, answered by the receiving agency, the sender told each time."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from childshield.cases.models import ReferralUpdate
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.plan import ServiceStatus
from childshield.cases.models.referrals import ReferralStatus, Urgency
from childshield.cases.services.consent import (
    ConsentInput,
    consent_emergency_confirm,
    consent_emergency_override,
    consent_record,
    consent_withdraw,
)
from childshield.cases.services.opening import case_open
from childshield.cases.services.referrals import (
    referral_accept,
    referral_complete,
    referral_decline,
    referral_send,
)
from childshield.core.errors import ApplicationError
from childshield.directory.models import ServiceKind
from tests.cases.conftest import child_input

pytestmark = pytest.mark.django_db


def _send(case, sender, to_agency, *, consent=None, services_requested=None, sections=None):
    return referral_send(
        acting=sender,
        case=case,
        to_agency=to_agency,
        services=services_requested or [ServiceKind.CASE_MANAGEMENT, ServiceKind.MHPSS],
        consent=consent or case.consents.get(),
        sections=sections or [ShareSection.IDENTITY, ShareSection.HARM],
        urgency=Urgency.URGENT,
    )


def test_a_referral_to_an_agency_the_consent_does_not_name_is_refused(
    focal_point, open_case, outsider_agency
):
    case = open_case(focal_point)
    with pytest.raises(ApplicationError) as refused:
        _send(case, focal_point, outsider_agency)
    assert refused.value.code == "no_consent"
    assert "Provincial Police" in str(refused.value.message)
    assert not case.referrals.exists()


def test_a_referral_cannot_share_more_than_the_consent_allows(focal_point, open_case, social_agency):
    case = open_case(focal_point, sections=[ShareSection.HARM])
    with pytest.raises(ApplicationError) as refused:
        _send(case, focal_point, social_agency, sections=[ShareSection.HARM, ShareSection.IDENTITY])
    assert "name" in str(refused.value.message)


def test_consent_without_the_childs_assent_is_refused(focal_point, open_case, social_agency):
    case = open_case(focal_point)
    with pytest.raises(ApplicationError) as refused:
        consent_record(
            acting=focal_point,
            case=case,
            consent=ConsentInput(
                purpose="x", agencies=[social_agency], sections=["harm"], child_assent=False
            ),
        )
    assert refused.value.code == "no_assent"


def test_withdrawn_consent_stops_further_sharing(focal_point, worker, open_case, social_agency):
    case = open_case(focal_point)
    consent = case.consents.get()
    waiting = _send(case, focal_point, social_agency)
    consent_withdraw(acting=focal_point, consent=consent, reason="The child changed her mind")
    waiting.refresh_from_db()
    assert waiting.status == ReferralStatus.CANCELLED
    with pytest.raises(ApplicationError) as refused:
        _send(case, focal_point, social_agency)
    assert "withdrawn" in str(refused.value.message)
    with pytest.raises(ApplicationError):
        referral_accept(acting=worker, referral=waiting)


def test_an_emergency_override_counts_only_once_the_supervisor_confirms(
    worker, supervisor, open_case, outsider_agency
):
    case = open_case(worker, supervisor=supervisor)
    override = consent_emergency_override(
        acting=worker,
        case=case,
        reason="The man arranged to meet her tonight",
        agencies=[outsider_agency],
        sections=[ShareSection.IDENTITY, ShareSection.HARM],
    )
    with pytest.raises(ApplicationError) as refused:
        _send(case, worker, outsider_agency, consent=override)
    assert "supervisor" in str(refused.value.message)
    with pytest.raises(ApplicationError):
        consent_emergency_confirm(acting=worker, consent=override)
    consent_emergency_confirm(acting=supervisor, consent=override)
    referral = _send(
        case, worker, outsider_agency, consent=override, services_requested=[ServiceKind.JUSTICE]
    )
    assert referral.consent == override


def test_an_emergency_override_needs_a_reason(worker, supervisor, open_case, outsider_agency):
    case = open_case(worker, supervisor=supervisor)
    with pytest.raises(ApplicationError):
        consent_emergency_override(
            acting=worker, case=case, reason=" ", agencies=[outsider_agency], sections=["harm"]
        )


def test_accepting_a_case_management_referral_hands_the_case_over(
    focal_point, worker, supervisor, open_case, social_agency, django_capture_on_commit_callbacks
):
    case = open_case(focal_point)
    referral = _send(case, focal_point, social_agency)
    with django_capture_on_commit_callbacks(execute=True):
        referral_accept(acting=worker, referral=referral, supervisor=supervisor)
    case.refresh_from_db()
    assert (case.lead_worker, case.supervisor, case.agency) == (worker, supervisor, social_agency)
    assert case.opened_by_agency == focal_point.agency
    # The case's management is handed over; the other service waits for its provider to be chosen.
    assert sorted(case.services.values_list("kind", "status", "provider")) == [
        (ServiceKind.CASE_MANAGEMENT, ServiceStatus.IN_PROGRESS, social_agency.pk),
        (ServiceKind.MHPSS, ServiceStatus.REQUESTED, None),
    ]
    assert ReferralUpdate.objects.get(recipient=focal_point).status == ReferralStatus.ACCEPTED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [focal_point.user.email]
    assert "accepted" in mail.outbox[0].subject.lower()
    # The e-mail never names the child.
    assert "Hoa" not in mail.outbox[0].body


def test_a_declined_referral_needs_a_reason_and_tells_the_sender(
    focal_point, worker, open_case, social_agency, django_capture_on_commit_callbacks
):
    case = open_case(focal_point)
    referral = _send(case, focal_point, social_agency)
    with pytest.raises(ApplicationError):
        referral_decline(acting=worker, referral=referral, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        referral_decline(acting=worker, referral=referral, reason="No MHPSS staff this month")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.responded_at is not None
    assert "declined" in mail.outbox[0].subject.lower()
    with pytest.raises(ApplicationError) as refused:
        referral_accept(acting=worker, referral=referral)
    assert refused.value.code == "already_answered"


def test_only_the_receiving_agency_answers_a_referral(focal_point, outsider, open_case, social_agency):
    case = open_case(focal_point)
    referral = _send(case, focal_point, social_agency)
    with pytest.raises(PermissionDenied):
        referral_accept(acting=outsider, referral=referral)


def test_a_referral_is_completed_after_acceptance_and_the_sender_is_told(
    focal_point, worker, open_case, social_agency, django_capture_on_commit_callbacks
):
    case = open_case(focal_point)
    referral = _send(case, focal_point, social_agency, services_requested=[ServiceKind.MHPSS])
    with pytest.raises(ApplicationError):
        referral_complete(acting=worker, referral=referral)
    with django_capture_on_commit_callbacks(execute=True):
        referral_accept(acting=worker, referral=referral)
        referral_complete(acting=worker, referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert [update.status for update in ReferralUpdate.objects.order_by("id")] == ["accepted", "completed"]
    assert len(mail.outbox) == 2


def test_no_email_leaves_when_the_transaction_fails(focal_point, worker, open_case, social_agency):
    case = open_case(focal_point)
    referral = _send(case, focal_point, social_agency)
    with pytest.raises(ApplicationError):
        # A supervisor from another agency is refused after the status was already prepared.
        referral_accept(acting=worker, referral=referral, supervisor=focal_point)
    assert mail.outbox == []
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_a_young_childs_consent_needs_a_caregiver_or_a_reason_why_not(
    focal_point, open_case, social_agency, commune
):
    case = open_case(focal_point)  # born 2012: under 16
    alone = ConsentInput(
        purpose="Counselling", agencies=[social_agency], sections=["harm"], child_assent=True
    )
    with pytest.raises(ApplicationError) as refused:
        consent_record(acting=focal_point, case=case, consent=alone)
    assert refused.value.code == "no_caregiver_consent"
    alone.caregiver_not_asked_reason = "The stepfather is the person who harmed her"
    consent = consent_record(acting=focal_point, case=case, consent=alone)
    assert consent.is_in_force

    older = case_open(
        acting=focal_point,
        child=child_input(commune, full_name="Lê Văn Tú", date_of_birth=None, estimated_age=17),
        risk_level="low",
        harm_types=["grooming"],
    )
    alone.caregiver_not_asked_reason = ""
    assert consent_record(acting=focal_point, case=older, consent=alone).is_in_force


def test_a_referral_answered_twice_is_refused_and_the_first_answer_is_kept(
    focal_point, worker, colleague, supervisor, open_case, social_agency
):
    case = open_case(focal_point)
    referral = _send(case, focal_point, social_agency)
    referral_accept(acting=worker, referral=referral, supervisor=supervisor)
    referral.refresh_from_db()
    first_answer = (referral.status, referral.responded_at, referral.responded_by)
    services = sorted(case.services.values_list("pk", flat=True))

    for answer_again in (
        lambda: referral_accept(acting=colleague, referral=referral, supervisor=supervisor),
        lambda: referral_decline(acting=colleague, referral=referral, reason="We have no room"),
    ):
        with pytest.raises(ApplicationError) as refused:
            answer_again()
        assert refused.value.code == "already_answered"
        assert str(refused.value.message) == "This referral was already answered (Accepted)."

    referral.refresh_from_db()
    assert (referral.status, referral.responded_at, referral.responded_by) == first_answer
    assert referral.decline_reason == ""
    assert sorted(case.services.values_list("pk", flat=True)) == services
    assert ReferralUpdate.objects.filter(referral=referral).count() == 1


def test_answering_again_from_the_page_says_it_was_already_answered(
    focal_point, worker, colleague, supervisor, open_case, social_agency, sign_in
):
    case = open_case(focal_point)
    referral = _send(case, focal_point, social_agency)
    referral_accept(acting=worker, referral=referral, supervisor=supervisor)
    # A colleague had the page open before the answer and declines from it.
    response = sign_in(colleague).post(
        f"/en/cases/referrals/{referral.pk}/", {"answer": "decline", "reason": "No room this month"}
    )
    assert response.status_code == 400
    assert "This referral was already answered (Accepted)." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.decline_reason == ""
