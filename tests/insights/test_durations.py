"""How long things took, on the indicators page: a report to its first reply (R9), a case to its safety
assessment (C10, C11), a referral to its answer (C13), a hotline item to its removal (K8). Small
made-up months whose medians, 90th percentiles and shares are worked out by hand below; medians over
too few records are not shown; the period before is beside; the export carries them."""

import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from childshield.cases.models import Assessment, Case
from childshield.cases.selectors.referral_figures import percentile
from childshield.cases.services.assessments import assessment_forms_default_install, assessment_record
from childshield.cases.services.referrals import referral_accept, referral_decline
from childshield.core.periods import Period
from childshield.helpline.services.contacts import contact_log_quick
from childshield.hotline.models import ContentItem, ItemStatus
from childshield.insights.figures.durations import bucket_of, duration_tables, histogram_percentile
from childshield.insights.figures.publication import COUNTRY, publish, published_for
from childshield.insights.figures.refresh import refresh
from childshield.insights.figures.sources import Source
from childshield.insights.models import MonthlyDuration
from childshield.intake.models import Report, ReportMessage, Screening, Sender
from childshield.places.models import Area
from tests.cases.test_referral_figures import answered_after, refer
from tests.hotline.conftest import confirmed_item
from tests.insights.test_indicators import _report

pytestmark = pytest.mark.django_db

MARCH = [date(2026, 3, 1)]
FEBRUARY = [date(2026, 2, 1)]
APRIL = [date(2026, 4, 1)]


def _at(*parts: int) -> datetime:
    return timezone.make_aware(datetime(*parts))  # in the project's time zone


def _shown(source, *, months=MARCH, previous=FEBRUARY, province=None, below=1):
    """Each duration table of the source's section: {key: {row: (this period, the period before)}},
    its counts published with a threshold of `below`."""
    with override_settings(FIGURES_SUPPRESS_BELOW=below):
        publish()
    period, before = (Period(chosen[0].year, month=chosen[0].month) for chosen in (months, previous))
    place = str(province.pk) if province else COUNTRY
    tables = duration_tables(
        source,
        country="VN",
        place=place,
        province_id=province.pk if province else None,
        period=period,
        previous=before,
        published=published_for(country="VN", place=place, periods=[period, before]),
        below=below,
    )
    return {table.key: {row.item: (row.shown, row.previous_shown) for row in table.rows} for table in tables}


def _staff_message(report, counsellor, when):
    ReportMessage.objects.create(
        report=report, sender=Sender.STAFF, author=counsellor, body="We read it.", created_at=when
    )


def _call_back(report, counsellor, when):
    contact = contact_log_quick(acting=counsellor, channel="phone", kind="thank_you", started_at=when)
    type(contact).objects.filter(pk=contact.pk).update(report=report)


@pytest.fixture
def replies(shipped_data, counsellor):
    """March 2026: five reports that are not urgent in Hà Nội, two urgent ones in Quảng Bình (merged into
    Quảng Trị in 2025); February: one, answered in 4 hours."""
    day = _at(2026, 3, 10, 12, 0)
    hour = timedelta(hours=1)
    answered_in_an_hour = _report(day, province="VN01")
    _staff_message(answered_in_an_hour, counsellor, day + hour)
    called_back_first = _report(day, province="VN01")
    _staff_message(called_back_first, counsellor, day + 3 * hour)
    _call_back(called_back_first, counsellor, day + 2 * hour)  # the first reply: 2 hours
    called_back_late = _report(day, province="VN01")
    _call_back(called_back_late, counsellor, day + 30 * hour)  # past the 24 hours' target
    never = _report(day, province="VN01")
    ReportMessage.objects.create(report=never, sender=Sender.REPORTER, body="Hello?", created_at=day + hour)
    answered_in_april = _report(day, province="VN01")
    _staff_message(answered_in_april, counsellor, _at(2026, 4, 2, 12, 0))  # 23 days: still waiting in March
    for minutes in (30, 300):
        urgent = _report(day, province="VN44", is_urgent=True)
        _staff_message(urgent, counsellor, day + timedelta(minutes=minutes))
    # Not a report R1 counts: a burst set apart by screening.
    flood = _report(day, province="VN01", screening=Screening.FLOOD)
    _staff_message(flood, counsellor, day + 100 * hour)
    february = _report(_at(2026, 2, 20, 12, 0), province="VN01")
    _staff_message(february, counsellor, _at(2026, 2, 20, 16, 0))
    refresh()


def test_a_report_waits_for_its_first_reply_by_message_or_call_back_as_counted_by_hand(replies):
    shown = _shown(Source.REPORTS)
    # Answered in 30 min, 1 h, 2 h, 5 h, 30 h and 23 days (552 h); one never. The median lies between
    # 2 h and 5 h; the 90th percentile halfway from 30 h to 552 h: 291 h, 12.1 days.
    everyone = shown["report_reply-all"]
    assert everyone["median"] == ("3.5 hours", "4.0 hours")
    assert everyone["p90"] == ("12.1 days", "4.0 hours")
    assert everyone["ended"] == ("6", "1")
    # Within 24 hours: 4 of the 7 reports received (the one never answered counts as not in time).
    assert everyone["share"] == ("57%", "100%")
    # Not answered by the end of March: the one never answered and the one answered in April.
    assert everyone["waiting"] == ("2", "<1")  # none: under a threshold of 1
    urgent = shown["report_reply-urgent"]
    assert (urgent["median"][0], urgent["ended"][0], urgent["share"][0]) == ("2.8 hours", "2", "100%")
    not_urgent = shown["report_reply-not_urgent"]
    # 1, 2, 30 and 552 hours: the median halfway from 2 to 30 hours, 40% within 24 hours of 5.
    assert (not_urgent["median"][0], not_urgent["share"][0]) == ("16.0 hours", "40%")
    # Both waiting are not urgent. The urgent group's none is shown under the threshold (of 1 here)
    # but, as every published zero, not protected: it tells of no one, so nothing is hidden beside it.
    assert (urgent["waiting"][0], not_urgent["waiting"][0]) == ("<1", "2")


def test_a_report_in_a_merged_away_province_counts_in_its_successor(replies):
    quang_tri = Area.objects.get(code="VN45")
    assert MonthlyDuration.objects.filter(province=Area.objects.get(code="VN44")).count() == 0
    shown = _shown(Source.REPORTS, province=quang_tri)
    assert shown["report_reply-all"]["ended"][0] == "2"
    assert shown["report_reply-all"]["median"][0] == "2.8 hours"
    assert shown["report_reply-not_urgent"]["ended"][0] == "<1"


def _tables(period, previous, *, below=5):
    return duration_tables(
        Source.REPORTS,
        country="VN",
        place=COUNTRY,
        province_id=None,
        period=period,
        previous=previous,
        published=published_for(country="VN", place=COUNTRY, periods=[period, previous]),
        below=below,
    )


def test_a_median_over_fewer_records_than_the_threshold_is_not_shown_and_the_page_says_why(replies):
    everyone, urgent, _not_urgent = _tables(Period(2026, quarter=1), Period(2025, quarter=4))
    rows = {row.item: row for row in everyone.rows}
    # Seven answered in the first quarter (30 min, 1, 2, 4 (February's), 5, 30 and 552 hours): the
    # fourth is the median; none in the quarter before.
    assert (rows["ended"].shown, rows["ended"].previous_shown) == ("7", "<5")
    assert (rows["median"].shown, rows["median"].previous_shown) == ("4.0 hours", "not shown")
    assert rows["share"].previous_shown == "not shown"
    assert "fewer than 5 records is not shown" in everyone.notes[0]
    urgent_rows = {row.item: row for row in urgent.rows}
    # Two urgent reports answered: no median, and the count itself is small.
    assert (urgent_rows["median"].shown, urgent_rows["p90"].shown, urgent_rows["ended"].shown) == (
        "not shown",
        "not shown",
        "<5",
    )


def test_a_median_beside_a_count_hidden_to_protect_another_is_not_shown(replies):
    """March's six answered, shown beside the quarter's seven, would give February's one away: March's
    count is hidden ([c]), and a median over it would narrow it, so it is not shown either."""
    everyone, _urgent, _not_urgent = _tables(Period(2026, month=3), Period(2026, month=2))
    rows = {row.item: row for row in everyone.rows}
    assert (rows["ended"].shown, rows["ended"].previous_shown) == ("[c]", "<5")
    assert (rows["median"].shown, rows["p90"].shown) == ("not shown", "not shown")
    # R9's share is over the reports received, not over those answered: it stays.
    assert rows["share"].shown == "57%"
    assert any("hidden to protect others ([c])" in note for note in everyone.notes)


def test_the_page_shows_the_durations_beside_the_period_before_and_the_export_carries_them(
    replies,
    manager,
    sign_in,
):
    client = sign_in(manager)
    page = client.get("/en/insights/indicators/?period=2026-Q1").content.decode()
    table = page[page.index('data-duration="report_reply-all"') :]
    table = table[: table.index("</table>")]
    assert "Time from report to first reply" in table and "Q4 2025" in table
    median = table[table.index('<tr data-item="median"') :]
    assert "<td>4.0 hours</td><td>not shown</td>" in median[: median.index("</tr>")]
    ended = table[table.index('<tr data-item="ended"') :]
    assert "<td>7</td>" in ended[: ended.index("</tr>")]
    assert "is read from durations kept in buckets" in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/en/insights/indicators/download.csv?period=2026-Q1").content.decode()[1:]
            )
        )
    )
    start = next(i for i, row in enumerate(rows) if row and row[0] == "R9 Time from report to first reply")
    assert rows[start + 1][1:] == ["Q1 2026", "Q4 2025"]
    assert rows[start + 2] == ["Median", "4.0 hours", "not shown"]


def test_time_to_the_safety_assessment_and_its_share_on_time(clock, worker, open_case):
    form = next(form for form in assessment_forms_default_install() if form.kind == "safety")
    hour = timedelta(hours=1)

    def case_assessed_after(opened_at, took):
        clock.now = opened_at
        case = open_case(worker, duplicates_acknowledged=True)
        if took is not None:
            assessment = assessment_record(acting=worker, case=case, form=form, answers=_answers(form))
            Assessment.objects.filter(pk=assessment.pk).update(completed_at=opened_at + took)
        return case

    march = _at(2026, 3, 10, 10, 0)
    case_assessed_after(march, 2 * hour)
    case_assessed_after(march, 6 * hour)
    case_assessed_after(_at(2026, 3, 31, 20, 0), 30 * hour)  # late, and assessed in April
    case_assessed_after(march, None)  # due long ago, never assessed
    clock.now = _at(2026, 4, 20, 9, 0)
    refresh()
    shown = _shown(Source.CASES_OPENED)["safety_assessment-all"]
    # 2, 6 and 30 hours: the median 6 hours; the 90th percentile 80% of the way from 6 to 30.
    assert (shown["median"][0], shown["p90"][0], shown["ended"][0]) == ("6.0 hours", "25.2 hours", "3")
    # By the time due: 2 of the 4 cases due; 2 not assessed by the end of March.
    assert (shown["share"][0], shown["waiting"][0]) == ("50%", "2")
    assert _shown(Source.CASES_OPENED, months=APRIL, previous=MARCH)["safety_assessment-all"]["ended"] == (
        "<1",
        "3",
    )


def _answers(form):
    answers = {}
    for question in form.questions:
        answers[question["key"]] = question["choices"][0]["value"] if question["type"] == "choice" else "Safe"
    return answers


def test_a_case_opened_an_hour_ago_is_not_late_yet(clock, worker, open_case):
    clock.now = _at(2026, 3, 10, 10, 0)
    open_case(worker)
    clock.now += timedelta(hours=1)
    refresh()
    shown = _shown(Source.CASES_OPENED)["safety_assessment-all"]
    assert (shown["share"][0], shown["waiting"][0]) == ("not shown", "1")
    assert MonthlyDuration.objects.get(measure="safety_assessment").in_share == 0


def test_referral_response_times_as_the_referral_figures_answer_them(
    clock, open_case, commune, focal_point, worker, social_agency
):
    clock.now = _at(2026, 3, 10, 10, 0)
    hour = timedelta(hours=1)
    first = refer(open_case, commune, focal_point, social_agency)
    answered_after(clock, hour, lambda: referral_accept(acting=worker, referral=first))
    second = refer(open_case, commune, focal_point, social_agency, urgency="routine")
    answered_after(clock, 2 * hour, lambda: referral_decline(acting=worker, referral=second, reason="Full"))
    late = refer(open_case, commune, focal_point, social_agency)
    answered_after(clock, 30 * hour, lambda: referral_accept(acting=worker, referral=late))
    refer(open_case, commune, focal_point, social_agency)  # still waiting
    clock.now = _at(2026, 4, 20, 9, 0)
    refresh()
    shown = _shown(Source.REFERRALS)["referral_response-all"]
    # 1, 2 and 30 hours: median 2, 90th percentile 2 + 28 x 0.8 = 24.4 hours; the urgent one answered
    # in 30 hours was late: 2 of the 3 answered by the time due.
    assert (shown["median"][0], shown["p90"][0], shown["ended"][0]) == ("2.0 hours", "24.4 hours", "3")
    assert (shown["share"][0], shown["waiting"][0]) == ("67%", "1")


def test_time_to_removal_from_notice_and_from_report_in_the_projects_months(
    analyst,
    second_analyst,
):
    def removed(number, reported_at, noticed_at, removed_at):
        item = confirmed_item(
            f"https://bad.example/{number}", analyst=analyst, second=second_analyst, at=reported_at
        )
        ContentItem.objects.filter(pk=item.pk).update(
            status=ItemStatus.REMOVED,
            first_reported_at=reported_at,
            first_notice_at=noticed_at,
            removed_at=removed_at,
        )

    removed(1, _at(2026, 3, 1, 0, 0), _at(2026, 3, 1, 10, 0), _at(2026, 3, 2, 10, 0))  # 24 h, 34 h
    removed(2, _at(2026, 3, 5, 0, 0), _at(2026, 3, 5, 2, 0), _at(2026, 3, 5, 6, 0))  # 4 h, 6 h
    removed(3, _at(2026, 2, 20, 0, 0), None, _at(2026, 3, 3, 0, 0))  # no notice; 11 days from report
    # Removed at 3 in the morning of 1 April here, still 31 March in UTC: April's.
    removed(4, _at(2026, 3, 31, 3, 0), None, _at(2026, 4, 1, 3, 0))
    refresh()
    shown = _shown(Source.HOTLINE_REPORTED)
    from_notice, from_report = shown["removal_from_notice-all"], shown["removal_from_report-all"]
    assert (from_notice["median"][0], from_notice["p90"][0], from_notice["ended"][0]) == (
        "14.0 hours",
        "22.0 hours",
        "2",
    )
    # 6, 34 and 264 hours: median 34; 90th percentile 34 + 230 x 0.8 = 218 hours, 9.1 days.
    assert (from_report["median"][0], from_report["p90"][0], from_report["ended"][0]) == (
        "34.0 hours",
        "9.1 days",
        "3",
    )
    assert "share" not in from_report and "waiting" not in from_report
    april = _shown(Source.HOTLINE_REPORTED, months=APRIL, previous=MARCH)["removal_from_report-all"]
    assert april["median"] == ("24.0 hours", "34.0 hours")


def test_durations_are_kept_in_buckets_and_read_as_the_referral_figures_interpolate():
    assert [bucket_of(timedelta(minutes=m)) for m in (0, 4, 7, 119, 121, 24 * 60 + 59)] == [
        0,
        0,
        5,
        115,
        120,
        1440,
    ]
    assert bucket_of(timedelta(days=8, hours=23)) == 8 * 1440
    assert bucket_of(timedelta(minutes=-3)) == 0
    durations = [timedelta(minutes=m) for m in (10, 20, 40, 80, 600, 600, 20000)]
    histogram = Counter(str(bucket_of(duration)) for duration in durations)  # as a month's row keeps it
    for fraction in (0.1, 0.5, 0.9, 1.0):
        assert histogram_percentile(histogram, fraction) == percentile(
            [timedelta(minutes=bucket_of(d)) for d in durations], fraction
        )
    assert histogram_percentile({}, 0.5) is None


def test_a_refresh_of_a_month_replaces_its_durations(replies):
    Report.objects.filter(is_urgent=True).delete()
    refresh(MARCH)
    assert _shown(Source.REPORTS)["report_reply-all"]["ended"][0] == "4"
    assert Case.objects.count() == 0


def test_the_page_shows_durations_as_last_refreshed(replies, manager, sign_in, counsellor):
    client = sign_in(manager)

    def reports_answered():
        page = client.get("/en/insights/indicators/?period=2026-Q1").content.decode()
        table = page[page.index('data-duration="report_reply-all"') :]
        row = table[table.index('<tr data-item="ended"') :]
        return row[row.index("<td>") + 4 : row.index("</td>")]

    assert reports_answered() == "7"
    never = Report.objects.filter(messages__sender=Sender.REPORTER).get()
    _staff_message(never, counsellor, _at(2026, 3, 12, 9, 0))
    assert reports_answered() == "7"  # the page, as the durations, as last refreshed
    refresh(MARCH)
    assert reports_answered() == "8"


def test_durations_read_as_minutes_hours_or_days():
    from childshield.insights.figures.durations import duration_text

    assert [duration_text(timedelta(minutes=m)) for m in (0, 4, 5, 59, 60, 90, 47 * 60)] == [
        "under 5 minutes",
        "under 5 minutes",
        "5 minutes",
        "59 minutes",
        "1.0 hours",
        "1.5 hours",
        "47.0 hours",
    ]
    assert duration_text(timedelta(days=2)) == "2.0 days"
