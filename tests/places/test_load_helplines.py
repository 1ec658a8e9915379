"""Loading helpline numbers from JSON or CSV: all or nothing, keyed by country and number."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from childshield.places.models import HelplineNumber
from childshield.places.reference_files import DATA_DIR, ReferenceDataError
from childshield.places.services.helplines import HELPLINE_COLUMNS, helplines_load

pytestmark = pytest.mark.django_db

ENTRY = {"country": "VN", "number": "111", "name_en": "National Child Protection Hotline", "is_free": True}


def test_it_loads_the_shipped_helplines_and_a_second_run_changes_nothing():
    first = helplines_load(path=DATA_DIR / "helplines.json")
    second = helplines_load(path=DATA_DIR / "helplines.json")

    assert (first.created, second.created, second.updated, second.unchanged) == (3, 0, 0, 3)
    assert HelplineNumber.objects.get(number="111").is_free


def test_a_bad_entry_is_reported_with_its_position_and_nothing_is_written(write_file):
    path = write_file(
        json.dumps(
            [ENTRY, {"country": "Viet Nam", "number": "112", "name_en": "X"}, {**ENTRY, "is_free": "maybe"}]
        ),
        name="helplines.json",
    )

    with pytest.raises(ReferenceDataError) as raised:
        helplines_load(path=path)

    assert any(e.startswith("entry 2: country") for e in raised.value.errors)
    assert any(e.startswith("entry 3: VN '111' is already on entry 1") for e in raised.value.errors)
    assert any("is_free 'maybe'" in e for e in raised.value.errors)
    assert not HelplineNumber.objects.exists()


def test_it_reads_csv_with_line_numbers(write_file):
    header = ",".join(HELPLINE_COLUMNS)
    path = write_file(
        f"{header}\nKH,1280,,,Child Helpline Cambodia,,,24/7,yes,phone,2\nKH,,,,No number,,,,no,,\n",
        name="h.csv",
    )

    with pytest.raises(CommandError, match="line 3: number is required"):
        call_command("load_helplines", str(path))

    path.write_text(
        f'{header}\nKH,1280,,,Child Helpline Cambodia,,,24/7,yes,"phone, chat",2\n', encoding="utf-8"
    )
    out = StringIO()
    call_command("load_helplines", str(path), stdout=out)
    assert "1 created" in out.getvalue()
    assert HelplineNumber.objects.get(number="1280").channel_list == ["phone", "chat"]


def test_an_update_changes_the_stored_number_in_place(write_file):
    helplines_load(path=write_file(json.dumps([ENTRY]), name="a.json"))

    result = helplines_load(path=write_file(json.dumps([{**ENTRY, "hours_en": "24/7"}]), name="b.json"))

    assert (result.created, result.updated) == (0, 1)
    assert HelplineNumber.objects.get().hours_en == "24/7"


def test_a_missing_helpline_file_is_a_clear_command_error(tmp_path):
    with pytest.raises(CommandError, match="file not found"):
        call_command("load_helplines", str(tmp_path / "none.json"))
