import re

import pytest

from childshield.accounts.models import Membership, Role, User
from childshield.accounts.permissions import roles_grantable
from childshield.accounts.services import membership_create
from childshield.audit.models import AuditAction, AuditEvent
from childshield.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_admin(make_member, social_agency):
    return make_member(email="admin@example.org", role=Role.AGENCY_ADMIN, agency=social_agency)


def test_an_agency_admin_adds_a_new_person_who_gets_an_invitation(
    client, agency_admin, sign_in, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(agency_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/account/members/",
            {
                "email": "New.Teacher@Example.org",
                "full_name": "New Teacher",
                "role": Role.FOCAL_POINT,
                "agency": agency_admin.agency_id,
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new.teacher@example.org")
    assert membership.role == Role.FOCAL_POINT
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(membership.pk)).exists()
    assert len(mailoutbox) == 1
    link = re.search(r"http://testserver(/en/account/invitation/\S+)", mailoutbox[0].body).group(1)
    # The invited person chooses a password through the link, then signs in.
    client.post("/en/account/sign-out/")
    form = client.get(link, follow=True)
    assert "Choose your password" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "choose-a-good-one-77", "new_password2": "choose-a-good-one-77"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="new.teacher@example.org").check_password("choose-a-good-one-77")


def test_an_agency_admin_cannot_add_people_to_another_agency(client, agency_admin, outsider_agency, sign_in):
    sign_in(agency_admin)
    response = client.post(
        "/en/account/members/",
        {"email": "x@example.org", "full_name": "X", "role": Role.CASE_WORKER, "agency": outsider_agency.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_an_agency_admin_sees_and_removes_only_their_agency_members(
    client, agency_admin, worker, outsider, sign_in
):
    sign_in(agency_admin)
    html = client.get("/en/account/members/").content.decode()
    assert worker.user.email in html
    assert outsider.user.email not in html
    assert client.post(f"/en/account/members/{outsider.pk}/remove/").status_code == 404
    client.post(f"/en/account/members/{worker.pk}/remove/")
    worker.refresh_from_db()
    assert worker.is_active is False


def test_other_roles_cannot_manage_members(client, worker, sign_in):
    sign_in(worker)
    assert client.get("/en/account/members/").status_code == 403


def test_password_reset_mail_is_sent_and_says_nothing_about_unknown_addresses(
    client, worker, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/account/password-reset/", {"email": worker.user.email})
        unknown = client.post("/en/account/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert unknown["Location"] == response["Location"]
    assert [message.to for message in mailoutbox] == [[worker.user.email]]
    assert "/en/account/password-reset/" in mailoutbox[0].body


def test_an_agency_admin_is_offered_only_the_roles_they_may_grant(client, agency_admin, sign_in):
    sign_in(agency_admin)
    page = client.get("/en/account/members/").content.decode()
    offered = re.findall(
        r'<option value="([a-z_]+)"', page.split('name="role"', 1)[1].split("</select>", 1)[0]
    )
    assert Role.SYSTEM_ADMIN.value not in offered
    assert set(offered) == {role.value for role in Role} - {Role.SYSTEM_ADMIN.value}
    response = client.post(
        "/en/account/members/",
        {
            "email": "x@example.org",
            "full_name": "X",
            "role": Role.SYSTEM_ADMIN,
            "agency": agency_admin.agency_id,
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_the_service_refuses_a_role_the_admin_may_not_grant(agency_admin, rf):
    with pytest.raises(ApplicationError):
        membership_create(
            acting=agency_admin,
            agency=agency_admin.agency,
            email="y@example.org",
            full_name="Y",
            role=Role.SYSTEM_ADMIN,
            request=rf.get("/"),
        )
    assert not Membership.objects.filter(role=Role.SYSTEM_ADMIN).exists()


def test_a_system_admin_may_grant_every_role(make_member, outsider_agency):
    system_admin = make_member(email="sys@example.org", role=Role.SYSTEM_ADMIN, agency=outsider_agency)
    assert roles_grantable(system_admin) == list(Role)
