"""The count indicators added to the page (C2, C14, C17, K4, K7, K9, K11, K12, R3), each computed by
hand on a small made-up quarter (July to September 2026, "today" being 15 September 2026) and
compared with what the background count and the page's tables give."""

from datetime import date, datetime
from itertools import count

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models import Case, CaseStatusChange, Service
from childshield.cases.models.cases import CaseStatus, ClosureReason, HarmType, RiskLevel
from childshield.cases.models.closure import ClosureDecision, ClosureRequest
from childshield.cases.models.plan import ServiceStatus
from childshield.cases.services.opening import case_open
from childshield.cases.services.plan import service_update
from childshield.core.periods import Period
from childshield.hashing.models import (
    Algorithm,
    BankSource,
    HashBank,
    HashEntry,
    MatchChannel,
    MatchRecord,
    SharingPolicy,
)
from childshield.hotline.models import ContentAssessment, ContentItem
from childshield.insights.figures.indicators import BY_CODE, Place, indicator_table, place_key
from childshield.insights.figures.publication import published_for
from childshield.insights.figures.refresh import refresh
from childshield.intake.models import Channel, Report, Screening, SourceLink, SourceLinkKind
from childshield.places.models import Area
from tests.cases.conftest import child_input, consent_input
from tests.insights.test_indicators import _exact as exact_counts

pytestmark = pytest.mark.django_db

_numbers = count(1)
Q3 = Period(2026, quarter=3)
Q1 = Period(2026, quarter=1)


def _at(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


@pytest.fixture
def today(monkeypatch):
    """The project's clock stopped at 15 September 2026, noon."""
    moment = _at(2026, 9, 15)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def _exact(code, *, period=Q3, province=None):
    """The indicator's cells over the quarter (or `period`) as counts, hidden or not."""
    return exact_counts(code, period=period, province=province)


def _table(code, *, country="VN", period=Q3):
    place = Place(country=country)
    published = published_for(country=country, place=place_key(place), periods=[period])
    return indicator_table(BY_CODE[code], place=place, period=period, previous=None, published=published)


# Cases: their history is written at the dates of the story below.


def _case(worker, area_code, *, opened, sex="female"):
    area = Area.objects.get(code=area_code)
    case = case_open(
        acting=worker,
        child=child_input(area, full_name=f"Child {next(_numbers)}", sex=sex),
        risk_level=RiskLevel.MEDIUM,
        harm_types=[HarmType.SEXTORTION],
        risk_reasons="Threats",
        summary="Made up.",
        supervisor=None,
        consent=consent_input(worker.agency),
        duplicates_acknowledged=True,
    )
    Case.objects.filter(pk=case.pk).update(opened_at=opened)
    CaseStatusChange.objects.filter(case=case).update(changed_at=opened)
    return case


def _close(case, worker, at):
    CaseStatusChange.objects.create(
        case=case, from_status=CaseStatus.OPEN, to_status=CaseStatus.CLOSED, changed_by=worker, changed_at=at
    )
    ClosureRequest.objects.create(
        case=case,
        requested_by=worker,
        requested_at=at,
        reason=ClosureReason.GOALS_MET,
        decision=ClosureDecision.APPROVED,
        decided_by=worker,
        decided_at=at,
    )


def _reopen(case, worker, at):
    CaseStatusChange.objects.create(
        case=case, from_status=CaseStatus.CLOSED, to_status=CaseStatus.OPEN, changed_by=worker, changed_at=at
    )


@pytest.fixture
def case_story(shipped_data, worker, today):
    """Open at each month's end (by hand):
    June: C. July: A, B. August: A, D, G. September (so far): A, B, D, G.
    Closures decided in the first quarter, whose 180 days have passed: E (reopened after 142 days),
    F (never reopened), G (reopened after 195 days: too late to count)."""
    a = _case(worker, "VN01", opened=_at(2026, 7, 5))
    b = _case(worker, "VN44", opened=_at(2026, 7, 10))  # Quảng Bình, merged into Quảng Trị (VN45)
    _close(b, worker, _at(2026, 8, 10))
    _reopen(b, worker, _at(2026, 9, 5))
    c = _case(worker, "VN01", opened=_at(2026, 6, 1))
    _close(c, worker, _at(2026, 7, 20))
    _case(worker, "VN01", opened=_at(2026, 8, 15), sex="male")
    e = _case(worker, "VN79", opened=_at(2025, 12, 1))
    _close(e, worker, _at(2026, 1, 10))
    _reopen(e, worker, _at(2026, 6, 1))
    _close(e, worker, _at(2026, 6, 20))
    f = _case(worker, "VN79", opened=_at(2025, 11, 1))
    _close(f, worker, _at(2026, 1, 15))
    g = _case(worker, "VN79", opened=_at(2025, 10, 1), sex="male")
    _close(g, worker, _at(2026, 2, 1))
    _reopen(g, worker, _at(2026, 8, 15))
    return a


def test_cases_open_are_counted_at_the_end_of_each_month_across_closing_and_reopening(case_story):
    refresh()
    assert _exact("C2", period=Period(2026, month=6)) == {"total": 1}
    assert _exact("C2", period=Period(2026, month=7)) == {"total": 2}
    assert _exact("C2", period=Period(2026, month=8)) == {"total": 3}
    # A quarter's open cases are its last month's, not the sum of its months (2 + 3 + 4).
    assert _exact("C2") == {"total": 4}
    assert _exact("C2d") == {"female": 2, "male": 2, "total": 4}
    # The year so far: what is open now, not at the end of a December still to come.
    assert _exact("C2", period=Period(2026)) == {"total": 4}


def test_a_case_open_in_a_province_merged_away_counts_in_its_successor(case_story):
    refresh()
    vn01, vn45, vn79 = (str(Area.objects.get(code=code).pk) for code in ("VN01", "VN45", "VN79"))
    assert _exact("C2b") == {vn01: 2, vn45: 1, vn79: 1, "total": 4}
    assert _exact("C2", province=Area.objects.get(code="VN45")) == {"total": 1}


def test_a_closure_counts_as_reopened_within_the_window_once_the_window_has_passed(case_story, settings):
    refresh()
    # July's closure (C) and August's (B, reopened in September) are not yet 180 days old.
    assert _exact("C17") == {"total": 0}
    assert _exact("C17", period=Q1) == {"yes": 1, "no": 2, "total": 3}
    table = _table("C17", period=Q1)
    assert "within 180 days of its closure" in str(table.notes[0])
    settings.FIGURES_REOPEN_WINDOW_DAYS = 200
    refresh()
    # G's reopening, 195 days after its closure, now falls within the window.
    assert _exact("C17", period=Q1) == {"yes": 2, "no": 1, "total": 3}


def _service(case, kind, status, **fields):
    return Service.objects.create(
        case=case, kind=kind, status=status, provider=case.agency, created_by=case.lead_worker, **fields
    )


def test_services_are_counted_by_kind_in_the_month_they_were_completed(case_story, worker):
    a = case_story
    _service(a, "health", ServiceStatus.COMPLETED, created_at=_at(2026, 7, 6), completed_at=_at(2026, 8, 2))
    _service(a, "mhpss", ServiceStatus.REFUSED, created_at=_at(2026, 7, 6))
    _service(a, "justice", ServiceStatus.COMPLETED, created_at=_at(2026, 1, 6), completed_at=_at(2026, 1, 9))
    counselling = _service(a, "mhpss", ServiceStatus.IN_PROGRESS, created_at=_at(2026, 8, 6))
    service_update(
        acting=worker,
        service=counselling,
        version=counselling.version,
        status=ServiceStatus.COMPLETED,
        starts_on=None,
        ends_on=None,
        outcome="",
    )
    counselling.refresh_from_db()
    assert counselling.completed_at == _at(2026, 9, 15)
    refresh()
    assert _exact("C14") == {"health": 1, "mhpss": 1, "total": 2}
    assert _exact("C14", period=Period(2026, month=8)) == {"health": 1, "total": 1}
    assert _exact("C14b") == {"completed": 2, "refused": 1, "total": 3}
    assert _exact("C14c") == {"health": 1, "mhpss": 2, "total": 3}


def test_a_service_set_back_from_completed_loses_its_completed_date(case_story, worker):
    service = _service(case_story, "health", ServiceStatus.IN_PROGRESS)
    for status in (ServiceStatus.COMPLETED, ServiceStatus.IN_PROGRESS):
        service = service_update(
            acting=worker,
            service=service,
            version=service.version,
            status=status,
            starts_on=None,
            ends_on=None,
            outcome="",
        )
    service.refresh_from_db()
    assert service.completed_at is None


def test_services_completed_before_the_date_existed_get_the_start_of_their_end_date(case_story):
    from importlib import import_module

    from django.apps import apps

    backfill = import_module(
        "childshield.cases.migrations.0019_service_completed_at"
    ).completed_from_end_dates
    typed = _service(case_story, "health", ServiceStatus.COMPLETED, ends_on=date(2026, 8, 20))
    untyped = _service(case_story, "health", ServiceStatus.COMPLETED)
    backfill(apps, None)
    typed.refresh_from_db()
    untyped.refresh_from_db()
    assert typed.completed_at == timezone.make_aware(datetime(2026, 8, 20))
    assert untyped.completed_at is None  # in no period: not counted


# The hotline and the hashes: national figures.


@pytest.fixture
def hotline(db):
    return Agency.objects.create(country="VN", name="Hotline", kind=AgencyKind.HOTLINE)


def _item(hotline, *, confirmed, notice=None, removed=None):
    number = next(_numbers)
    return ContentItem.objects.create(
        agency=hotline,
        url=f"https://example.org/{number}",
        url_key=f"{number:064d}",
        host="example.org",
        display_host="example.org",
        confirmed_at=confirmed,
        first_notice_at=notice,
        removed_at=removed,
    )


def _assess(item, analyst, content_type, *, confirmed_at=None):
    ContentAssessment.objects.create(
        item=item,
        assessor=analyst,
        classification="abuse_material",
        content_type=content_type,
        confirmed_at=confirmed_at,
    )


@pytest.fixture
def hotline_quarter(hotline, make_member, today):
    """Confirmed in Q3: 3 images, 1 video, 1 without a type; noticed: 3 (2 removed, 1 not)."""
    analyst = make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    one = _item(hotline, confirmed=_at(2026, 8, 3), notice=_at(2026, 8, 4), removed=_at(2026, 9, 1))
    two = _item(hotline, confirmed=_at(2026, 8, 5), notice=_at(2026, 8, 6))
    three = _item(hotline, confirmed=_at(2026, 7, 10), notice=_at(2026, 7, 11), removed=_at(2026, 7, 20))
    four = _item(hotline, confirmed=_at(2026, 7, 12))
    five = _item(hotline, confirmed=_at(2026, 7, 13))
    for item, kind in ((one, "image"), (two, "video"), (three, "image"), (four, "")):
        _assess(item, analyst, kind, confirmed_at=item.confirmed_at)
    _assess(five, analyst, "image", confirmed_at=five.confirmed_at)
    _assess(five, analyst, "live_stream")  # not confirmed: not what the item is counted as
    return hotline


def test_confirmed_items_are_counted_by_their_confirmed_assessments_content_type(hotline_quarter):
    refresh()
    assert _exact("K4") == {"image": 3, "video": 1, "": 1, "total": 5}


def test_items_removed_and_the_removal_rate_by_the_month_of_the_first_notice(hotline_quarter):
    refresh()
    assert _exact("K7") == {"total": 2}
    assert _exact("K7", period=Period(2026, month=8)) == {"total": 0}
    # Of the items noticed in August, one was removed (in September) and one not: a rate of 1 in 2.
    assert _exact("K7b", period=Period(2026, month=8)) == {"yes": 1, "no": 1, "total": 2}
    assert _exact("K7b") == {"yes": 2, "no": 1, "total": 3}


def _block_request(when, **fields):
    Report.objects.create(
        reference=f"BLK{next(_numbers):05d}",
        about="me",
        country="VN",
        channel=Channel.BLOCK_IMAGE,
        created_at=when,
        **fields,
    )


def test_block_requests_count_apart_from_reports_and_bursts_are_set_apart(shipped_data, today):
    _block_request(_at(2026, 8, 2))
    _block_request(_at(2026, 8, 3))
    _block_request(_at(2026, 9, 3))
    _block_request(_at(2026, 8, 4), screening=Screening.FLOOD)
    refresh()
    assert _exact("K9") == {"total": 3}
    assert _exact("R1") == {"total": 0}


@pytest.fixture
def hash_quarter(hotline, today):
    """August: 3 hashes added to the children's bank, one removed since; 1 to the hotline's bank.
    Lookups: by the API 2 matching a child's hash, 1 the hotline's, 3 nothing; by staff 1 a child's;
    by another part of childshield 1 nothing; and one by no agency (no country: not counted)."""
    platform = Agency.objects.create(country="VN", name="Platform", kind=AgencyKind.PLATFORM)
    own = HashBank.objects.create(
        name="Children",
        owner=hotline,
        source=BankSource.SELF_SUBMITTED,
        sharing=SharingPolicy.TRUSTED_PLATFORMS,
    )
    confirmed = HashBank.objects.create(
        name="Confirmed",
        owner=hotline,
        source=BankSource.HOTLINE_CONFIRMED,
        sharing=SharingPolicy.ALL_PLATFORMS,
    )
    for number, algorithm in enumerate((Algorithm.PDQ, Algorithm.PDQ, Algorithm.MD5)):
        HashEntry.objects.create(
            bank=own, algorithm=algorithm, value=f"{number:064x}", added_at=_at(2026, 8, 2)
        )
    HashEntry.objects.filter(algorithm=Algorithm.MD5).update(removed_at=_at(2026, 8, 20))
    entry = HashEntry.objects.create(
        bank=confirmed, algorithm=Algorithm.PDQ, value="f" * 64, added_at=_at(2026, 8, 2)
    )
    own_entry = HashEntry.objects.filter(bank=own).first()

    def lookup(channel, banks, agency=platform):
        result = [
            {"entry": own_entry.pk if bank == own else entry.pk, "bank": bank.pk, "distance": 0}
            for bank in banks
        ]
        MatchRecord.objects.create(
            at=_at(2026, 8, 10),
            channel=channel,
            agency=agency,
            algorithm="pdq",
            value="0" * 64,
            matched=bool(banks),
            result=result,
        )

    lookup(MatchChannel.API, [own])
    lookup(MatchChannel.API, [own, confirmed])  # both banks: one lookup, counted once
    lookup(MatchChannel.API, [confirmed])
    for _step in range(3):
        lookup(MatchChannel.API, [])
    lookup(MatchChannel.STAFF, [own], agency=hotline)
    lookup(MatchChannel.SERVICE, [], agency=hotline)
    lookup(MatchChannel.API, [own], agency=None)


def test_childrens_own_hashes_still_in_the_bank_are_counted_by_the_month_added(hash_quarter):
    refresh()
    assert _exact("K11") == {"pdq": 2, "total": 2}


def test_lookups_that_matched_a_childs_own_hash_are_counted_per_channel_over_all_lookups(hash_quarter):
    refresh()
    assert _exact("K12") == {"api": 2, "staff": 1, "total": 8}
    assert _exact("K12b") == {"api": 6, "staff": 1, "service": 1, "total": 8}


# R3: the registry of source links.


@pytest.fixture
def linked_reports(shipped_data, today):
    """August: 3 reports from a national campaign's link (published), 2 from a school's (published
    asked, but the school is in a commune: counted with its kind only), 1 from a poster campaign not
    published, 2 from a value nobody registered, 1 from no link; and a Cambodian report whose `from`
    is a Vietnamese link's code (registered in Viet Nam only)."""
    province = Area.objects.get(code="VN01")
    commune = Area.objects.create(
        code="VN01-TEST", country="VN", level=Area.Level.COMMUNE, parent=province, name_en="Test"
    )
    SourceLink.objects.create(
        country="VN", code="safe-online", kind=SourceLinkKind.CAMPAIGN, label="Safe online", published=True
    )
    SourceLink.objects.create(
        country="VN",
        code="kim-thuy-school",
        kind=SourceLinkKind.SCHOOL,
        area=commune,
        label="Kim Thuy school",
        published=True,
    )
    SourceLink.objects.create(
        country="VN", code="tet-poster", kind=SourceLinkKind.CAMPAIGN, label="Tet poster"
    )
    for source, times in (
        ("safe-online", 3),
        ("kim-thuy-school", 2),
        ("tet-poster", 1),
        ("who-knows", 2),
        ("", 1),
    ):
        for _step in range(times):
            Report.objects.create(
                reference=f"LNK{next(_numbers):05d}",
                about="me",
                country="VN",
                source=source,
                created_at=_at(2026, 8, 5),
            )
    Report.objects.create(
        reference="LNKKH001", about="me", country="KH", source="safe-online", created_at=_at(2026, 8, 5)
    )


def test_reports_are_counted_per_kind_of_link_and_unregistered_values_apart(linked_reports):
    refresh()
    assert _exact("R3") == {"campaign": 4, "school": 2, "unregistered": 2, "": 1, "total": 9}
    table = _table("R3", country="KH")
    assert {cell.item: cell.count for cell in table.cells if cell.count} == {"unregistered": 1}


def test_only_links_that_may_be_published_are_counted_one_by_one(linked_reports):
    refresh()
    assert _exact("R3b") == {"safe-online": 3, "not_shown": 3, "unregistered": 2, "": 1, "total": 9}
    table = _table("R3b")
    labels = [cell.label for cell in table.cells]
    assert "Safe online" in labels and "Kim Thuy school" not in labels and "Tet poster" not in labels


def test_a_link_of_a_place_smaller_than_a_province_cannot_be_marked_for_publication(linked_reports):
    school = SourceLink.objects.get(code="kim-thuy-school")
    with pytest.raises(ValidationError):
        school.full_clean()
    school.area = Area.objects.get(code="VN01")
    school.full_clean()


@pytest.fixture
def manager(make_member):
    ngo = Agency.objects.create(country="VN", name="Programme NGO", kind=AgencyKind.NGO)
    return make_member(email="manager@example.org", role=Role.PROGRAMME_MANAGER, agency=ngo)


def test_the_new_indicators_are_on_the_page_and_in_the_download_suppressed(
    case_story, hotline_quarter, hash_quarter, linked_reports, manager, sign_in
):
    refresh()
    client = sign_in(manager)
    page = client.get("/en/insights/indicators/?period=2026-Q3").content.decode()
    for code in ("C2", "C14", "C17", "K4", "K7", "K7b", "K9", "K11", "K12", "R3", "R3b"):
        assert f'data-indicator="{code}"' in page
    c2 = page[page.index('data-indicator="C2"') :]
    assert "<td>&lt;5</td>" in c2[: c2.index("</table>")]  # 4 open cases: a small count
    sheet = client.get("/en/insights/indicators/download.csv?period=2026-Q3").content.decode("utf-8")
    assert "Cases open at the end of the period" in sheet and "Reports by kind of link" in sheet
    assert "Kim Thuy school" not in sheet
