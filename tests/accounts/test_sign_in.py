import pytest
from django.test import override_settings

from childshield.accounts.models import Role
from childshield.audit.models import AuditAction, AuditEvent
from childshield.settings.demo_secrets import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "heading"), [("en", "Sign in"), ("vi", "Đăng nhập"), ("km", "ចូលគណនី")])
def test_the_sign_in_page_speaks_each_language(client, language, heading):
    response = client.get(f"/{language}/account/sign-in/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html


def test_a_member_signs_in_and_sees_their_role_and_agency(client, worker, sign_in):
    sign_in(worker)
    response = client.get("/en/account/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Case worker" in html
    assert "Commune Social Work Office" in html
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert event.actor_label == "worker@example.org"


def test_e_mail_case_does_not_matter(client, worker):
    response = client.post(
        "/en/account/sign-in/", {"username": "Worker@Example.ORG", "password": "a-long-test-password-1"}
    )
    assert response.status_code == 302


def test_a_wrong_password_is_told_plainly_and_audited(client, worker):
    response = client.post(
        "/en/account/sign-in/", {"username": worker.user.email, "password": "nope-nope-nope"}
    )
    assert response.status_code == 200
    assert "That e-mail address and password do not match" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.FAILED_SIGN_IN)
    assert event.object_id == str(worker.user.pk)
    # The typed password or address never lands in the audit record.
    assert "nope" not in event.reason
    assert "example.org" not in event.object_id


def test_repeated_failures_lock_the_account_out(client, worker):
    for _ in range(5):
        client.post("/en/account/sign-in/", {"username": worker.user.email, "password": "wrong-password-x"})
    response = client.post(
        "/en/account/sign-in/", {"username": worker.user.email, "password": "a-long-test-password-1"}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_sign_in_and_come_back_after_it(client, worker):
    response = client.get("/en/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/sign-in/?next=/en/audit/")
    response = client.post(
        "/en/account/sign-in/?next=/en/audit/",
        {"username": worker.user.email, "password": "a-long-test-password-1", "next": "/en/audit/"},
    )
    assert response["Location"] == "/en/audit/"


def test_next_cannot_send_people_to_another_site(client, worker):
    response = client.post(
        "/en/account/sign-in/",
        {
            "username": worker.user.email,
            "password": "a-long-test-password-1",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/en/account/"


def test_sign_out_ends_the_session_and_is_audited(client, worker, sign_in):
    sign_in(worker)
    response = client.post("/en/account/sign-out/")
    assert response.status_code == 302
    assert client.get("/en/account/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor_label=worker.user.email).exists()


def test_the_demo_password_is_refused_where_demo_data_is_not_allowed(client, make_member):
    member = make_member(email="someone@example.org", role=Role.COUNSELLOR, password=DEMO_PASSWORD)
    with override_settings(ALLOW_DEMO_DATA=False):
        response = client.post(
            "/en/account/sign-in/", {"username": member.user.email, "password": DEMO_PASSWORD}
        )
    assert response.status_code == 200
    assert "public demo password" in response.content.decode()
    assert "_auth_user_id" not in client.session
