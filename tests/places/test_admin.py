"""The admin of places: areas and helplines can be looked up and corrected, never deleted."""

import pytest

from childshield.places.models import Area

pytestmark = pytest.mark.django_db


def test_the_area_list_and_change_pages_open(admin_client, shipped_data):
    quang_binh = Area.objects.get(code="VN44")

    assert admin_client.get("/en/admin/places/area/?country=VN").status_code == 200
    page = admin_client.get(f"/en/admin/places/area/{quang_binh.pk}/change/")
    assert page.status_code == 200
    assert "deletelink" not in page.content.decode()


def test_an_area_cannot_be_deleted_through_the_admin(admin_client, shipped_data):
    quang_binh = Area.objects.get(code="VN44")

    response = admin_client.post(f"/en/admin/places/area/{quang_binh.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Area.objects.filter(code="VN44").exists()


def test_the_helpline_list_opens(admin_client, shipped_data):
    response = admin_client.get("/en/admin/places/helplinenumber/")

    assert response.status_code == 200
    assert "+855 92 311 511" in response.content.decode()
