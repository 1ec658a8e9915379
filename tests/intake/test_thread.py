"""The reply thread: opening it with code and passphrase, writing back, and the answers to mistakes."""

import pytest
from django.test import Client

from childshield.audit.models import AuditEvent
from childshield.intake import rate_limits, services
from childshield.intake.models import Report, ReportMessage, ReportStatus, Sender
from tests.intake.conftest import form_token, thread_token

pytestmark = pytest.mark.django_db

REFUSAL = "We could not open a report with this code and secret number."


def _open(client: Client, code: str, passphrase: str, **extra) -> str:
    return client.post(
        "/en/report/status/", {"reference": code, "passphrase": passphrase}, **extra
    ).content.decode()


def test_the_code_and_passphrase_open_the_thread_however_they_are_typed(send_report, client):
    sent = send_report()
    html = _open(client, sent.code.lower().replace("-", " "), sent.passphrase.replace(" ", ""))
    assert "Your messages" in html
    assert "A person from the helpline will answer you here" in html
    assert AuditEvent.objects.filter(object_type="intake.Report", action="view").count() == 1


KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
# Full-width forms sit 0xFEE0 above their ASCII letters and digits.
FULL_WIDTH = {code: code + 0xFEE0 for code in range(ord("!"), ord("~") + 1)}


def test_a_child_typing_khmer_or_full_width_digits_opens_the_thread(send_report, client):
    sent = send_report()
    # A Khmer keyboard writes the secret number in Khmer digits; a phone's wide mode, full-width ones.
    assert "Your messages" in _open(client, sent.code, sent.passphrase.translate(KHMER_DIGITS))
    wide_code, wide_number = sent.code.translate(FULL_WIDTH), sent.passphrase.translate(FULL_WIDTH)
    assert "Your messages" in _open(client, wide_code, wide_number)


def test_a_wrong_code_and_a_wrong_passphrase_get_the_same_answer(send_report, client):
    sent = send_report()
    wrong_code = _open(client, "ZZZZ-ZZZZ", sent.passphrase)
    wrong_passphrase = _open(client, sent.code, "0000 0000 0000")
    assert REFUSAL in wrong_code
    assert REFUSAL in wrong_passphrase
    assert wrong_code == wrong_passphrase.replace(sent.code, "ZZZZ-ZZZZ").replace(
        "0000 0000 0000", sent.passphrase
    )


def test_after_many_wrong_tries_even_the_right_passphrase_waits(send_report, client):
    sent = send_report()
    for _ in range(rate_limits.ACCESS_TRIES_AT_CODE.allowed):
        assert REFUSAL in _open(client, sent.code, "1111 2222 3333")
    html = _open(client, sent.code, sent.passphrase)
    assert "You tried many times. Please wait 15 minutes" in html
    assert "Your messages" not in html
    # Someone on another network is not locked out by it.
    assert "Your messages" in _open(client, sent.code, sent.passphrase, REMOTE_ADDR="192.0.2.7")


def test_one_childs_mistakes_do_not_lock_out_the_others_at_the_same_school(send_report, client):
    mine, theirs = send_report(), send_report()
    for _ in range(rate_limits.ACCESS_TRIES_AT_CODE.allowed + 5):
        _open(client, mine.code, "1111 2222 3333", REMOTE_ADDR="203.0.113.20")
    # The classmate behind the same address opens their own report.
    assert "Your messages" in _open(client, theirs.code, theirs.passphrase, REMOTE_ADDR="203.0.113.20")


def test_right_tries_are_not_counted_against_the_child(send_report, client):
    sent = send_report()
    for _ in range(rate_limits.ACCESS_TRIES_AT_CODE.allowed + 3):
        assert "Your messages" in _open(client, sent.code, sent.passphrase)


def test_guesses_sent_all_at_once_are_each_counted_before_any_is_checked(monkeypatch):
    """A burst of parallel guesses: only as many as the limit allows reach the passphrase check."""
    import threading
    import time

    from django.db import connections

    checked: list[int] = []
    real_check = services.passphrase_check

    def slow_check(passphrase: str, encoded: str):
        checked.append(1)
        time.sleep(0.3)  # holds every early guess inside the check while the others arrive
        return real_check(passphrase, encoded)

    monkeypatch.setattr(services, "passphrase_check", slow_check)

    def guess() -> None:
        try:
            services.report_open(reference="ABCD-EFGH", passphrase="1111 2222 3333", client="burst")
        except services.ApplicationError:
            pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == rate_limits.ACCESS_TRIES_AT_CODE.allowed


def test_what_was_typed_stays_after_a_wrong_try(send_report, client):
    sent = send_report()
    html = _open(client, sent.code, "1234 5678 0000")
    assert f'value="{sent.code}"' in html
    assert 'value="1234 5678 0000"' in html


def test_the_reporter_reads_a_staff_reply_and_writes_back(send_report, client, counsellor):
    sent = send_report()
    report = Report.objects.get()
    services.report_message_from_staff(
        acting=counsellor, report=report, body="Thank you for telling us. You did the right thing."
    )
    html = _open(client, sent.code, sent.passphrase)
    assert "You did the right thing." in html
    response = client.post(
        "/en/report/status/reply/",
        {
            "body": "He sent another message today.",
            "thread_token": thread_token(html),
            "form_token": form_token(html),
        },
    )
    reply = response.content.decode()
    assert "Your message was sent." in reply
    assert "He sent another message today." in reply
    assert not response.cookies
    assert [m.sender for m in ReportMessage.objects.all()] == [Sender.STAFF, Sender.REPORTER]
    assert Report.objects.get().status == ReportStatus.OPEN


def test_the_same_message_sent_twice_is_kept_once(send_report, client):
    sent = send_report()
    html = _open(client, sent.code, sent.passphrase)
    data = {"body": "Hello again", "thread_token": thread_token(html), "form_token": form_token(html)}
    client.post("/en/report/status/reply/", data)
    client.post("/en/report/status/reply/", data)
    assert ReportMessage.objects.count() == 1


def test_an_over_long_message_is_refused_kindly_and_kept(send_report, client):
    sent = send_report()
    html = _open(client, sent.code, sent.passphrase)
    long_text = "word " * 1000
    response = client.post(
        "/en/report/status/reply/",
        {"body": long_text, "thread_token": thread_token(html), "form_token": form_token(html)},
    ).content.decode()
    assert "This is longer than we can take" in response
    assert long_text.strip() in response
    assert not ReportMessage.objects.exists()


def test_a_timed_out_thread_asks_for_the_code_again_and_keeps_the_message(send_report, client, monkeypatch):
    sent = send_report()
    html = _open(client, sent.code, sent.passphrase)
    import time

    from childshield.intake.tokens import THREAD_MAX_AGE_SECONDS

    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + THREAD_MAX_AGE_SECONDS + 60)
    response = client.post(
        "/en/report/status/reply/",
        {
            "body": "Please call me tomorrow",
            "thread_token": thread_token(html),
            "form_token": form_token(html),
        },
    ).content.decode()
    monkeypatch.setattr(time, "time", real_time)
    assert "this page closes after a while" in response
    assert 'value="Please call me tomorrow"' in response
    assert not ReportMessage.objects.exists()
    reopened = client.post(
        "/en/report/status/",
        {"reference": sent.code, "passphrase": sent.passphrase, "pending": "Please call me tomorrow"},
    ).content.decode()
    assert "Please call me tomorrow</textarea>" in reopened


def test_new_replies_can_be_fetched_without_reloading(send_report, client, counsellor):
    sent = send_report()
    html = _open(client, sent.code, sent.passphrase)
    services.report_message_from_staff(
        acting=counsellor, report=Report.objects.get(), body="We are here for you."
    )
    updates = client.post("/en/report/status/updates/", {"thread_token": thread_token(html)})
    assert updates.status_code == 200
    assert "We are here for you." in updates.content.decode()
    assert client.post("/en/report/status/updates/", {"thread_token": "forged"}).status_code == 403


def test_a_page_asks_for_the_messages_after_its_last_and_more_often_once_a_counsellor_holds_it(
    send_report, client, counsellor, settings
):
    from childshield.helpline.services.queue import queue_claim, queue_release

    settings.INTAKE_POLL_SECONDS, settings.INTAKE_CHAT_POLL_SECONDS = 20, 2
    sent = send_report()
    html = _open(client, sent.code, sent.passphrase)
    assert 'data-poll-seconds="20"' in html
    token = thread_token(html)
    report = Report.objects.get()
    first = services.report_message_from_staff(acting=counsellor, report=report, body="We are here for you.")
    updates = client.post("/en/report/status/updates/", {"thread_token": token, "after": "0"})
    assert "We are here for you." in updates.content.decode()
    assert "A person from the helpline will answer you here" not in updates.content.decode()
    assert updates["X-Poll-Seconds"] == "20"
    # Nothing after the last message the page shows: nothing to send.
    nothing = client.post("/en/report/status/updates/", {"thread_token": token, "after": str(first.pk)})
    assert nothing.status_code == 204 and nothing.content == b""
    # An id past any there is (a page's number altered, or too long for the database): nothing new.
    for past in ("9" * 30, str(2**63)):
        assert (
            client.post("/en/report/status/updates/", {"thread_token": token, "after": past}).status_code
            == 204
        )
    # A counsellor holds the report: a live chat, asked for every 2 seconds, until released.
    queue_claim(acting=counsellor, report=report)
    assert (
        client.post("/en/report/status/updates/", {"thread_token": token, "after": str(first.pk)})[
            "X-Poll-Seconds"
        ]
        == "2"
    )
    assert 'data-poll-seconds="2"' in _open(client, sent.code, sent.passphrase)
    queue_release(acting=counsellor, report=report)
    assert (
        client.post("/en/report/status/updates/", {"thread_token": token, "after": str(first.pk)})[
            "X-Poll-Seconds"
        ]
        == "20"
    )


def test_the_status_page_sets_no_cookie(client):
    response = client.get("/en/report/status/")
    assert response.status_code == 200
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_the_receipt_holds_the_thread_so_a_child_who_stays_chats_from_it(send_report, client, counsellor):
    receipt = send_report().html
    assert "Chat with the helpline here" in receipt
    assert "A person from the helpline will answer you here" in receipt
    report = Report.objects.get()
    services.report_message_from_staff(acting=counsellor, report=report, body="Hello, I am here.")
    updates = client.post("/en/report/status/updates/", {"thread_token": thread_token(receipt), "after": "0"})
    assert "Hello, I am here." in updates.content.decode()
