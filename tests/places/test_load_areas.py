"""Loading areas from CSV: shipped files, line-numbered errors, all-or-nothing, forward references."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from childshield.places.models import Area
from childshield.places.reference_files import DATA_DIR, ReferenceDataError
from childshield.places.services.areas import areas_load_csv
from childshield.places.services.reference_data import reference_data_load

pytestmark = pytest.mark.django_db

COUNTRY_VN = "VN,VN,country,,Việt Nam,វៀតណាម,Viet Nam,,,"  # as shipped
COUNTRY_KH = "KH,KH,country,,Campuchia,កម្ពុជា,Cambodia,,,"


def load(path):
    return areas_load_csv(path=path)


def test_it_loads_the_shipped_files():
    results = {result.source: result for result in reference_data_load()}

    assert results["vn_provinces.csv"].created == 64
    assert results["kh_provinces.csv"].created == 26
    assert results["vn_pilot_communes.csv"].created == 10
    assert Area.objects.count() == 100
    kim_thuy = Area.objects.get(code="VN44-LT-KIMTHUY")
    assert kim_thuy.parent.code == "VN44-LT"
    assert kim_thuy.parent.parent.code == "VN44"


def test_it_reports_an_unknown_parent_with_its_line_and_writes_nothing(areas_csv):
    path = areas_csv(
        COUNTRY_VN, "VN99,VN,province,VN98,,,Nowhere,,,", "VN01,VN,province,VN,Hà Nội,,Ha Noi,,,"
    )

    with pytest.raises(ReferenceDataError) as raised:
        load(path)

    assert raised.value.errors == [
        "line 3: parent_code 'VN98' is not a known area (not in the database or this file)"
    ]
    assert not Area.objects.exists()


def test_the_command_reports_the_line_and_writes_nothing(areas_csv):
    path = areas_csv(COUNTRY_VN, "VN99,VN,province,VN98,,,Nowhere,,,")

    with pytest.raises(CommandError, match="line 3: parent_code 'VN98'") as raised:
        call_command("load_areas", str(path))

    assert "nothing was written" in str(raised.value)
    assert not Area.objects.exists()


def test_it_reports_every_bad_row_with_its_line(areas_csv):
    path = areas_csv(
        COUNTRY_VN,
        "VN01,VN,provinse,VN,,,Ha Noi,,,",
        "VN02,VN,province,VN,,,Ha Giang,2025-02-30,,",
        "VN04,VN,province,VN,,,,,,",
        "VN01,VN,province,VN,,,Ha Noi again,,,",
        "VN06,VN,province,VN,,,Bac Kan,,2025-06-30,VN77",
    )

    with pytest.raises(ReferenceDataError) as raised:
        load(path)

    errors = raised.value.errors
    assert any(e.startswith("line 3: level 'provinse'") for e in errors)
    assert any(e.startswith("line 4: valid_from '2025-02-30' is not a date") for e in errors)
    assert "line 5: name_en is required" in errors
    assert "line 6: code 'VN01' is already on line 3" in errors
    assert any(e.startswith("line 7: replaced_by_code 'VN77' is not a known area") for e in errors)
    assert not Area.objects.exists()


def test_a_bad_row_after_good_ones_leaves_the_database_as_it_was(areas_csv):
    reference_data_load()
    before = list(Area.objects.values_list("code", "name_en", "valid_to").order_by("code"))
    path = areas_csv(
        "VN01,VN,province,VN,Hà Nội,,Hanoi renamed,,,",
        "VN99,VN,province,VN,,,New province,,,",
        "VN98,VN,province,VN,,,Broken,2025-07-01,2025-06-01,",
    )

    with pytest.raises(ReferenceDataError, match="line 4: valid_to"):
        load(path)

    assert list(Area.objects.values_list("code", "name_en", "valid_to").order_by("code")) == before


def test_rows_may_refer_to_codes_defined_later_in_the_file(areas_csv):
    path = areas_csv(
        "VN44-X-Y,VN,commune,VN44-X,,,Commune,,,",
        "VN44-X,VN,district,VN44,,,District,,2025-06-30,",
        "VN44,VN,province,VN,,,Old province,,2025-06-30,VN45",
        "VN45,VN,province,VN,,,New province,,,",
        COUNTRY_VN,
    )

    result = load(path)

    assert result.created == 5
    commune = Area.objects.get(code="VN44-X-Y")
    assert commune.parent.code == "VN44-X"
    assert commune.parent.parent.replaced_by.code == "VN45"


def test_rows_may_refer_to_areas_already_in_the_database(areas_csv):
    reference_data_load()
    path = areas_csv("KH12-01,KH,district,KH12,,ខណ្ឌដូនពេញ,Doun Penh,,,")

    result = load(path)

    assert (result.created, result.updated) == (1, 0)
    assert Area.objects.get(code="KH12-01").parent.code == "KH12"


def test_running_it_twice_changes_nothing():
    first = reference_data_load()
    second = reference_data_load()

    assert sum(result.created for result in first) == 103
    assert all(not result.changed for result in second)
    assert sum(result.unchanged for result in second) == 103


def test_the_command_says_when_nothing_changed():
    call_command("load_reference_data", stdout=StringIO())
    out = StringIO()

    call_command("load_reference_data", stdout=out)

    assert "nothing changed" in out.getvalue()
    assert "vn_provinces.csv: 0 created, 0 updated, 64 unchanged." in out.getvalue()


def test_it_updates_by_code_and_counts_only_real_changes(areas_csv):
    reference_data_load()
    path = areas_csv(COUNTRY_VN, "VN01,VN,province,VN,Hà Nội,,Hanoi,,,")

    result = load(path)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Area.objects.get(code="VN01").name_en == "Hanoi"


def test_an_empty_cell_clears_the_stored_value(areas_csv):
    load(areas_csv(COUNTRY_VN, "VN01,VN,province,VN,,,Ha Noi,,2030-01-01,"))

    load(areas_csv(COUNTRY_VN, "VN01,VN,province,VN,,,Ha Noi,,,"))

    assert Area.objects.get(code="VN01").valid_to is None


def test_the_command_prints_how_many_were_created_and_updated():
    out = StringIO()

    call_command("load_areas", str(DATA_DIR / "vn_provinces.csv"), stdout=out)

    assert "vn_provinces.csv: 64 created, 0 updated, 0 unchanged." in out.getvalue()


def test_a_dry_run_counts_but_writes_nothing():
    out = StringIO()

    call_command("load_areas", str(DATA_DIR / "vn_provinces.csv"), "--dry-run", stdout=out)

    assert "64 created" in out.getvalue()
    assert not Area.objects.exists()


def test_a_missing_file_is_a_clear_command_error(tmp_path):
    with pytest.raises(CommandError, match="file not found"):
        call_command("load_areas", str(tmp_path / "nope.csv"))


def test_a_file_without_a_header_row_is_a_clear_command_error(write_file):
    path = write_file(COUNTRY_VN + "\n")

    with pytest.raises(CommandError, match="no header row"):
        call_command("load_areas", str(path))


def test_a_header_missing_a_column_names_it(write_file):
    path = write_file(
        "code,country,level,parent_code,name_vi,name_km,name_en,valid_from,valid_to\n" + COUNTRY_VN
    )

    with pytest.raises(ReferenceDataError, match=r"missing header column.*replaced_by_code"):
        load(path)


def test_an_empty_file_is_a_clear_command_error(write_file):
    with pytest.raises(CommandError, match="empty"):
        call_command("load_areas", str(write_file("")))


def test_a_row_with_too_few_fields_is_reported(areas_csv):
    with pytest.raises(ReferenceDataError, match="line 2: expected 10 fields, found 9"):
        load(areas_csv("VN,VN,country,,Việt Nam,,Viet Nam,,"))


def test_a_parent_in_another_country_is_rejected(areas_csv):
    path = areas_csv(COUNTRY_VN, COUNTRY_KH, "KH12,KH,province,VN,,,Phnom Penh,,,")

    with pytest.raises(
        ReferenceDataError, match="line 4: parent_code: The parent must be in the same country"
    ):
        load(path)


def test_a_parent_on_a_lower_level_is_rejected(areas_csv):
    path = areas_csv(
        COUNTRY_VN, "VN44,VN,province,VN44-X,,,Province,,,", "VN44-X,VN,district,VN,,,District,,,"
    )

    with pytest.raises(ReferenceDataError) as raised:
        load(path)

    assert any(
        e.startswith("line 3: parent_code: A province cannot sit under a district")
        for e in raised.value.errors
    )


def test_a_replacement_on_another_level_is_rejected(areas_csv):
    path = areas_csv(
        COUNTRY_VN,
        "VN44,VN,province,VN,,,Province,,2025-06-30,VN44-X",
        "VN44-X,VN,district,VN45,,,District,,,",
        "VN45,VN,province,VN,,,Other,,,",
    )

    with pytest.raises(
        ReferenceDataError, match="line 3: replaced_by_code: The replacing area must be on the same level"
    ):
        load(path)


def test_a_replaced_area_needs_its_last_day(areas_csv):
    path = areas_csv(COUNTRY_VN, "VN44,VN,province,VN,,,Province,,,VN45", "VN45,VN,province,VN,,,Other,,,")

    with pytest.raises(ReferenceDataError, match="line 3: valid_to"):
        load(path)


def test_areas_replacing_each_other_in_a_ring_are_rejected(areas_csv):
    path = areas_csv(
        COUNTRY_VN,
        "VN44,VN,province,VN,,,A,,2025-06-30,VN45",
        "VN45,VN,province,VN,,,B,,2025-06-30,VN44",
    )

    with pytest.raises(ReferenceDataError, match=r"line 3: .* ring of replacements: VN44 -> VN45 -> VN44"):
        load(path)
    assert not Area.objects.exists()


def test_changing_the_level_of_an_area_others_hang_under_is_rejected(areas_csv):
    reference_data_load()

    with pytest.raises(ReferenceDataError, match="cannot change the country or level of 'VN44'"):
        load(areas_csv("VN44,VN,district,VN,Quảng Bình,,Quang Binh,,2025-06-30,VN45"))


def test_a_load_that_changes_something_is_audited_and_a_repeat_is_not():
    from childshield.audit.models import AuditEvent

    reference_data_load()
    events = list(AuditEvent.objects.values_list("object_type", "object_id"))
    reference_data_load()

    assert ("places.Area", "vn_provinces.csv") in events
    assert ("places.HelplineNumber", "helplines.json") in events
    assert AuditEvent.objects.count() == len(events) == 4


def test_a_row_that_failed_is_not_reported_again_as_an_unknown_parent(areas_csv):
    path = areas_csv(
        COUNTRY_VN, "VN44,VN,province,VN,,,Quang Binh,30/06/2025,,", "VN44-LT,VN,district,VN44,,,Le Thuy,,,"
    )

    with pytest.raises(ReferenceDataError) as raised:
        load(path)

    assert raised.value.errors == ["line 3: valid_from '30/06/2025' is not a date (expected YYYY-MM-DD)"]


def test_dates_must_be_written_year_month_day(areas_csv):
    with pytest.raises(ReferenceDataError, match="line 2: valid_to '20250630' is not a date"):
        load(areas_csv("VN,VN,country,,,,Viet Nam,,20250630,"))
