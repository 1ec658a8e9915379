import pytest

from childshield.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_a_person_in_two_agencies_chooses_and_every_page_shows_it(
    client, worker, outsider_agency, make_member, sign_in
):
    second = make_member(email=worker.user.email, role=Role.FOCAL_POINT, agency=outsider_agency)
    sign_in(worker)
    home = client.get("/en/account/").content.decode()
    assert "Choose the agency you act for" in home
    client.post("/en/account/acting-for/", {"membership": second.pk, "next": "/en/audit/"})
    page = client.get("/en/audit/").content.decode()
    assert "Acting for <strong>Provincial Police (test)</strong> as Focal point" in page
    client.post("/en/account/acting-for/", {"membership": worker.pk})
    page = client.get("/en/audit/").content.decode()
    assert "Acting for <strong>Commune Social Work Office</strong> as Case worker" in page


def test_nobody_can_act_through_someone_else_membership(client, worker, outsider, sign_in):
    sign_in(worker)
    response = client.post("/en/account/acting-for/", {"membership": outsider.pk}, follow=True)
    assert "You cannot act for that agency." in response.content.decode()
    page = client.get("/en/audit/").content.decode()
    assert "Commune Social Work Office" in page
    assert "Provincial Police (test)" not in page


def test_a_removed_membership_no_longer_gives_access(client, worker, sign_in):
    sign_in(worker)
    worker.is_active = False
    worker.save()
    assert client.get("/en/audit/").status_code == 403


def test_the_agency_can_be_switched_from_any_page(client, worker, outsider_agency, make_member, sign_in):
    second = make_member(email=worker.user.email, role=Role.FOCAL_POINT, agency=outsider_agency)
    sign_in(worker)
    page = client.get("/en/audit/")
    # Until the person chooses, pages that need an agency say so, and offer the choice.
    assert page.status_code == 403
    assert "Choose the agency you act for first" in page.content.decode()
    assert 'id="switch-membership"' in page.content.decode()
    response = client.post("/en/account/acting-for/", {"membership": second.pk, "next": "/en/audit/"})
    assert response["Location"] == "/en/audit/"
    assert "Provincial Police (test)</strong>" in client.get("/en/audit/").content.decode()


def test_someone_in_one_agency_sees_no_switch(client, worker, sign_in):
    sign_in(worker)
    assert 'id="switch-membership"' not in client.get("/en/audit/").content.decode()
