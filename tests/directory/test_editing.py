"""Keeping the directory: who may add and change a service, what the pages keep, and the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied

from childshield.accounts.navigation import navigation_for
from childshield.audit.models import AuditEvent
from childshield.core.errors import ApplicationError
from childshield.directory.models import Resource
from childshield.directory.selectors import resource_get
from childshield.directory.services import ResourceDetails, resource_create, resource_update

pytestmark = pytest.mark.django_db


def _form_data(places, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name_vi": "Phòng khám Hy Vọng",
        "name_en": "Hope clinic",
        "kinds": ["health", "mhpss"],
        "areas": [places("VN45").pk],
        "languages": ["vi", "bru"],
        "phone": "0232 3800 000",
        "hours_0": "07:30-11:30, 13:30-17:00",
        "hours_5": "08:00-11:00",
        "free_of_charge": "on",
        "is_active": "on",
        "last_verified": "2026-11-20",
    }
    data.update(changes)
    return data


def test_a_helpline_supervisor_adds_a_service_from_the_page(sign_in, keeper, places):
    client = sign_in(keeper)
    assert client.get("/en/services/new/").status_code == 200

    response = client.post("/en/services/new/", _form_data(places))

    resource = Resource.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/services/{resource.pk}/"
    assert resource.kind_values == ["mhpss", "health"]
    assert resource.language_values == ["vi", "bru"]
    assert [(h.weekday, f"{h.opens:%H:%M}", f"{h.closes:%H:%M}") for h in resource.hours.all()] == [
        (0, "07:30", "11:30"),
        (0, "13:30", "17:00"),
        (5, "08:00", "11:00"),
    ]
    event = AuditEvent.objects.get(object_type="directory.Resource")
    assert (event.action, event.actor_id, event.object_id) == (
        "create",
        str(keeper.user.pk),
        str(resource.pk),
    )

    html = client.get(f"/en/services/{resource.pk}/").content.decode()
    assert "Hope clinic" in html and "Bru (Vân Kiều)" in html and "07:30\u201311:30, 13:30\u201317:00" in html


def test_a_bad_opening_time_is_explained_and_everything_typed_stays(sign_in, keeper, places):
    response = sign_in(keeper).post("/en/services/new/", _form_data(places, hours_2="9 to 5"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write times like 07:30-11:30, 13:30-17:00." in html
    assert 'value="Hope clinic"' in html and 'value="9 to 5"' in html
    assert not Resource.objects.exists()


def test_a_service_needs_a_name_a_kind_and_an_area(keeper, places):
    for missing in ({"name_en": "", "name_vi": ""}, {"kinds": []}, {"areas": []}):
        details = {"country": "VN", "name_en": "X", "kinds": ["health"], "areas": [places("VN")], **missing}
        with pytest.raises(ApplicationError):
            resource_create(acting=keeper, details=ResourceDetails(**details))


def test_changing_a_service_records_what_changed_and_nothing_when_nothing_did(sign_in, keeper, places):
    client = sign_in(keeper)
    client.post("/en/services/new/", _form_data(places))
    resource = Resource.objects.get()

    edit_page = client.get(f"/en/services/{resource.pk}/edit/").content.decode()
    assert 'value="07:30-11:30, 13:30-17:00"' in edit_page

    client.post(f"/en/services/{resource.pk}/edit/", _form_data(places))
    assert AuditEvent.objects.filter(action="update", object_type="directory.Resource").count() == 0

    client.post(f"/en/services/{resource.pk}/edit/", _form_data(places, phone="111", hours_5=""))
    event = AuditEvent.objects.get(action="update", object_type="directory.Resource")
    assert event.reason == "directory service changed: phone, hours"
    assert resource_get(acting=keeper, pk=resource.pk).hours.count() == 2


def test_an_outsider_can_search_but_not_add_or_change(sign_in, outsider, add_resource, places):
    resource = add_resource(name_en="Hope clinic")
    client = sign_in(outsider)
    assert client.get("/en/services/").status_code == 200
    assert "Add a service" not in client.get("/en/services/").content.decode()
    assert "Change this service" not in client.get(f"/en/services/{resource.pk}/").content.decode()
    assert client.get("/en/services/new/").status_code == 403
    assert client.post("/en/services/new/", _form_data(places)).status_code == 403
    assert client.post(f"/en/services/{resource.pk}/edit/", _form_data(places, phone="1")).status_code == 403
    assert Resource.objects.get().phone == ""
    with pytest.raises(PermissionDenied):
        resource_update(
            acting=outsider,
            resource=resource,
            details=ResourceDetails(country="VN", name_en="Mine", kinds=["health"], areas=[places("VN")]),
        )


def test_an_agency_admin_keeps_only_the_services_their_agency_runs(
    clinic_admin, clinic_agency, keeper, add_resource, places
):
    theirs = add_resource(name_en="Their clinic", agency=clinic_agency)
    other = add_resource(name_en="Someone else's")
    details = ResourceDetails(
        country="VN",
        name_en="Their clinic, renamed",
        kinds=["health"],
        areas=[places("VN44")],
        agency=clinic_agency,
    )

    resource_update(acting=clinic_admin, resource=theirs, details=details)
    assert Resource.objects.get(pk=theirs.pk).name_en == "Their clinic, renamed"
    with pytest.raises(PermissionDenied):
        resource_update(acting=clinic_admin, resource=other, details=details)
    # Nor can they hand their service to another agency, or add one that is not theirs.
    with pytest.raises(ApplicationError):
        resource_update(
            acting=clinic_admin,
            resource=theirs,
            details=ResourceDetails(**{**details.__dict__, "agency": None}),
        )
    with pytest.raises(ApplicationError):
        resource_create(acting=clinic_admin, details=ResourceDetails(**{**details.__dict__, "agency": None}))


def test_the_services_page_is_in_every_staff_members_navigation(worker, keeper, outsider):
    for member in (worker, keeper, outsider):
        assert "directory:resource_list" in [item.url_name for item in navigation_for(member)]
    assert "directory:resource_list" not in [item.url_name for item in navigation_for(None)]
