"""The programme's publications (insights/figures/releases.py): the quarterly open-data file, with
the country and every province, suppressed as the indicators page is, refused for a quarter not over;
and the annual report page, each source beside the year before, a limited manager's province only."""

import csv
import html
import io
from datetime import datetime
from itertools import count

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditEvent
from childshield.core.periods import Period, PeriodKind
from childshield.insights.figures.dashboard import indicator_figures
from childshield.insights.figures.indicators import BY_CODE, BY_PROVINCE
from childshield.insights.figures.refresh import refresh
from childshield.insights.figures.releases import LICENCE, finished_quarters
from childshield.intake.models import Report
from childshield.places.models import Area, MembershipProvince

pytestmark = pytest.mark.django_db

_references = count(1)
Q1_2026 = "2026-Q1"
COLUMNS = [
    "period",
    "area_code",
    "area_name",
    "indicator_code",
    "indicator",
    "dimension",
    "value_code",
    "value_label",
    "value",
]


def _reports(number, when, *, province, gender="girl"):
    Report.objects.bulk_create(
        Report(
            reference=f"PUB{next(_references):05d}",
            about="me",
            country="VN",
            created_at=timezone.make_aware(when),
            harms=["threatened"],
            age_band="13_15",
            gender=gender,
            province=Area.objects.get(code=province) if province else None,
        )
        for _step in range(number)
    )


@pytest.fixture
def reports(shipped_data):
    """Thirty-six reports in the first quarter of 2026: in January six girls in Hà Nội and five in Hồ Chí
    Minh City; in March eight girls and six boys in Hà Nội, two boys in Quảng Trị (one made in Quảng
    Bình, merged into it in 2025) and seven girls in Hồ Chí Minh City, two more with no province; and
    seven girls in Hà Nội in June 2025."""
    january, march = datetime(2026, 1, 12, 12, 0), datetime(2026, 3, 10, 12, 0)
    _reports(6, january, province="VN01")
    _reports(5, january, province="VN79")
    _reports(8, march, province="VN01")
    _reports(6, march, province="VN01", gender="boy")
    _reports(1, march, province="VN45", gender="boy")
    _reports(1, march, province="VN44", gender="boy")
    _reports(7, march, province="VN79")
    _reports(2, march, province="")
    _reports(7, datetime(2025, 6, 10, 12, 0), province="VN01")
    refresh()


def _open_data(client, quarter=Q1_2026, as_format="csv"):
    return client.get(f"/en/insights/open-data/{quarter}.{as_format}")


def _csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The README lines and the data rows (by column) of an open-data CSV file."""
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    blank = lines.index([])
    return [line[0] for line in lines[:blank]], [
        dict(zip(lines[blank + 1], line, strict=True)) for line in lines[blank + 2 :]
    ]


def _value(rows, area, indicator, value_code="total"):
    (found,) = [
        row["value"]
        for row in rows
        if (row["area_code"], row["indicator_code"], row["value_code"]) == (area, indicator, value_code)
    ]
    return found


def test_the_open_data_file_has_the_country_and_every_province_one_row_per_figure(reports, manager, sign_in):
    response = _open_data(sign_in(manager))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    readme, rows = _csv(response.content)
    assert readme[0].startswith("For publication: small counts hidden.")
    assert f"Licence: {LICENCE}." in readme
    assert any("Figures computed at" in line for line in readme)
    provinces = {
        area.code
        for area in Area.objects.filter(country="VN", level=Area.Level.PROVINCE)
        if area.is_valid_on(timezone.localdate())
    }
    assert len(provinces) == 34
    assert {row["area_code"] for row in rows} == {"VN"} | provinces
    assert {row["period"] for row in rows} == {Q1_2026}
    # Counted by hand: 36 reports in the country, 20 in Hà Nội; Quảng Bình's counts in Quảng Trị.
    assert _value(rows, "VN", "R1") == "36"
    assert _value(rows, "VN01", "R1") == "20"
    assert _value(rows, "VN45", "R1") == "<5"
    assert "VN44" not in {row["area_code"] for row in rows}
    # The country's table of reports by province names each province by its code. Quảng Trị's 2 and
    # the 2 with no province add up to less than 5: Hồ Chí Minh City's 12 is hidden beside them, in
    # the country's table and on its own rows alike.
    assert _value(rows, "VN", "R7", "VN45") == "<5"
    assert _value(rows, "VN", "R7", "VN79") == "[c]"
    assert _value(rows, "VN79", "R1") == "[c]"
    # By month: January's 11, February's none (shown "<5"), March's 25.
    assert [_value(rows, "VN", "R8", month) for month in ("2026-01", "2026-02", "2026-03")] == [
        "11",
        "<5",
        "25",
    ]
    # The hotline has no place: its figures are the country's only.
    assert {row["area_code"] for row in rows if row["indicator_code"].startswith("K")} == {"VN"}


def test_the_open_data_file_is_suppressed_as_the_page_and_no_small_count_appears(reports, manager, sign_in):
    _readme, rows = _csv(_open_data(sign_in(manager)).content)
    # The country's 8 boys show; Hà Nội's 6 are hidden (the 8 less Quảng Trị's 2 would give them
    # away), and so its girls beside them.
    assert _value(rows, "VN", "R6", "boy") == "8"
    assert _value(rows, "VN45", "R6", "boy") == "<5"
    assert _value(rows, "VN01", "R6", "boy") == "[c]" and _value(rows, "VN01", "R6", "girl") == "[c]"
    numbers = {int(row["value"]) for row in rows if row["value"].isdigit()}
    assert not numbers & {1, 2, 3, 4}
    quarter = Period.parse(Q1_2026)
    for province in ("", "VN01", "VN45"):
        page = indicator_figures(acting=manager, period=quarter, province_code=province)
        area = province or "VN"
        for section in page.sections:
            if province and section.note:
                continue  # a source with no place: the country's figures, in the country's rows
            for table in section.tables:
                if province and any("whole country only" in str(note) for note in table.notes):
                    continue  # a pair's answers: in the country's rows only
                assert _value(rows, area, table.code) == table.total.shown
                for cell in table.cells:
                    code = cell.item if BY_CODE[table.code].dimension != BY_PROVINCE else None
                    if code is not None:
                        assert _value(rows, area, table.code, code) == cell.shown, (area, table.code, code)


def test_the_workbook_has_a_readme_sheet_and_the_figures_as_numbers(reports, manager, sign_in):
    book = load_workbook(io.BytesIO(_open_data(sign_in(manager), as_format="xlsx").content))
    assert book.sheetnames == ["README", "Data"]
    assert book["README"]["A1"].value.startswith("For publication")
    data = list(book["Data"].iter_rows(values_only=True))
    assert list(data[0]) == COLUMNS
    r1 = [row for row in data if row[1] == "VN" and row[3] == "R1"]
    assert r1 == [(Q1_2026, "VN", "Viet Nam", "R1", "Reports received", "total", "total", "Total", 36)]
    assert (Q1_2026, "VN45", "Quang Tri", "R1", "Reports received", "total", "total", "Total", "<5") in data


def test_each_download_is_audited_as_an_export(reports, manager, sign_in):
    client = sign_in(manager)
    _open_data(client)
    _open_data(client, as_format="xlsx")
    exports = AuditEvent.objects.filter(object_type="insights.indicators", action="export")
    assert sorted(exports.values_list("reason", flat=True)) == [
        f"open data {Q1_2026} VN as csv",
        f"open data {Q1_2026} VN as xlsx",
    ]


def test_a_quarter_not_over_is_refused_with_a_sentence(reports, manager, sign_in):
    running = Period.of(PeriodKind.QUARTER, timezone.localdate())
    client = sign_in(manager)
    response = _open_data(client, quarter=str(running))
    assert response.status_code == 400
    assert f"{running.label()} is not over yet" in response.content.decode()
    assert "is not a quarter" in _open_data(client, quarter="2026-07").content.decode()
    assert _open_data(client, as_format="pdf").status_code == 404
    assert not AuditEvent.objects.filter(object_type="insights.indicators", action="export").exists()


def test_the_open_data_page_lists_the_last_eight_finished_quarters(shipped_data, manager, sign_in):
    page = sign_in(manager).get("/en/insights/open-data/").content.decode()
    quarters = finished_quarters(timezone.localdate())
    assert len(quarters) == 8
    running = Period.of(PeriodKind.QUARTER, timezone.localdate())
    assert quarters[0] == running.previous()
    for quarter in quarters:
        assert f'href="/en/insights/open-data/{quarter}.csv"' in page
    assert f"/open-data/{running}." not in page
    indicators = sign_in(manager).get("/en/insights/indicators/").content.decode()
    assert 'href="/en/insights/open-data/"' in indicators


@pytest.fixture
def limited(reports, make_member):
    """A manager limited to Quảng Trị."""
    ngo = Agency.objects.create(country="VN", name="Provincial NGO", kind=AgencyKind.NGO)
    member = make_member(email="province@example.org", role=Role.PROGRAMME_MANAGER, agency=ngo)
    MembershipProvince.objects.create(membership=member, province=Area.objects.get(code="VN45"))
    return member


def test_a_manager_limited_to_a_province_gets_its_rows_only(limited, sign_in):
    _readme, rows = _csv(_open_data(sign_in(limited)).content)
    assert {row["area_code"] for row in rows} == {"VN45"}
    assert _value(rows, "VN45", "R1") == "<5"
    assert AuditEvent.objects.get(action="export").reason == f"open data {Q1_2026} VN45 as csv"


def test_the_annual_report_shows_each_source_beside_the_year_before(reports, manager, sign_in):
    response = sign_in(manager).get("/en/insights/annual/2025/")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "<h1>Annual report 2025</h1>" in page and "The whole country" in page
    assert "Counts under 5 are shown as" in page and "Figures computed" in page
    assert "Save as PDF" in page
    assert "data-provisional" not in page
    for source in ("reports", "contacts", "counselling", "cases_opened", "hotline_confirmed"):
        assert f'data-section="{source}"' in page
    # Reports received in 2025 (seven), beside 2024 (none): the table's columns name both years.
    r1 = page[page.index('data-indicator="R1"') :]
    r1 = r1[: r1.index("</table>")]
    assert '<th scope="col">2024</th>' in r1 and "<td>7</td>" in r1
    assert AuditEvent.objects.filter(object_type="insights.indicators", action="view").count() == 1


def test_this_years_report_is_marked_provisional_and_a_year_to_come_is_refused(reports, manager, sign_in):
    client = sign_in(manager)
    this_year = timezone.localdate().year
    assert "data-provisional" in client.get(f"/en/insights/annual/{this_year}/").content.decode()
    refused = client.get(f"/en/insights/annual/{this_year + 1}/")
    assert refused.status_code == 404
    assert f"There is no annual report for {this_year + 1}" in refused.content.decode()


def test_a_limited_managers_annual_report_is_their_provinces(limited, sign_in):
    page = sign_in(limited).get("/en/insights/annual/2026/").content.decode()
    assert '<p class="report-place" data-report-place>Quang Tri</p>' in page
    r1 = page[page.index('data-indicator="R1"') :]
    r1 = r1[: r1.index("</table>")]
    # Quảng Trị's two reports, not the country's nine.
    assert "<td>&lt;5</td>" in r1 and "<td>9</td>" not in r1
