"""Consent through the pages: recording, the emergency override and its confirmation, withdrawal."""

import pytest

from childshield.cases.models import Consent
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.referrals import ReferralStatus
from childshield.cases.services.referrals import referral_send
from childshield.directory.models import ServiceKind

pytestmark = pytest.mark.django_db


def test_an_emergency_override_waits_for_the_supervisor_who_confirms_it(
    worker, supervisor, open_case, outsider_agency, sign_in
):
    case = open_case(worker, supervisor=supervisor)
    client = sign_in(worker)
    response = client.post(
        f"/en/cases/{case.pk}/consent/emergency/",
        {
            "reason": "He is outside her house now",
            "consent_agencies": [outsider_agency.pk],
            "sections": ["identity"],
        },
        follow=True,
    )
    assert "The supervisor must confirm it" in response.content.decode()
    override = Consent.objects.get(kind="emergency_override")
    assert not override.is_in_force
    assert "Confirm the emergency override" not in response.content.decode()

    page = sign_in(supervisor).post(f"/en/cases/{case.pk}/consent/{override.pk}/confirm/", follow=True)
    assert "You confirmed the emergency override." in page.content.decode()
    override.refresh_from_db()
    assert override.is_in_force and override.confirmed_by == supervisor


def test_withdrawing_consent_on_the_page_cancels_waiting_referrals(
    focal_point, open_case, social_agency, sign_in
):
    case = open_case(focal_point)
    consent = case.consents.get()
    referral = referral_send(
        acting=focal_point,
        case=case,
        to_agency=social_agency,
        services=[ServiceKind.MHPSS],
        consent=consent,
        sections=[ShareSection.HARM],
    )
    page = sign_in(focal_point).post(
        f"/en/cases/{case.pk}/consent/{consent.pk}/withdraw/", {"reason": "She changed her mind"}, follow=True
    )
    assert "nothing more will be shared on it" in page.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED


def test_a_referral_without_consent_for_that_agency_is_refused_with_the_way_forward(
    focal_point, open_case, outsider_agency, sign_in
):
    case = open_case(focal_point)
    response = sign_in(focal_point).post(
        f"/en/cases/{case.pk}/refer/",
        {
            "to_agency": outsider_agency.pk,
            "services": ["justice"],
            "urgency": "urgent",
            "consent": case.consents.get().pk,
            "sections": ["harm"],
            "message": "Please call me first",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Record a consent that names it first" in page
    assert "Please call me first" in page
    assert not case.referrals.exists()
