"""Helpline numbers in the staff pages: listed by country in their order, added and changed with names
and hours in each language, moved up or down, taken out of use (and off the public pages)."""

import pytest

from childshield.audit.models import AuditEvent
from childshield.places.models import HelplineNumber

pytestmark = pytest.mark.django_db

LIST = "/en/places/helplines/"
NEW = "/en/places/helplines/new/"


def _post(**changes):
    data = {
        "country": "VN",
        "number": "1800 1567",
        "name_vi": "Đường dây tư vấn",
        "name_km": "",
        "name_en": "Counselling line",
        "hours_vi": "7:00-21:00",
        "hours_km": "",
        "hours_en": "7:00-21:00",
        "is_free": "on",
        "channels": "phone,chat ,",
        "order": "5",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_it_adds_a_number_shown_on_the_public_pages_in_each_language(shipped_data, admin, sign_in, client):
    response = sign_in(admin).post(NEW, _post())

    assert response.status_code == 302
    helpline = HelplineNumber.objects.get(number="1800 1567")
    assert helpline.channels == "phone, chat"
    assert helpline.is_free
    assert AuditEvent.objects.filter(object_type="places.HelplineNumber", object_id=str(helpline.pk)).exists()
    client.logout()
    assert "Đường dây tư vấn" in client.get("/vi/").content.decode()
    assert "Counselling line" in client.get("/en/").content.decode()


def test_a_number_the_country_has_is_refused_keeping_what_was_typed(shipped_data, admin, sign_in):
    response = sign_in(admin).post(NEW, _post(number="111"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "VN already has the number 111." in page
    assert 'value="Counselling line"' in page
    assert HelplineNumber.objects.filter(number="111").count() == 1


def test_a_name_in_english_is_required(shipped_data, admin, sign_in):
    response = sign_in(admin).post(NEW, _post(name_en=""))

    assert response.status_code == 400
    assert "Nothing was saved." in response.content.decode()
    assert not HelplineNumber.objects.filter(number="1800 1567").exists()


def test_it_changes_a_number_and_takes_it_out_of_use(shipped_data, admin, sign_in, client):
    helpline = HelplineNumber.objects.get(number="111")
    admin_client = sign_in(admin)

    page = admin_client.get(f"/en/places/helplines/{helpline.pk}/").content.decode()
    assert 'value="National Child Protection Hotline"' in page

    response = admin_client.post(
        f"/en/places/helplines/{helpline.pk}/",
        _post(number="111", name_en="Child Helpline 111", is_active="", order="1"),
    )

    assert response.status_code == 302
    helpline.refresh_from_db()
    assert (helpline.name_en, helpline.is_active) == ("Child Helpline 111", False)
    event = AuditEvent.objects.filter(object_id=str(helpline.pk)).latest("pk")
    assert "name_en" in event.reason and "is_active" in event.reason
    assert "Not in use" in admin_client.get(LIST).content.decode()
    client.logout()
    assert "Child Helpline 111" not in client.get("/en/").content.decode()


def test_numbers_move_up_and_down_within_their_country(shipped_data, admin, sign_in):
    client = sign_in(admin)
    kh = list(HelplineNumber.objects.filter(country="KH").order_by("order", "number"))
    last = kh[-1]

    response = client.post(f"/en/places/helplines/{last.pk}/move/", {"direction": "up"})

    assert response.status_code == 302
    now = list(HelplineNumber.objects.filter(country="KH").order_by("order", "number"))
    assert now.index(last) == len(kh) - 2
    page = client.get(LIST).content.decode()
    kh_table = page[page.index('data-helplines="KH"') :]
    assert kh_table.index(f'data-helpline="{last.number}"') < kh_table.index(
        f'data-helpline="{kh[-2].number}"'
    )

    response = client.post(f"/en/places/helplines/{now[0].pk}/move/", {"direction": "up"}, follow=True)

    assert "is already at that end of the list." in response.content.decode()


def test_only_system_administrators_manage_numbers(shipped_data, supervisor, sign_in):
    client = sign_in(supervisor)

    assert client.get(LIST).status_code == 403
    assert client.post(NEW, _post()).status_code == 403
    assert not HelplineNumber.objects.filter(number="1800 1567").exists()


def test_loading_the_file_again_keeps_a_number_out_of_use(shipped_data, admin, sign_in):
    from childshield.places.services.reference_data import reference_data_load

    helpline = HelplineNumber.objects.get(number="111")
    sign_in(admin).post(f"/en/places/helplines/{helpline.pk}/", _post(number="111", is_active=""))

    reference_data_load()

    helpline.refresh_from_db()
    assert not helpline.is_active
