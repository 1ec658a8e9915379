"""Finding a service: words with or without accents, kinds, areas up and down the tree, languages, hours."""

from datetime import datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from childshield.directory.selectors import resource_search
from childshield.directory.services import HoursRange

pytestmark = pytest.mark.django_db


def _names(resources) -> list[str]:
    return sorted(resource.name_en or resource.name_vi for resource in resources)


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def test_vietnamese_words_match_with_or_without_accents(keeper, add_resource):
    add_resource(name_vi="Trung tâm Tư vấn Tâm lý Hướng Dương", name_en="Sunflower counselling")
    add_resource(name_vi="Văn phòng Trợ giúp pháp lý Đông Hà", name_en="Dong Ha legal aid", kinds=["justice"])

    for text in ("tâm lý", "tam ly", "TAM LY", "Hướng  Dương", "huong duong"):
        assert _names(resource_search(acting=keeper, text=text)) == ["Sunflower counselling"], text
    # đ folds to d, so "dong ha" finds "Đông Hà"; every word must match somewhere.
    assert _names(resource_search(acting=keeper, text="dong ha")) == ["Dong Ha legal aid"]
    assert _names(resource_search(acting=keeper, text="tam ly phap")) == []


def test_khmer_names_are_found_as_typed(keeper, add_resource):
    add_resource(name_en="Phnom Penh shelter", name_vi="", name_km="មជ្ឈមណ្ឌលស្នាក់នៅ")
    assert _names(resource_search(acting=keeper, text="ស្នាក់\u200bនៅ")) == ["Phnom Penh shelter"]


def test_a_kind_finds_services_offering_it_among_others(keeper, add_resource):
    add_resource(name_en="Clinic", kinds=["health", "mhpss"])
    add_resource(name_en="Court help", kinds=["justice"])
    assert _names(resource_search(acting=keeper, kinds=["health"])) == ["Clinic"]
    assert _names(resource_search(acting=keeper, kinds=["health", "justice"])) == ["Clinic", "Court help"]


def test_a_commune_is_served_by_its_province_and_the_whole_country(keeper, add_resource, places):
    add_resource(name_en="Nationwide", areas=("VN",))
    add_resource(name_en="Quang Binh province", areas=("VN44",))
    add_resource(name_en="Kim Thuy commune", areas=("VN44-LT-KIMTHUY",))
    add_resource(name_en="Truong Son commune", areas=("VN44-QN-TRUONGSON",))
    add_resource(name_en="Kon Tum province", areas=("VN62",))

    found = resource_search(acting=keeper, area=places("VN44-LT-KIMTHUY"))
    assert _names(found) == ["Kim Thuy commune", "Nationwide", "Quang Binh province"]


def test_a_province_finds_the_services_of_its_communes(keeper, add_resource, places):
    add_resource(name_en="Kim Thuy commune", areas=("VN44-LT-KIMTHUY",))
    add_resource(name_en="Dak Koi commune", areas=("VN62-KR-DAKKOI",))
    assert _names(resource_search(acting=keeper, area=places("VN44"))) == ["Kim Thuy commune"]


def test_merged_provinces_serve_each_other(keeper, add_resource, places):
    # Quảng Bình (VN44) was merged into Quảng Trị (VN45) in 2025; its communes kept their rows.
    add_resource(name_en="Quang Tri province", areas=("VN45",))
    add_resource(name_en="Kim Thuy commune", areas=("VN44-LT-KIMTHUY",))
    add_resource(name_en="Hue city", areas=("VN46",))

    assert _names(resource_search(acting=keeper, area=places("VN44-LT-KIMTHUY"))) == [
        "Kim Thuy commune",
        "Quang Tri province",
    ]
    assert _names(resource_search(acting=keeper, area=places("VN45"))) == [
        "Kim Thuy commune",
        "Quang Tri province",
    ]


def test_a_language_finds_the_services_that_speak_it(keeper, add_resource):
    add_resource(name_en="Speaks Sedang", languages=["vi", "sed"])
    add_resource(name_en="Vietnamese only", languages=["vi"])
    assert _names(resource_search(acting=keeper, language="sed")) == ["Speaks Sedang"]


def test_open_now_follows_weekday_ranges_lunch_breaks_nights_and_24_7(keeper, add_resource):
    add_resource(name_en="Office")  # Monday to Friday 07:30-11:30 and 13:30-17:00
    add_resource(name_en="Always", always_open=True, hours=[])
    add_resource(
        name_en="Night line",
        hours=[HoursRange(weekday=4, opens=time(20, 0), closes=time(2, 0))],  # Friday night
    )
    # 2026-11-23 is a Monday.
    assert _names(resource_search(acting=keeper, open_at=_at(2026, 11, 23, 9))) == ["Always", "Office"]
    assert _names(resource_search(acting=keeper, open_at=_at(2026, 11, 23, 12))) == ["Always"]
    assert _names(resource_search(acting=keeper, open_at=_at(2026, 11, 23, 17))) == ["Always"]
    assert _names(resource_search(acting=keeper, open_at=_at(2026, 11, 27, 23))) == ["Always", "Night line"]
    assert _names(resource_search(acting=keeper, open_at=_at(2026, 11, 28, 1, 30))) == [
        "Always",
        "Night line",
    ]
    assert _names(resource_search(acting=keeper, open_at=_at(2026, 11, 28, 2))) == ["Always"]

    for resource in resource_search(acting=keeper):
        assert resource.is_open_at(_at(2026, 11, 28, 1, 30)) == (resource.name_en in {"Always", "Night line"})


def test_services_no_longer_active_are_left_out_unless_asked_for(keeper, add_resource):
    add_resource(name_en="Closed down", is_active=False)
    add_resource(name_en="Working")
    assert _names(resource_search(acting=keeper)) == ["Working"]
    assert _names(resource_search(acting=keeper, include_inactive=True)) == ["Closed down", "Working"]


def test_case_workers_and_counsellors_search_the_directory(worker, add_resource):
    add_resource(name_en="Working")
    assert _names(resource_search(acting=worker)) == ["Working"]


def test_the_search_page_costs_the_same_queries_for_three_services_or_thirty(sign_in, worker, add_resource):
    client = sign_in(worker)
    add_resource(name_en="First", languages=["vi"], areas=("VN44", "VN45"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/en/services/", {"kind": "mhpss", "area": ""})
        assert response.status_code == 200
        return len(queries)

    few = count()
    for number in range(29):
        add_resource(name_en=f"Service {number}", languages=["vi", "km"], areas=("VN44", "VN62"))
    many = count()
    assert many == few
    html = client.get("/en/services/").content.decode()
    assert html.count("data-resource=") == 30


def test_the_search_page_filters_by_words_area_and_open_now(sign_in, worker, add_resource, places):
    add_resource(name_vi="Trung tâm Tâm lý", name_en="Psychology centre", areas=("VN44",))
    add_resource(name_en="Always open", always_open=True, hours=[], areas=("VN62",))
    client = sign_in(worker)

    html = client.get("/en/services/", {"q": "tam ly"}).content.decode()
    assert "Psychology centre" in html and "Always open" not in html

    kim_thuy = places("VN44-LT-KIMTHUY")
    html = client.get("/en/services/", {"area": kim_thuy.pk}).content.decode()
    assert "Psychology centre" in html and "Always open" not in html

    html = client.get("/en/services/", {"open_now": "on"}).content.decode()
    assert "Always open" in html


def test_the_whole_country_finds_every_service_in_it_and_none_elsewhere(keeper, add_resource, places):
    add_resource(name_en="Nationwide", areas=("VN",))
    add_resource(name_en="Kim Thuy commune", areas=("VN44-LT-KIMTHUY",))
    assert _names(resource_search(acting=keeper, area=places("VN"))) == ["Kim Thuy commune", "Nationwide"]
    assert _names(resource_search(acting=keeper, area=places("KH"))) == []
