"""Answering a report from the queue with a saved reply in the reporter's language."""

import pytest

from childshield.core.errors import ApplicationError
from childshield.helpline.reply_templates import LANGUAGES, reply_templates
from childshield.helpline.services.queue import queue_claim, queue_reply
from childshield.intake.models import Report, ReportMessage, ReportStatus, Sender

pytestmark = pytest.mark.django_db


def test_every_saved_reply_exists_in_each_language_and_never_blames():
    for template in reply_templates():
        assert set(template.bodies) == set(LANGUAGES) and set(template.titles) == set(LANGUAGES)
        assert all(body.strip() for body in template.bodies.values())
        assert "your fault" not in template.bodies["en"].replace("not your fault", "")


def test_the_holder_replies_from_a_template_in_the_reporters_language(sign_in, counsellor, send_report):
    report = send_report()
    Report.objects.filter(pk=report.pk).update(language="vi")
    queue_claim(acting=counsellor, report=report)
    client = sign_in(counsellor)
    page = client.get(f"/en/helpline/queue/{report.reference}/reply/?template=sextortion").content.decode()
    assert "Bạn đừng chuyển tiền" in page  # the reporter wrote in Vietnamese
    assert "Someone keeps messaging me." in page  # the thread starts from the report

    once = page.split('name="once" value="')[1].split('"')[0]
    for _ in range(2):  # the same form sent twice
        response = client.post(
            f"/en/helpline/queue/{report.reference}/reply/",
            {"body": "Bạn đừng chuyển tiền nhé.", "once": once},
        )
        assert response.status_code == 302
    messages = ReportMessage.objects.filter(report=report)
    assert [(m.sender, m.body) for m in messages] == [(Sender.STAFF, "Bạn đừng chuyển tiền nhé.")]
    # Answered: it leaves the queue until the reporter writes back.
    assert f'data-queue-item="{report.reference}"' not in client.get("/en/helpline/").content.decode()


def test_a_counsellor_who_does_not_hold_the_report_is_asked_to_claim_it(
    sign_in, counsellor, second_counsellor, send_report
):
    report = send_report()
    queue_claim(acting=second_counsellor, report=report)
    response = sign_in(counsellor).post(f"/en/helpline/queue/{report.reference}/reply/", {"body": "Hello"})
    assert response.status_code == 400
    assert "Claim this report before you answer it." in response.content.decode()
    assert not ReportMessage.objects.exists()


def test_a_reply_to_a_closed_thread_reopens_it_and_is_kept(counsellor, send_report):
    report = send_report()
    queue_claim(acting=counsellor, report=report)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.CLOSED)
    report.refresh_from_db()
    queue_reply(acting=counsellor, report=report, body="We are still here if you need us.")
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN
    assert ReportMessage.objects.get().body == "We are still here if you need us."


def test_an_empty_reply_is_refused(counsellor, send_report):
    report = send_report()
    queue_claim(acting=counsellor, report=report)
    with pytest.raises(ApplicationError):
        queue_reply(acting=counsellor, report=report, body="   ")


def test_the_reply_page_shows_the_childs_new_messages_as_they_come_and_audits_only_those_read(
    sign_in, counsellor, send_report, settings
):
    """A live chat: the page asks every INTAKE_CHAT_POLL_SECONDS for the messages after the last it
    shows; nothing new is "204" and reads nothing (no audit), new ones come with the id to ask after."""
    settings.INTAKE_CHAT_POLL_SECONDS = 3
    from childshield.audit.models import AuditEvent
    from childshield.intake.services import report_message_from_reporter

    report = send_report()
    queue_claim(acting=counsellor, report=report)
    client = sign_in(counsellor)
    page = client.get(f"/en/helpline/queue/{report.reference}/reply/").content.decode()
    assert 'hx-trigger="every 3s"' in page and 'id="thread-after" name="after" value="0"' in page
    url = f"/en/helpline/queue/{report.reference}/reply/thread/"
    reads = AuditEvent.objects.filter(object_id=str(report.pk), action="view")
    before = reads.count()
    assert client.get(url, {"after": "0"}).status_code == 204
    assert reads.count() == before

    message = report_message_from_reporter(
        report=report, body="are u there??", idempotency_key=None, client="test"
    )
    fragment = client.get(url, {"after": "0"}).content.decode()
    assert "are u there??" in fragment
    assert f'id="thread-after" name="after" value="{message.pk}" hx-swap-oob="true"' in fragment
    assert 'id="no-messages" hx-swap-oob="delete"' in fragment
    assert reads.count() == before + 1
    assert client.get(url, {"after": str(message.pk)}).status_code == 204
    assert client.get(url, {"after": "9" * 40}).status_code == 204
    assert reads.count() == before + 1
