"""The staff page of areas: a tree per country, as of a chosen day, with mergers shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from childshield.places.reference_files import DATA_DIR
from childshield.places.services.areas import areas_load_csv
from childshield.places.services.reference_data import reference_data_load

pytestmark = pytest.mark.django_db

URL = "/en/places/areas/"


def test_it_requires_signing_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "sign-in" in response["Location"]


def test_it_shows_merged_provinces_as_replaced_as_of_july_2025(shipped_data, worker, sign_in):
    client = sign_in(worker)

    response = client.get(URL, {"country": "VN", "on": "2025-07-01"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Quang Binh" in page
    assert "replaced by" in page
    assert "Quang Tri" in page
    assert "Province: 34 current of 63" in page
    assert "Cambodia" not in page.split("<main", 1)[1].split("</form>", 1)[1]


def test_before_the_merger_every_province_is_current(shipped_data, worker, sign_in):
    client = sign_in(worker)

    response = client.get(URL, {"country": "VN", "on": "2025-06-30"})

    assert "Province: 63 current of 63" in response.content.decode()


def test_it_shows_both_countries_by_default(shipped_data, worker, sign_in):
    client = sign_in(worker)

    page = client.get(URL).content.decode()

    assert "Viet Nam" in page
    assert "Cambodia" in page
    assert "Province: 25 current of 25" in page


def test_it_shows_names_in_the_page_language(shipped_data, worker, sign_in):
    client = sign_in(worker)

    page = client.get("/vi/places/areas/", {"country": "VN"}).content.decode()

    assert "Quảng Bình" in page


def test_its_query_count_does_not_grow_with_the_number_of_areas(worker, sign_in, areas_csv):
    client = sign_in(worker)
    reference_data_load(data_dir=DATA_DIR)
    with CaptureQueriesContext(connection) as with_shipped:
        client.get(URL)
    areas_load_csv(path=areas_csv(*(f"VN44-LT-X{n},VN,commune,VN44-LT,,,Commune {n},,," for n in range(30))))

    with CaptureQueriesContext(connection) as with_more:
        page = client.get(URL).content.decode()

    assert "Commune 29" in page
    assert len(with_more) == len(with_shipped)


def test_a_bad_date_shows_the_form_error_and_today(shipped_data, worker, sign_in):
    client = sign_in(worker)

    response = client.get(URL, {"on": "not-a-date"})

    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
