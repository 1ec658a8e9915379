"""Referrals per pair of agencies on the indicators page (C12d, C12e, C13c), published per pair of kinds
of agency: counted in the background, published with the rest of the year (a pair's answers within
the pair, and over the pairs the statuses), shown one row per pair with its acceptance rate and its
share answered by the time due, only where every count they are made of shows.

The made-up March 2026, every figure worked out by hand below. The school sends the social work office
17 referrals of children of Quang Binh (7 accepted, 6 of them by the time due; 5 accepted and since
completed, in time; 5 declined, late) and 6 of children of Ha Noi (all accepted in time). Three other
pairs send 3, 4 and 3 in Quang Binh (2, 2 and 1 accepted in time, the others waiting): too few to
show, and together enough that the school's figures need not be hidden beside them. (With one
accepted each, the country's 16 accepted less the school's 13 would say each of the three had one;
with 2 accepted and 2 waiting each, the statuses' 6 and 6 would say each pair sent 4, the most a "<5"
may be: the protection then hides the school's figures too.)
"""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from childshield.cases.models.referrals import Referral, ReferralStatus
from childshield.core.periods import Period
from childshield.insights.figures.dashboard import indicator_export, indicator_figures
from childshield.insights.figures.refresh import refresh
from childshield.insights.figures.releases import open_data
from childshield.places.models import Area
from tests.cases.conftest import child_input

pytestmark = pytest.mark.django_db

MARCH = Period(2026, month=3)
FIRST_QUARTER = Period(2026, quarter=1)  # pairs are published for quarters and years, not months
SENT = timezone.make_aware(datetime(2026, 3, 10, 9, 0))
HOUR = timedelta(hours=1)
SCHOOL_TO_OFFICE = "School → Social services"  # the kinds of the school and the social work office


@pytest.fixture
def ha_noi_commune(commune):
    province = Area.objects.create(
        code="VN01", country="VN", level=Area.Level.PROVINCE, parent=commune.parent.parent, name_en="Ha Noi"
    )
    return Area.objects.create(
        code="VN01-BD-KIMMA", country="VN", level=Area.Level.COMMUNE, parent=province, name_en="Kim Ma"
    )


@pytest.fixture
def march_of_referrals(
    clock, open_case, commune, ha_noi_commune, focal_point, worker, outsider, social_agency, outsider_agency
):
    clock.now = SENT
    school_case = open_case(focal_point, child=child_input(commune, full_name="Demo Child A"))
    ha_noi_case = open_case(focal_point, child=child_input(ha_noi_commune, full_name="Demo Child B"))
    office_case = open_case(worker, child=child_input(commune, full_name="Demo Child C"))
    police_case = open_case(outsider, child=child_input(commune, full_name="Demo Child D"))

    def referrals(case, sender, to_agency, answer, *, hours=None, number=1):
        # Sent on 10 March, due a day later; answered `hours` after sending (None: not yet).
        for _step in range(number):
            Referral.objects.create(
                case=case,
                from_agency=sender.agency,
                to_agency=to_agency,
                sent_by=sender,
                consent=case.consents.get(),
                status=answer,
                sent_at=SENT,
                respond_by=SENT + 24 * HOUR,
                responded_at=None if hours is None else SENT + hours * HOUR,
            )

    school, office = focal_point, worker
    referrals(school_case, school, social_agency, ReferralStatus.ACCEPTED, hours=2, number=6)
    referrals(school_case, school, social_agency, ReferralStatus.COMPLETED, hours=3, number=5)
    referrals(school_case, school, social_agency, ReferralStatus.ACCEPTED, hours=30)  # late
    referrals(school_case, school, social_agency, ReferralStatus.DECLINED, hours=48, number=5)  # late
    referrals(ha_noi_case, school, social_agency, ReferralStatus.ACCEPTED, hours=1, number=6)
    for case, sender, to_agency, accepted, waiting in (
        (office_case, office, outsider_agency, 2, 1),
        (police_case, outsider, social_agency, 2, 2),
        (office_case, office, focal_point.agency, 1, 2),
    ):
        referrals(case, sender, to_agency, ReferralStatus.ACCEPTED, hours=1, number=accepted)
        referrals(case, sender, to_agency, ReferralStatus.SENT, number=waiting)
    clock.now = timezone.make_aware(datetime(2026, 4, 2, 9, 0))
    refresh()


def _rows(figures):
    [section] = [section for section in figures.sections if section.pairs is not None]
    return {row.name: row for row in section.pairs.rows}


def _shown(row):
    return (
        row.sent,
        row.accepted,
        row.completed,
        row.declined,
        row.waiting,
        row.cancelled,
        row.acceptance_rate,
        row.in_time_share,
    )


def test_a_pair_with_many_referrals_shows_its_counts_and_rates(march_of_referrals, manager):
    rows = _rows(indicator_figures(acting=manager, period=FIRST_QUARTER))
    # 23 sent: 13 accepted, 5 completed (accepted too), 5 declined, none waiting or cancelled (shown as
    # small, as every none is). Rate (13 + 5) / 23 = 78%; answered by the time due 17 of 23 = 74%.
    assert _shown(rows[SCHOOL_TO_OFFICE]) == ("23", "13", "5", "5", "<5", "<5", "78%", "74%")


def test_a_pair_with_two_referrals_shows_them_as_small_and_no_rate(march_of_referrals, manager):
    rows = _rows(indicator_figures(acting=manager, period=FIRST_QUARTER))
    small = rows["Social services → Police"]
    assert _shown(small) == ("<5", "<5", "<5", "<5", "<5", "<5", "not shown", "not shown")
    # Only pairs that sent a referral are rows: four of them.
    assert sorted(rows) == [
        "Police → Social services",
        SCHOOL_TO_OFFICE,
        "Social services → Police",
        "Social services → School",
    ]


def test_the_countrys_pairs_are_the_sum_of_its_provinces_whose_answers_are_the_countrys_only(
    march_of_referrals, manager, sign_in
):
    country = _rows(indicator_figures(acting=manager, period=FIRST_QUARTER))
    quang_binh = _rows(indicator_figures(acting=manager, period=FIRST_QUARTER, province_code="VN44"))
    ha_noi = _rows(indicator_figures(acting=manager, period=FIRST_QUARTER, province_code="VN01"))
    # Quang Binh: the school sent 17; Ha Noi: 6. How they were answered is counted for the whole
    # country only (in a province a pair's answers are a handful): not shown on a province's page.
    not_shown = ("not shown",) * 7
    assert _shown(quang_binh[SCHOOL_TO_OFFICE]) == ("17", *not_shown)
    assert _shown(ha_noi[SCHOOL_TO_OFFICE]) == ("6", *not_shown)
    assert list(ha_noi) == [SCHOOL_TO_OFFICE]
    assert set(quang_binh) == set(country)
    assert int(country[SCHOOL_TO_OFFICE].sent) == int(quang_binh[SCHOOL_TO_OFFICE].sent) + int(
        ha_noi[SCHOOL_TO_OFFICE].sent
    )
    figures = indicator_figures(acting=manager, period=FIRST_QUARTER, province_code="VN44", exported_as="csv")
    [section] = [section for section in figures.sections if section.pairs is not None]
    assert any("whole country only" in note for note in section.pairs.notes)
    # The province's download holds how many each pair sent, with no column of answers.
    text = indicator_export(figures, as_format="csv").decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert [SCHOOL_TO_OFFICE, "17"] in rows
    assert ["Pair of agencies", "Sent"] in rows
    page = sign_in(manager).get("/en/insights/indicators/?period=2026-Q1&province=VN44").content.decode()
    table = page.split('data-indicator="C12d"', 1)[1].split("</table>", 1)[0]
    assert "School → Social services</th><td>17</td></tr>" in table
    assert "Acceptance rate" not in table


def test_the_page_the_downloads_and_the_open_data_file_hold_the_pairs(march_of_referrals, manager, sign_in):
    page = sign_in(manager).get("/en/insights/indicators/?period=2026-Q1").content.decode()
    assert 'data-indicator="C12d"' in page and "Referrals by pair of agencies" in page
    assert "School → Social services" in page
    figures = indicator_figures(acting=manager, period=FIRST_QUARTER, exported_as="csv")
    text = indicator_export(figures, as_format="csv").decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert [SCHOOL_TO_OFFICE, "23", "13", "5", "5", "<5", "<5", "78%", "74%"] in rows
    assert [f"{SCHOOL_TO_OFFICE}: accepted", "13"] in [row[:2] for row in rows]
    workbook = indicator_export(figures, as_format="xlsx")
    assert workbook.startswith(b"PK")
    data = open_data(acting=manager, quarter=FIRST_QUARTER, as_format="csv")
    pairs = {
        (row.area_code, row.indicator, row.label): row.shown
        for row in data.rows
        if row.indicator in ("C12d", "C12e", "C13c")
    }
    assert pairs[("VN", "C12d", SCHOOL_TO_OFFICE)] == "23"
    assert pairs[("VN44", "C12d", SCHOOL_TO_OFFICE)] == "17"
    assert pairs[("VN", "C12e", f"{SCHOOL_TO_OFFICE}: declined")] == "5"
    assert pairs[("VN", "C13c", f"{SCHOOL_TO_OFFICE}: answered by the time due")] == "17"
    assert not [key for key in pairs if key[1] != "C12d" and key[0] != "VN"]


def test_no_pairs_hidden_count_is_a_status_less_the_other_pairs(march_of_referrals, clock, manager):
    """Summed over the pairs, each answer is the referrals of that status (C12b): one declined referral
    of a small pair beside the school's five would otherwise be the status's six less the school's
    five. Every place, every status: the pairs' cells of a status shown as numbers never leave one
    hidden cell alone beside the status's shown count, nor does a pair's sent less its shown answers."""
    from childshield.cases.models import Case
    from childshield.insights.models import PublishedCell

    office_case = Case.objects.filter(lead_worker__isnull=False).order_by("pk").last()
    first = Referral.objects.filter(case=office_case).first()
    Referral.objects.create(
        case=first.case,
        from_agency=first.from_agency,
        to_agency=first.to_agency,
        sent_by=first.sent_by,
        consent=first.consent,
        status=ReferralStatus.DECLINED,
        sent_at=SENT,
        respond_by=SENT + 24 * HOUR,
        responded_at=SENT + 2 * HOUR,
    )
    refresh()
    cells = {
        (cell.place, cell.dimension, cell.value): cell.shown
        for cell in PublishedCell.objects.filter(source="referrals", period="2026-Q1")
    }
    places = {place for place, _dimension, _value in cells}
    equations = []
    for place in places:
        for (where, dimension, value), _shown in cells.items():
            if where != place:
                continue
            if dimension == "status":
                parts = [
                    key for key in cells if key[:2] == (place, "pair_answer") and key[2].endswith(f":{value}")
                ]
                equations.append(((place, dimension, value), parts))
            if dimension == "pair":
                parts = [
                    key
                    for key in cells
                    if key[:2] == (place, "pair_answer") and key[2].startswith(f"{value}:")
                ]
                equations.append(((place, dimension, value), parts))
    # The answers per pair are the country's only (`Dimension.smallest_area`): so are these equations.
    equations = [(total, parts) for total, parts in equations if parts]
    assert {total[0] for total, _parts in equations} == {"country"}
    assert any(len(parts) > 1 for _total, parts in equations)
    for total, parts in equations:
        unknown = [key for key in (total, *parts) if not cells[key].isdigit()]
        assert len(unknown) != 1, (total, parts, [cells[key] for key in (total, *parts)])


def test_a_months_page_says_pairs_are_counted_by_quarter_and_publishes_none(
    march_of_referrals, manager, sign_in
):
    """A pair sends a few referrals a month: its months are not published (protecting them would hide
    its quarter and year too). March's page says so and shows no pair; its statuses (C12b) still show."""
    from childshield.insights.models import PublishedCell

    march = PublishedCell.objects.filter(source="referrals", period="2026-03")
    assert not march.filter(dimension__in=("pair", "pair_answer", "pair_in_time")).exists()
    assert march.filter(dimension="status", value="accepted", place="country").get().shown == "18"
    figures = indicator_figures(acting=manager, period=MARCH)
    [section] = [section for section in figures.sections if section.pairs is not None]
    assert section.pairs.rows == []
    page = sign_in(manager).get("/en/insights/indicators/?period=2026-03").content.decode()
    assert "counted for quarters and years" in page
    assert "No referrals in this period." not in page
    # The year and the quarter hold the school's referrals.
    assert _shown(_rows(indicator_figures(acting=manager, period=Period(2026)))[SCHOOL_TO_OFFICE])[0] == "23"
