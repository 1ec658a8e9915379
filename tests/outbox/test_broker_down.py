"""With the broker down, a change is saved and its side effects wait in the outbox; the sweep delivers
them once workers run again (issue 14, findings 3 and 6)."""

import pytest
from django.core import mail

from childshield.cases.models.consent import ShareSection
from childshield.cases.models.referrals import ReferralStatus, Urgency
from childshield.cases.services.referrals import referral_send
from childshield.directory.models import ServiceKind
from childshield.hotline.models import ContentItem
from childshield.intake.models import Report
from childshield.intake.services import ReportContent, report_submit
from childshield.outbox.mail import message_id_for
from childshield.outbox.models import OutboxItem, OutboxState
from childshield.outbox.services import outbox_sweep

pytestmark = pytest.mark.django_db


def _referral(open_case, focal_point, social_agency):
    case = open_case(focal_point)
    return referral_send(
        acting=focal_point,
        case=case,
        to_agency=social_agency,
        services=[ServiceKind.MHPSS],
        consent=case.consents.get(),
        sections=[ShareSection.HARM],
        urgency=Urgency.URGENT,
    )


def test_a_referral_is_answered_while_the_broker_is_down_and_the_sender_is_e_mailed_later(
    focal_point, worker, open_case, social_agency, sign_in, broker_down, django_capture_on_commit_callbacks
):
    referral = _referral(open_case, focal_point, social_agency)
    client = sign_in(worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/cases/referrals/{referral.pk}/",
            {"answer": "decline", "reason": "No MHPSS staff this month"},
        )
    assert response.status_code == 302 and response["Location"].endswith("/cases/referrals/")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    # Nothing went out, and nothing is lost: the e-mail waits in the outbox.
    assert mail.outbox == []
    [item] = OutboxItem.objects.all()
    assert (item.kind, item.state) == ("email", OutboxState.PENDING)

    # Workers and beat run again: the minute sweep sends it, once.
    assert outbox_sweep() == 1
    assert outbox_sweep() == 0
    [message] = mail.outbox
    assert message.to == [focal_point.user.email]
    assert "declined" in message.subject.lower()
    assert message.extra_headers["Message-ID"] == message_id_for(item.idempotency_key)
    item.refresh_from_db()
    assert item.state == OutboxState.DELIVERED


def test_a_report_sent_while_the_broker_is_down_reaches_the_hotline_after_the_sweep(
    hotline_agency, broker_down, django_capture_on_commit_callbacks
):
    content = ReportContent(
        about="me", safe_now="yes", urls=["https://pics.example/a", "https://pics.example/b"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        receipt = report_submit(content=content, idempotency_key="broker-down")
    assert Report.objects.filter(pk=receipt.report.pk).exists() and receipt.passphrase
    assert not ContentItem.objects.exists()
    assert OutboxItem.objects.get().kind == "hotline.report_addresses_file"

    outbox_sweep()
    assert sorted(ContentItem.objects.values_list("url", flat=True)) == [
        "https://pics.example/a",
        "https://pics.example/b",
    ]
    assert {source.report_id for item in ContentItem.objects.all() for source in item.sources.all()} == {
        receipt.report.pk
    }


def test_a_report_without_addresses_writes_no_outbox_item(hotline_agency):
    report_submit(content=ReportContent(about="me", safe_now="yes"), idempotency_key="no-addresses")
    assert not OutboxItem.objects.exists()


def test_the_administrators_hear_once_that_the_broker_does_not_answer(
    focal_point,
    worker,
    open_case,
    social_agency,
    administrators,
    broker_down,
    django_capture_on_commit_callbacks,
):
    from childshield.cases.services.referrals import referral_accept, referral_complete

    referral = _referral(open_case, focal_point, social_agency)
    with django_capture_on_commit_callbacks(execute=True):
        referral_accept(acting=worker, referral=referral)
    with django_capture_on_commit_callbacks(execute=True):
        referral_complete(acting=worker, referral=referral)
    [alert] = mail.outbox
    assert alert.to == [administrators]
    assert "broker" in alert.subject
    # The alert names the fault, never the people the work was for.
    assert focal_point.user.email not in alert.body and "Hoa" not in alert.body
    assert OutboxItem.objects.filter(state=OutboxState.PENDING).count() == 2
