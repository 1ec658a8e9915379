"""The queue by language and channel: after urgent items, which always come first, each counsellor is
offered first the reports in the languages they write; a filter narrows what is shown but never hides
an urgent item silently; "not sure" reads as not sure, not as not safe."""

import itertools
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from childshield.accounts.models import Membership
from childshield.accounts.services import user_languages_set
from childshield.audit.models import AuditEvent
from childshield.helpline import queue
from childshield.intake.models import Channel, Report
from childshield.intake.services import ReportContent, report_submit
from tests.helpline.conftest import age_report, older_reports

pytestmark = pytest.mark.django_db

_KEYS = itertools.count()


def _codes(html: str) -> list[str]:
    return re.findall(r'data-queue-item="([^"]+)"', html)


def _poll_state(html: str) -> dict[str, str]:
    state = re.search(r'<div id="queue-state" hidden>(.*?)</div>', html)
    assert state is not None
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', state.group(1)))


@pytest.fixture
def report_in() -> Callable[..., Report]:
    """A report as the public form saves it, sent from a page in `language`, `minutes` ago."""

    def send(
        language: str, *, minutes: int, reply_language: str = "", safe_now: str = "yes", channel: str = "web"
    ) -> Report:
        receipt = report_submit(
            content=ReportContent(
                about="me",
                safe_now=safe_now,
                harms=["grooming"],
                description="Someone keeps messaging me.",
                reply_language=reply_language,
            ),
            idempotency_key=f"languages-{next(_KEYS)}",
            channel=Channel(channel),
            language=language,
        )
        return age_report(receipt.report, minutes)

    return send


def _speaks(member: Membership, *languages: str) -> Membership:
    user_languages_set(user=member.user, languages=list(languages))
    member.user.refresh_from_db()
    return member


def test_a_counsellor_who_writes_only_khmer_is_offered_the_khmer_report_first(sign_in, counsellor, report_in):
    older_vietnamese = report_in("vi", minutes=60)
    khmer = report_in("km", minutes=10)
    urgent_vietnamese = report_in("vi", minutes=1, safe_now="no")
    client = sign_in(_speaks(counsellor, "km"))

    html = client.get("/en/helpline/").content.decode()

    assert _codes(html) == [urgent_vietnamese.reference, khmer.reference, older_vietnamese.reference]


def test_the_language_the_child_chose_counts_before_the_pages(sign_in, counsellor, report_in):
    vietnamese = report_in("vi", minutes=60)
    asked_for_khmer = report_in("vi", minutes=30, reply_language="km")
    khmer_page_asked_for_vietnamese = report_in("km", minutes=20, reply_language="vi")
    client = sign_in(_speaks(counsellor, "km"))

    codes = _codes(client.get("/en/helpline/").content.decode())

    assert codes == [
        asked_for_khmer.reference,
        vietnamese.reference,
        khmer_page_asked_for_vietnamese.reference,
    ]


def test_without_languages_the_order_is_urgency_then_waiting_time_and_nothing_is_left_out(
    sign_in, counsellor, supervisor, report_in
):
    oldest_english = report_in("en", minutes=90)
    vietnamese = report_in("vi", minutes=60)
    khmer = report_in("km", minutes=30)
    urgent_khmer = report_in("km", minutes=5, safe_now="not_sure")

    without = _codes(sign_in(counsellor).get("/en/helpline/").content.decode())
    assert without == [r.reference for r in (urgent_khmer, oldest_english, vietnamese, khmer)]

    # Speaking Vietnamese and English moves Khmer down, never out; the urgent one stays on top.
    with_languages = _codes(sign_in(_speaks(supervisor, "vi", "en")).get("/en/helpline/").content.decode())
    assert with_languages == [r.reference for r in (urgent_khmer, oldest_english, vietnamese, khmer)]
    _speaks(supervisor, "km")
    assert _codes(sign_in(supervisor).get("/en/helpline/").content.decode()) == [
        r.reference for r in (urgent_khmer, khmer, oldest_english, vietnamese)
    ]


def test_each_row_shows_the_pages_language_the_chosen_one_and_the_channel(sign_in, counsellor, report_in):
    report_in("vi", minutes=5, reply_language="km")
    report_in("en", minutes=4, channel="block_image")

    html = sign_in(counsellor).get("/en/helpline/").content.decode()

    assert 'data-language="vi" data-reply-language="km" data-channel="web"' in html
    assert '<span lang="vi">Tiếng Việt</span>' in html
    assert 'Answer in: <strong lang="km">ភាសាខ្មែរ</strong>' in html
    assert 'data-language="en" data-reply-language="" data-channel="block_image"' in html
    assert "Block an image" in html and "Web form" in html


def test_not_sure_is_shown_as_not_sure_and_is_as_urgent_as_not_safe(sign_in, counsellor, report_in):
    not_safe = report_in("vi", minutes=5, safe_now="no")
    not_sure = report_in("vi", minutes=10, safe_now="not_sure")
    safe = report_in("vi", minutes=60)

    html = sign_in(counsellor).get("/en/helpline/").content.decode()

    assert _codes(html) == [not_sure.reference, not_safe.reference, safe.reference]
    rows = {code: row for code, row in re.findall(r'data-queue-item="([^"]+)"(.*?)</tr>', html, re.S)}
    assert "Not sure if safe" in rows[not_sure.reference]
    assert "Not safe now" not in rows[not_sure.reference]
    assert "Not safe now" in rows[not_safe.reference]
    assert "Urgent" in rows[not_sure.reference] and "Urgent" in rows[not_safe.reference]
    assert "Urgent" not in rows[safe.reference] and "data-safe-now" not in rows[safe.reference]


def test_a_filter_shows_its_items_and_counts_the_urgent_ones_it_leaves_out(sign_in, counsellor, report_in):
    khmer = report_in("km", minutes=30)
    asked_for_khmer = report_in("vi", minutes=20, reply_language="km")
    report_in("vi", minutes=10)
    report_in("vi", minutes=2, safe_now="no")
    report_in("en", minutes=1, safe_now="not_sure")
    client = sign_in(counsellor)

    html = client.get("/en/helpline/", {"language": "km"}).content.decode()

    assert _codes(html) == [khmer.reference, asked_for_khmer.reference]
    assert "2 items waiting" in html
    assert 'data-urgent-outside-filter="2"' in html
    assert "2 more urgent items are waiting outside your filter." in html
    assert '<option value="km" lang="km" selected>' in html
    # The poll sends the filter back, and answers with the same rows.
    state = _poll_state(html)
    assert state["language"] == "km" and state["channel"] == ""
    assert client.get("/en/helpline/queue/rows/", state).status_code == 204

    # No filter: every item, and no count of items outside it.
    everything = client.get("/en/helpline/").content.decode()
    assert len(_codes(everything)) == 5 and "data-urgent-outside-filter" not in everything


def test_a_channel_filter_and_values_that_are_not_ours(sign_in, counsellor, report_in):
    web = report_in("vi", minutes=30)
    block = report_in("vi", minutes=20, channel="block_image")
    client = sign_in(counsellor)

    assert _codes(client.get("/en/helpline/", {"channel": "block_image"}).content.decode()) == [
        block.reference
    ]
    assert _codes(client.get("/en/helpline/", {"channel": "web", "language": "vi"}).content.decode()) == [
        web.reference
    ]
    # A language or channel we do not have is no filter at all.
    odd = client.get("/en/helpline/", {"channel": "fax", "language": "fr"}).content.decode()
    assert _codes(odd) == [web.reference, block.reference]
    assert 'name="language" value=""' in odd
    nothing = client.get("/en/helpline/", {"language": "en"}).content.decode()
    assert "Nothing waiting matches your filter." in nothing


def test_the_pages_keep_the_filter(sign_in, counsellor):
    older_reports(60, oldest_minutes=300)
    Report.objects.update(language="km")
    client = sign_in(counsellor)

    first = client.get("/en/helpline/", {"language": "km"}).content.decode()
    assert 'href="/en/helpline/?page=2&amp;language=km"' in first
    second = client.get("/en/helpline/", {"language": "km", "page": "2"}).content.decode()
    assert len(_codes(second)) == 10
    assert 'href="/en/helpline/?page=1&amp;language=km"' in second
    state = _poll_state(second)
    assert state["page"] == "2" and state["language"] == "km"


def test_the_poll_version_follows_the_filter_the_languages_and_what_rows_show(sign_in, counsellor, report_in):
    report_in("vi", minutes=30)
    report_in("km", minutes=10)
    client = sign_in(counsellor)
    everything = _poll_state(client.get("/en/helpline/queue/rows/").content.decode())
    khmer_only = _poll_state(client.get("/en/helpline/queue/rows/", {"language": "km"}).content.decode())
    assert everything["seen"] != khmer_only["seen"]
    # The version of one filter is not another's.
    assert client.get("/en/helpline/queue/rows/", {**khmer_only, "language": ""}).status_code == 200

    # Choosing languages reorders the rows: the poll brings them.
    _speaks(counsellor, "km")
    assert client.get("/en/helpline/queue/rows/", everything).status_code == 200

    # What a row shows changes (the language the child asked for): the poll brings the rows.
    state = _poll_state(client.get("/en/helpline/queue/rows/").content.decode())
    assert client.get("/en/helpline/queue/rows/", state).status_code == 204
    Report.objects.filter(language="vi").update(reply_language="en")
    rows = client.get("/en/helpline/queue/rows/", state)
    assert rows.status_code == 200 and "English" in rows.content.decode()


def test_filters_and_languages_read_the_same_number_of_times_for_few_or_many_reports(
    sign_in, supervisor, report_in
):
    client = sign_in(_speaks(supervisor, "km", "en"))
    params = {"language": "km", "channel": "web"}

    def counts() -> tuple[int, int]:
        counted = []
        for url in ("/en/helpline/", "/en/helpline/queue/rows/"):
            client.get(url, params)
            with CaptureQueriesContext(connection) as captured:
                client.get(url, params)
            counted.append(len(captured))
        return counted[0], counted[1]

    older_reports(5, oldest_minutes=600)
    older_reports(2, oldest_minutes=60, urgent=True)
    Report.objects.update(language="km")
    few = counts()
    older_reports(100, oldest_minutes=900)
    older_reports(20, oldest_minutes=80, urgent=True)
    many = counts()
    assert many == few


def test_a_counsellor_sets_their_languages_on_their_account_page(sign_in, counsellor):
    client = sign_in(counsellor)
    page = client.get("/en/account/security/").content.decode()
    assert "My languages" in page and '<span lang="km">ភាសាខ្មែរ</span>' in page

    response = client.post("/en/account/languages/", {"languages": ["km", "vi"]})

    assert response.status_code == 302
    counsellor.user.refresh_from_db()
    assert counsellor.user.languages == ["vi", "km"]
    assert AuditEvent.objects.filter(action="update", reason="languages changed").count() == 1
    again = client.get("/en/account/security/").content.decode()
    assert re.search(r'value="km"[^>]*checked', again) and not re.search(r'value="en"[^>]*checked', again)

    refused = client.post("/en/account/languages/", {"languages": ["fr"]})
    assert refused.status_code == 400
    counsellor.user.refresh_from_db()
    assert counsellor.user.languages == ["vi", "km"]

    client.post("/en/account/languages/", {})
    counsellor.user.refresh_from_db()
    assert counsellor.user.languages == []


def test_the_queue_tells_where_to_set_ones_languages(sign_in, counsellor):
    html = sign_in(counsellor).get("/en/helpline/").content.decode()
    assert 'href="/en/account/security/#my-languages"' in html
    assert queue.QueueFilter.of(language="km", channel="").query == "&language=km"
