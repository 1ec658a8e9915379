"""The demo's platform staff and regulator sign in and see ChatNhanh's dashboard with something real
on it: its keys (a sandbox one among them), a notice it answered, the reports it sent, its webhook."""

from django.test import Client

from childshield.settings.demo_secrets import DEMO_PASSWORD

PAGE = "/en/platforms/dashboard/"


def signed_in(email):
    client = Client()
    response = client.post("/en/account/sign-in/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def test_the_demo_platforms_staff_see_its_keys_notices_reports_and_webhook(demo):
    page = signed_in("platform.staff@demo.childshield.test").get(PAGE).content.decode()

    assert "ChatNhanh (demo platform)" in page
    assert page.count("data-key=") >= 2 and "data-sandbox" in page
    assert "data-notice=" in page and "data-acknowledged" in page
    assert "CN-2026-0042" in page and "CN-TEST-1" in page
    assert "https://hooks.chatnhanh.example/childshield" in page


def test_the_demo_regulator_sees_the_platform_read_only(demo):
    page = signed_in("regulator@demo.childshield.test").get(PAGE).content.decode()

    assert "ChatNhanh (demo platform)" in page and "data-notice=" in page
    assert "/keys/" not in page
