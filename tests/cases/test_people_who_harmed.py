"""The people who harmed: recorded with the case; a child who harmed is pointed to rehabilitation."""

import pytest

from childshield.cases.models import PersonWhoHarmed
from childshield.cases.services.people_who_harmed import person_who_harmed_add
from childshield.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_child_who_harmed_is_pointed_to_the_rehabilitation_pathway(worker, open_case, sign_in):
    case = open_case(worker)
    client = sign_in(worker)
    response = client.post(
        f"/en/cases/{case.pk}/people-who-harmed/",
        {
            "harmer-relationship": "peer",
            "harmer-contact": "both",
            "harmer-age_group": "child",
            "harmer-description": "Classmate who shared the picture",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "rehabilitation pathway" in page
    assert "Classmate who shared the picture" in page
    person = PersonWhoHarmed.objects.get()
    assert person.is_child and person.case == case


def test_the_person_who_harmed_needs_known_choices(worker, open_case):
    case = open_case(worker)
    with pytest.raises(ApplicationError):
        person_who_harmed_add(acting=worker, case=case, relationship="x", contact="online", age_group="adult")


def test_an_unassigned_colleague_cannot_add_one(worker, colleague, open_case, sign_in):
    case = open_case(worker)
    response = sign_in(colleague).post(
        f"/en/cases/{case.pk}/people-who-harmed/",
        {"harmer-relationship": "peer", "harmer-contact": "both", "harmer-age_group": "adult"},
    )
    assert response.status_code == 404
    assert not PersonWhoHarmed.objects.exists()
