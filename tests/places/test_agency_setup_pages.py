"""Setting agencies up in the staff pages: a new agency with the areas it serves (ticked or typed by
code), an agency changed, and every refusal saying why, keeping what was typed and writing nothing."""

import re

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditEvent
from childshield.places.models import AgencyArea, Area

pytestmark = pytest.mark.django_db

NEW = "/en/places/agencies/new/"


def _post(**changes):
    data = {
        "name": "Le Thuy Social Work Office",
        "kind": AgencyKind.SOCIAL_SERVICES,
        "country": "VN",
        "short_code": "",
        "on_call_phone": "+84 912 000 111",
        "is_active": "on",
        "areas": ["VN45"],
        "area_codes": "VN44-LT-KIMTHUY",
    }
    data.update(changes)
    return data


def _served(agency):
    return sorted(AgencyArea.objects.filter(agency=agency).values_list("area__code", flat=True))


def test_it_adds_an_agency_with_the_areas_ticked_and_typed(shipped_data, admin, sign_in):
    client = sign_in(admin)

    response = client.post(NEW, _post(areas=["VN", "VN45"], area_codes="vn44-lt-kimthuy,\nVN62-KR-DAKKOI"))

    assert response.status_code == 302
    assert response["Location"] == "/en/account/agencies/"
    agency = Agency.objects.get(name="Le Thuy Social Work Office")
    assert agency.short_code == "LTSW"
    assert agency.on_call_phone == "+84 912 000 111"
    assert _served(agency) == ["VN", "VN44-LT-KIMTHUY", "VN45", "VN62-KR-DAKKOI"]
    assert AuditEvent.objects.filter(object_type="accounts.Agency", object_id=str(agency.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Le Thuy Social Work Office was saved." in page


def test_the_list_offers_the_countrys_provinces_and_the_whole_country(shipped_data, admin, sign_in):
    page = sign_in(admin).get(NEW).content.decode()

    assert "The whole country: Viet Nam (VN)" in page
    assert "Quang Tri (VN45)" in page
    assert "Battambang" not in page  # Cambodia's provinces are listed when Cambodia is chosen
    assert "Quang Binh (VN44)" not in page  # merged away in 2025: typed by code if ever needed

    page = sign_in(admin).get(NEW, {"country": "KH"}).content.decode()

    assert "Battambang (KH02)" in page


def test_listing_another_countrys_areas_keeps_what_was_typed_and_saves_nothing(shipped_data, admin, sign_in):
    client = sign_in(admin)

    response = client.post(NEW, _post(country="KH", areas=[], show_areas="1"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Battambang (KH02)" in page
    assert 'value="Le Thuy Social Work Office"' in page
    assert not Agency.objects.filter(name="Le Thuy Social Work Office").exists()


def test_an_unknown_area_code_is_refused_with_its_code_and_nothing_is_saved(shipped_data, admin, sign_in):
    client = sign_in(admin)

    response = client.post(NEW, _post(area_codes="VN44-LT-KIMTHUY VN99-NOWHERE"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "No area has the code VN99-NOWHERE." in page
    assert "Nothing was saved." in page
    assert "VN44-LT-KIMTHUY VN99-NOWHERE" in page  # what was typed stays
    assert not Agency.objects.filter(name="Le Thuy Social Work Office").exists()
    assert not AgencyArea.objects.exists()


def test_an_area_of_another_country_is_refused(shipped_data, admin, sign_in):
    response = sign_in(admin).post(NEW, _post(area_codes="KH02"))

    assert response.status_code == 400
    assert "KH02: not in VN, the agency&#x27;s country." in response.content.decode()
    assert not Agency.objects.filter(name="Le Thuy Social Work Office").exists()


def test_a_ticked_area_of_another_country_is_refused(shipped_data, admin, sign_in):
    response = sign_in(admin).post(NEW, _post(country="KH", areas=["VN45"], area_codes=""))

    assert response.status_code == 400
    assert "VN45 is not an area of the chosen country." in response.content.decode()
    assert not Agency.objects.filter(name="Le Thuy Social Work Office").exists()


def test_an_area_that_no_longer_exists_is_refused_with_its_successor(shipped_data, admin, sign_in):
    response = sign_in(admin).post(NEW, _post(areas=[], area_codes="VN44"))

    assert response.status_code == 400
    assert "VN44 (replaced by VN45): these areas do not exist today." in response.content.decode()


def test_a_short_code_taken_in_the_country_is_refused(shipped_data, admin, sign_in, social_agency):
    social_agency.short_code = "LTSW"
    social_agency.save()

    response = sign_in(admin).post(NEW, _post(short_code="ltsw"))

    assert response.status_code == 400
    assert "LTSW is already the short code of Commune Social Work Office." in response.content.decode()
    assert Agency.objects.filter(country="VN").count() == 2


def test_a_name_taken_in_the_country_is_refused(shipped_data, admin, sign_in, social_agency):
    response = sign_in(admin).post(NEW, _post(name="commune social work office"))

    assert response.status_code == 400
    assert "VN already has an agency named commune social work office." in response.content.decode()


def test_it_changes_an_agency_and_exactly_the_areas_it_serves(shipped_data, admin, sign_in, social_agency):
    client = sign_in(admin)
    url = f"/en/places/agencies/{social_agency.pk}/"
    client.post(url, _post(name=social_agency.name, areas=["VN45"], area_codes="VN44-LT-KIMTHUY"))

    page = client.get(url).content.decode()
    assert re.search(r'value="VN45" id="id_areas_\d+" checked', page)
    assert "VN44-LT-KIMTHUY</textarea>" in page

    response = client.post(
        url,
        _post(name=social_agency.name, kind=AgencyKind.NGO, short_code="CSW", areas=["VN01"], area_codes=""),
    )

    assert response.status_code == 302
    social_agency.refresh_from_db()
    assert social_agency.kind == AgencyKind.NGO
    assert social_agency.short_code == "CSW"
    assert _served(social_agency) == ["VN01"]
    event = AuditEvent.objects.filter(object_id=str(social_agency.pk)).order_by("-pk").first()
    assert "areas added: VN01" in event.reason
    assert "areas removed: VN44-LT-KIMTHUY, VN45" in event.reason


def test_an_area_it_already_serves_stays_after_it_ended(shipped_data, admin, sign_in, social_agency):
    AgencyArea.objects.create(agency=social_agency, area_id=_area_id("VN44"))

    response = sign_in(admin).post(
        f"/en/places/agencies/{social_agency.pk}/",
        _post(name=social_agency.name, areas=[], area_codes="VN44"),
    )

    assert response.status_code == 302
    assert _served(social_agency) == ["VN44"]


def test_an_administrator_cannot_close_the_agency_they_act_for(shipped_data, admin, sign_in, helpline_agency):
    response = sign_in(admin).post(
        f"/en/places/agencies/{helpline_agency.pk}/",
        _post(name=helpline_agency.name, kind=AgencyKind.HELPLINE, is_active="", areas=["VN"], area_codes=""),
    )

    assert response.status_code == 400
    assert "closing it would lock you out" in response.content.decode()
    helpline_agency.refresh_from_db()
    assert helpline_agency.is_active


def test_the_agencies_list_links_each_agency_to_its_set_up_page(admin, sign_in, social_agency):
    page = sign_in(admin).get("/en/account/agencies/").content.decode()

    assert f'href="/en/places/agencies/{social_agency.pk}/"' in page
    assert 'href="/en/places/agencies/new/"' in page  # in the menu


def test_others_see_the_list_without_the_links_and_cannot_open_the_pages(make_member, sign_in, social_agency):
    agency_admin = make_member(email="agency.admin@example.org", role=Role.AGENCY_ADMIN, agency=social_agency)
    client = sign_in(agency_admin)

    assert client.get(NEW).status_code == 403
    assert client.get(f"/en/places/agencies/{social_agency.pk}/").status_code == 403


def test_an_unknown_agency_is_not_found(admin, sign_in):
    assert sign_in(admin).get("/en/places/agencies/999999/").status_code == 404


def _area_id(code):
    return Area.objects.get(code=code).pk
