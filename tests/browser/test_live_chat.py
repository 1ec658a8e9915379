"""Live web chat (issue 19): once a counsellor claims a child's report, the child and the counsellor
each see the other's messages appear without reloading, both pages asking every
INTAKE_CHAT_POLL_SECONDS. (How fast, measured, is a benchmark's: bench/live_chat.py.)"""

import pytest

from childshield.intake.models import Report
from tests.browser.intake_steps import fill_report, read_receipt, sign_in
from tests.browser.test_helpline_path import counsellor  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_child_and_a_counsellor_chat_live_each_seeing_the_others_messages_without_reloading(
    live_server,
    open_page,
    counsellor,  # noqa: F811  (test_helpline_path's: a helpline and its counsellor)
    settings,
):
    settings.INTAKE_CHAT_POLL_SECONDS = 1
    settings.INTAKE_POLL_SECONDS = 4  # before anyone holds the report
    base = live_server.url
    phone = open_page(viewport={"width": 360, "height": 800})
    phone.goto(f"{base}/en/report/")
    fill_report(phone)
    phone.click("button.button-big")
    read_receipt(phone)
    report = Report.objects.get()

    # The child stays on the receipt, which holds the conversation.
    assert phone.is_visible("text=Chat with the helpline here")
    phone.evaluate("window.stillTheSamePage = true")

    # The counsellor claims it from the queue and answers.
    desk = open_page(viewport={"width": 1200, "height": 800})
    sign_in(desk, base, counsellor.user.email)
    desk.goto(f"{base}/en/helpline/")
    row = f'[data-queue-item="{report.reference}"]'
    desk.wait_for_selector(row)
    desk.click(f"{row} button[type=submit]")
    desk.wait_for_url(f"{base}/en/helpline/queue/{report.reference}/reply/")
    desk.fill("textarea[name=body]", "Hello, I am Lan from the helpline. Is it safe to talk now?")
    desk.click("form.card button[type=submit]")
    desk.wait_for_selector("text=Your reply is in the thread.")
    desk.evaluate("window.stillTheSamePage = true")

    # The child sees the answer appear without reloading (asked for at the page's first pace, which the
    # answer changes to every second: the report is held).
    phone.wait_for_selector("text=Is it safe to talk now?", timeout=15_000)
    assert phone.evaluate("window.stillTheSamePage") is True

    # The child answers (the form sends and shows the thread page); the counsellor's page, left open,
    # shows it by itself.
    phone.fill("textarea[name=body]", "yes im alone in my room")
    phone.click("form.report button[type=submit]")
    phone.wait_for_selector("text=Your message was sent.")
    desk.wait_for_selector("text=yes im alone in my room", timeout=10_000)
    assert desk.evaluate("window.stillTheSamePage") is True
    assert desk.locator("#thread-after").input_value() == str(report.messages.order_by("pk").last().pk)

    # And the next answer reaches the child's page, which now asks every second.
    desk.fill("textarea[name=body]", "Thank you. Tell me what happened, when you are ready.")
    desk.click("form.card button[type=submit]")
    phone.evaluate("window.stillTheSamePage = true")
    phone.wait_for_selector("text=Tell me what happened", timeout=5_000)
    assert phone.evaluate("window.stillTheSamePage") is True
