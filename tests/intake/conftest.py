"""Helpers for intake tests: reports sent like a child would, and what the pages give back. The helpline,
its `counsellor` and its `supervisor` are the suite's (tests/conftest.py)."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from childshield.places.services.reference_data import reference_data_load


@pytest.fixture
def reference_data(db: None) -> None:
    """The shipped provinces and helpline numbers, as every installation loads them."""
    reference_data_load()


def form_token(html: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, "the page has no form token"
    return match.group(1)


def thread_token(html: str) -> str:
    match = re.search(r'name="thread_token" value="([^"]+)"', html)
    assert match, "the page has no thread token"
    return match.group(1)


@dataclass
class Sent:
    code: str
    passphrase: str
    html: str


def receipt_of(html: str) -> Sent:
    code = re.search(r"data-reference>([^<]+)<", html)
    passphrase = re.search(r"data-passphrase>([^<]+)<", html)
    assert code and passphrase, html[:3000]
    return Sent(code=code.group(1), passphrase=passphrase.group(1), html=html)


GOOD_REPORT = {
    "about": "me",
    "harms": ["threatened"],
    "description": "Someone says he will post my photos unless I pay.",
    "platform": "zalo",
    "url1": "https://chat.example.com/u/bad-person",
    "happened": "today",
    "safe_now": "yes",
    "age_band": "13_15",
    "gender": "girl",
    "contact_method": "none",
}


@pytest.fixture
def send_report(client: Client) -> Callable[..., Sent]:
    """Open the report page, fill it in and send it, as a person would."""

    def send(language: str = "en", **changes: object) -> Sent:
        page = client.get(f"/{language}/report/")
        data = {**GOOD_REPORT, **changes, "form_token": form_token(page.content.decode())}
        response = client.post(f"/{language}/report/", data)
        assert response.status_code == 200
        return receipt_of(response.content.decode())

    return send
