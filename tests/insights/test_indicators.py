"""The programme's indicators, computed by hand on a small made-up month and compared: reports and
helpline contacts counted by the background refresh, added up over a period and a place, suppressed,
and shown on the programme manager's page."""

import html
from datetime import date, datetime
from itertools import count

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditEvent
from childshield.core.periods import Period
from childshield.insights.figures.indicators import BY_CODE, Place, indicator_table, place_key
from childshield.insights.figures.publication import published_for
from childshield.insights.figures.refresh import refresh
from childshield.insights.models import MonthlyCount
from childshield.intake.models import Channel, Report, Screening
from childshield.places.models import Area

pytestmark = pytest.mark.django_db

_references = count(1)
MARCH_DAY = timezone.make_aware(datetime(2026, 3, 10, 12, 0))
FEBRUARY_DAY = timezone.make_aware(datetime(2026, 2, 20, 12, 0))
MARCH = Period(2026, month=3)
FEBRUARY = Period(2026, month=2)


def _report(when=MARCH_DAY, *, province="", **fields):
    return Report.objects.create(
        reference=f"TEST{next(_references):04d}",
        about="me",
        country="VN",
        created_at=when,
        province=Area.objects.get(code=province) if province else None,
        **fields,
    )


@pytest.fixture
def month_of_reports(shipped_data):
    """Eleven reports counted in March 2026 (and what must not count), made up."""
    for _step in range(4):
        _report(harms=["threatened"], age_band="13_15", gender="girl", province="VN01")
    for _step in range(3):
        _report(harms=["threatened", "asked_for_pictures"], age_band="13_15", gender="boy", province="VN79")
    _report(harms=["bullying"], age_band="10_12", gender="girl", province="VN44")  # merged into VN45 in 2025
    _report(harms=["bullying"], age_band="under_10", gender="girl", province="VN45")
    _report(channel=Channel.WEB, harms=[], age_band="", gender="", province="")
    _report(harms=["grooming"], age_band="16_17", gender="girl", province="VN01")
    # Not counted as reports: a burst set apart by screening, and a request to block an image.
    _report(harms=["threatened"], screening=Screening.FLOOD)
    _report(channel=Channel.BLOCK_IMAGE)
    # The month before, for comparison.
    _report(FEBRUARY_DAY, harms=["threatened"], age_band="13_15", gender="girl", province="VN01")
    _report(FEBRUARY_DAY, harms=["bullying"], age_band="13_15", gender="girl", province="VN01")
    refresh()


def _exact(code, *, period=MARCH, province=None):
    """The indicator's cells as counts, by item, with the total (what is shown aside)."""
    place = Place(country="VN", province=province)
    table = indicator_table(
        BY_CODE[code],
        place=place,
        period=period,
        previous=None,
        published=published_for(country="VN", place=place_key(place), periods=[period]),
    )
    counted = {cell.item: cell.count for cell in table.cells if cell.count}
    counted["total"] = table.total.count
    return counted


def test_reports_are_counted_by_each_dimension_as_counted_by_hand(month_of_reports):
    assert _exact("R1") == {"total": 11}
    assert _exact("R2") == {"web": 11, "total": 11}
    # A report names several harms: three name two, so the rows add up to 14 over 11 reports.
    assert _exact("R4") == {
        "threatened": 7,
        "asked_for_pictures": 3,
        "bullying": 2,
        "grooming": 1,
        "total": 11,
    }
    assert _exact("R5") == {"13_15": 7, "10_12": 1, "under_10": 1, "16_17": 1, "": 1, "total": 11}
    assert _exact("R6") == {"girl": 7, "boy": 3, "": 1, "total": 11}
    provinces = {code: Area.objects.get(code=code).pk for code in ("VN01", "VN79", "VN45")}
    # Quảng Bình's report counts in Quảng Trị, the province it was merged into.
    assert _exact("R7") == {
        str(provinces["VN01"]): 5,
        str(provinces["VN79"]): 3,
        str(provinces["VN45"]): 2,
        "": 1,
        "total": 11,
    }
    assert _exact("R8", period=Period(2026, quarter=1)) == {"2026-02": 2, "2026-03": 11, "total": 13}


def test_a_province_counts_its_own_records_and_those_of_provinces_merged_into_it(month_of_reports):
    quang_tri = Area.objects.get(code="VN45")
    assert _exact("R1", province=quang_tri) == {"total": 2}
    assert _exact("R4", province=quang_tri) == {"bullying": 2, "total": 2}


def test_helpline_contacts_are_counted_by_each_dimension_as_counted_by_hand(march, shipped_data):
    refresh()
    # March 2026: the helpline's 5 counselling and 6 one-click contacts, and the other helpline's one.
    assert _exact("H1") == {"total": 12}
    assert _exact("H2") == {"counselling": 6, "silent": 3, "hang_up": 2, "thank_you": 1, "total": 12}
    assert _exact("H3") == {"phone": 8, "chat": 3, "sms": 1, "total": 12}
    assert _exact("H4") == {"total": 6}
    # Main categories, each once a contact: online (3 contacts: sextortion twice, grooming with sextortion).
    h5 = _exact("H5")
    assert (h5["online"], h5["mental_health"], h5["bullying"], h5["violence"], h5["total"]) == (3, 1, 2, 1, 6)
    assert _exact("H6") == {"13_15": 3, "16_17": 1, "unknown": 1, "10_12": 1, "total": 6}
    assert _exact("H7") == {"girl": 2, "boy": 2, "another": 1, "unknown": 1, "total": 6}
    assert _exact("H11") == {"yes": 3, "total": 6}
    # April's one contact is April's.
    assert _exact("H4", period=Period(2026, month=4)) == {"total": 1}


def test_small_counts_are_hidden_and_the_period_before_is_shown_beside(month_of_reports):
    table = indicator_table(
        BY_CODE["R6"],
        place=Place(country="VN"),
        period=MARCH,
        previous=FEBRUARY,
        published=published_for(country="VN", place="country", periods=[MARCH, FEBRUARY]),
    )
    shown = {cell.item: cell.shown for cell in table.cells}
    # Boys 3 and "not said" 1 are small. Girls 7 beside the total 11 would say they add up to 4, under
    # the threshold: girls are hidden too.
    assert shown["boy"] == "<5" and shown[""] == "<5"
    assert shown["girl"] == "[c]"
    # February's 2 reports would be the first quarter's 13 (on its own page) minus March's 11: March's
    # total is hidden too.
    assert table.total.shown == "[c]"
    assert {cell.item: cell.shown for cell in table.previous}["girl"] == "<5"
    assert table.previous_total is not None and table.previous_total.shown == "<5"
    assert table.computed_at is not None


def test_a_refresh_replaces_a_month_and_counts_a_record_removed_since_no_more(month_of_reports):
    assert _exact("R1") == {"total": 11}
    Report.objects.filter(harms=["grooming"]).delete()
    refresh([date(2026, 3, 1)])
    assert _exact("R1") == {"total": 10}
    assert _exact("R1", period=FEBRUARY) == {"total": 2}


@pytest.fixture
def manager(make_member):
    ngo = Agency.objects.create(country="VN", name="Programme NGO", kind=AgencyKind.NGO)
    return make_member(email="manager@example.org", role=Role.PROGRAMME_MANAGER, agency=ngo)


def test_the_programme_manager_reads_the_indicators_and_the_reading_is_audited_only(
    month_of_reports, manager, sign_in
):
    client = sign_in(manager)
    rows_before = list(MonthlyCount.objects.values_list("pk", "count"))
    page = client.get("/en/insights/indicators/?period=2026-03")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Reports by what happened" in text and "Counselling contacts by ethnic group" in text
    # Boys 3 is a small count: shown as "<5" in the table, never as 3, and the chart draws no bar for it.
    r6 = text[text.index('data-indicator="R6"') :]
    r6 = r6[: r6.index("</table>")]
    boys = r6[r6.index('<tr data-item="boy"') :]
    assert "<td>&lt;5</td>" in boys[: boys.index("</tr>")]
    assert "<svg" in r6 and ">3<" not in r6
    assert list(MonthlyCount.objects.values_list("pk", "count")) == rows_before
    assert AuditEvent.objects.filter(object_type="insights.indicators", actor_id=manager.user.pk).count() == 1


def test_a_province_merged_away_shows_its_successor_and_says_so(month_of_reports, manager, sign_in):
    page = sign_in(manager).get("/en/insights/indicators/?period=2026-03&province=VN44").content.decode()
    assert "Quang Binh is now part of Quang Tri: the figures are Quang Tri's." in html.unescape(page)
    assert "data-place-note" in page


def test_a_period_that_cannot_be_read_shows_this_year_not_an_error(shipped_data, manager, sign_in):
    page = sign_in(manager).get("/en/insights/indicators/?period=2026-13&province=nowhere")
    assert page.status_code == 200
    assert f"Indicators · {timezone.localdate().year}" in page.content.decode()
    assert "not one of your country" in page.content.decode()


def test_cases_opened_are_counted_by_harm_sex_age_ethnicity_and_province(worker, open_case, commune):
    from tests.cases.conftest import child_input

    open_case(worker)  # a girl born 2012, Kinh (VN-01), sextortion, in Kim Thủy (Quảng Bình)
    open_case(worker, child=child_input(commune, full_name="Trần Văn Minh", sex="male", ethnicity="VN-23"))
    open_case(worker, child=child_input(commune, full_name="Lê Thị Hà", date_of_birth=date(2018, 5, 1)))
    refresh()
    today = timezone.localdate()
    this_month = Period(today.year, month=today.month)
    age_at_opening = timezone.localdate().year - 2012
    band = "13_15" if age_at_opening <= 15 else "16_17"
    assert _exact("C1", period=this_month) == {"total": 3}
    assert _exact("C4", period=this_month) == {"sextortion": 3, "total": 3}
    assert _exact("C5", period=this_month) == {"female": 2, "male": 1, "total": 3}
    assert _exact("C6", period=this_month) == {band: 2, "under_10": 1, "total": 3}
    assert _exact("C7", period=this_month) == {"VN-01": 2, "VN-23": 1, "total": 3}
    # The child's commune rolls up to its province.
    assert _exact("C9", period=this_month) == {str(commune.parent.pk): 3, "total": 3}


def test_the_figures_download_as_suppressed_as_the_page_and_the_export_is_audited(
    month_of_reports, manager, sign_in
):
    import csv
    import io

    from openpyxl import load_workbook

    client = sign_in(manager)
    sheet = client.get("/en/insights/indicators/download.csv?period=2026-03")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("text/csv")
    text = sheet.content.decode("utf-8")
    assert text.startswith("\ufeffFor publication: small counts hidden.")
    rows = list(csv.reader(io.StringIO(text[1:])))
    gender = next(i for i, row in enumerate(rows) if row and "Reports by gender" in row[0])
    boys = next(row for row in rows[gender:] if row and row[0] == "Boy")
    assert boys[1] == "<5"
    workbook = load_workbook(
        io.BytesIO(client.get("/en/insights/indicators/download.xlsx?period=2026-03").content)
    )
    assert len(workbook.sheetnames) > 20
    assert client.get("/en/insights/indicators/download.pdf?period=2026-03").status_code == 404
    exports = AuditEvent.objects.filter(object_type="insights.indicators", action="export")
    assert exports.count() == 2


def test_a_manager_limited_to_a_province_sees_its_figures_whatever_the_address_asks(
    month_of_reports, make_member, sign_in
):
    from childshield.places.models import MembershipProvince

    ngo = Agency.objects.create(country="VN", name="Provincial NGO", kind=AgencyKind.NGO)
    limited = make_member(email="province@example.org", role=Role.PROGRAMME_MANAGER, agency=ngo)
    MembershipProvince.objects.create(membership=limited, province=Area.objects.get(code="VN45"))
    page = sign_in(limited).get("/en/insights/indicators/?period=2026-03&province=VN01").content.decode()
    assert "Your figures are Quang Tri's." in html.unescape(page)
    r1 = page[page.index('data-indicator="R1"') :]
    r1 = r1[: r1.index("</table>")]
    # Quảng Trị's 2 reports (one made in Quảng Bình before the merger), not Hà Nội's 5 or the country's 11.
    assert "<td>&lt;5</td>" in r1 and "<td>11</td>" not in r1
    options = page[page.index('<select id="province"') :]
    assert "VN01" not in options[: options.index("</select>")]


def test_the_page_shows_what_is_published_for_every_page_side_by_side(month_of_reports, march, manager):
    """Each cell of the page is the publication's (protected with every other page and period:
    tests/insights/test_publication.py attacks it): the same count, shown the same way."""
    from childshield.insights.figures.dashboard import indicator_figures
    from childshield.insights.models import PublishedCell

    figures = indicator_figures(acting=manager, period=MARCH)
    published = {
        (row.source, row.dimension, row.value): row.shown
        for row in PublishedCell.objects.filter(period="2026-03", place="country")
    }
    compared = 0
    for section in figures.sections:
        for table in section.tables:
            dimension = BY_CODE[table.code].dimension
            if dimension in ("", "province", "month"):
                continue
            for cell in table.cells:
                assert cell.shown == published.get((section.source, dimension, cell.item), "<5")
                compared += 1
            assert table.total.shown == published.get((section.source, "", ""), "<5")
    hidden = [row for row in published.values() if row == "[c]"]
    assert compared > 100 and hidden  # a small month: there is something hidden beside small counts


def test_a_page_is_made_again_once_the_counts_are_refreshed(month_of_reports, manager, sign_in):
    # Thin months hide totals beside them (February's 2 beside March's 11 and the quarter's 13): a
    # fuller month shows its total.
    for _step in range(20):
        _report(harms=["threatened"], age_band="13_15", gender="girl", province="VN01")
        _report(FEBRUARY_DAY, harms=["threatened"], age_band="13_15", gender="girl", province="VN01")
    refresh()
    client = sign_in(manager)

    def reports_received():
        page = client.get("/en/insights/indicators/?period=2026-03").content.decode()
        r1 = page[page.index('data-indicator="R1"') :]
        row = r1[r1.index('class="figure-total"') :]
        return row[row.index("<td>") + 4 : row.index("</td>")]

    assert reports_received() == "31"
    Report.objects.filter(harms=["grooming"]).delete()
    assert reports_received() == "31"  # the counts, and so the page, are as last refreshed
    refresh([date(2026, 3, 1)])
    assert reports_received() == "30"
