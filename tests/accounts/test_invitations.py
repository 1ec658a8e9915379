"""An invitation link used twice, or too late: a clear page and a way on, and no password changed."""

import re

import pytest
from django.test import override_settings

from childshield.accounts.models import Membership, Role, User
from childshield.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_admin(make_member, social_agency):
    return make_member(email="admin@example.org", role=Role.AGENCY_ADMIN, agency=social_agency)


def _invite(client, agency_admin, sign_in, mailoutbox, capture) -> str:
    sign_in(agency_admin)
    with capture(execute=True):
        client.post(
            "/en/account/members/",
            {
                "email": "invited@example.org",
                "full_name": "Invited Person",
                "role": Role.CASE_WORKER,
                "agency": agency_admin.agency_id,
            },
        )
    client.post("/en/account/sign-out/")
    return re.search(r"http://testserver(/en/account/invitation/\S+)", mailoutbox[-1].body).group(1)


def test_an_invitation_used_twice_says_so_and_the_password_stays(
    client, agency_admin, sign_in, mailoutbox, django_capture_on_commit_callbacks
):
    link = _invite(client, agency_admin, sign_in, mailoutbox, django_capture_on_commit_callbacks)
    assert "works once, for 3 days" in mailoutbox[-1].body
    form = client.get(link, follow=True)
    set_password_url = form.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": "choose-a-good-one-77", "new_password2": "choose-a-good-one-77"}
    )
    assert response.status_code == 302

    again = client.get(link, follow=True)
    page = again.content.decode()
    assert again.status_code == 200
    assert "This invitation was already used" in page
    assert "Sign in" in page and "/en/account/password-reset/" in page
    assert 'name="new_password1"' not in page
    # Posting a new password to either address of the link changes nothing.
    for url in (link, set_password_url):
        client.post(url, {"new_password1": "someone-elses-pw-88", "new_password2": "someone-elses-pw-88"})
    user = User.objects.get(email="invited@example.org")
    assert user.check_password("choose-a-good-one-77")


def test_an_expired_invitation_says_so_and_offers_a_new_link(
    client, agency_admin, sign_in, mailoutbox, django_capture_on_commit_callbacks
):
    link = _invite(client, agency_admin, sign_in, mailoutbox, django_capture_on_commit_callbacks)
    with override_settings(PASSWORD_RESET_TIMEOUT=-1):
        page = client.get(link, follow=True).content.decode()
    assert "This invitation has expired" in page
    assert "/en/account/password-reset/" in page
    assert 'name="new_password1"' not in page


def test_the_member_manager_sends_the_invitation_again(
    client, agency_admin, sign_in, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(client, agency_admin, sign_in, mailoutbox, django_capture_on_commit_callbacks)
    membership = Membership.objects.get(user__email="invited@example.org")
    sign_in(agency_admin)
    members = client.get("/en/account/members/").content.decode()
    assert "Invited, no password yet" in members
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/account/members/{membership.pk}/invite-again/")
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["invited@example.org"]] * 2
    assert AuditEvent.objects.filter(
        reason="invitation sent again", object_id=str(membership.user_id)
    ).exists()


def test_no_new_invitation_for_someone_with_a_password_or_in_another_agency(
    client, agency_admin, sign_in, worker, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(agency_admin)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(f"/en/account/members/{worker.pk}/invite-again/", follow=True)
        hidden = client.post(f"/en/account/members/{outsider.pk}/invite-again/")
    assert "has chosen a password already" in refused.content.decode()
    assert hidden.status_code == 404
    assert mailoutbox == []
