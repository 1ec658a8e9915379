"""The exchanges' staff page: who sees which connections, setting one up and changing it (the secret
never shown back), running one now (by a worker, after the request), switching one off."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from childshield.exchanges.models import ExchangeConnection, ExchangeKind
from childshield.hashing.models import HashEntry
from tests.exchanges.conftest import connect, make_bank, reload
from tests.exchanges.fakes import FakeStopNCII, random_pdq

pytestmark = pytest.mark.django_db

LIST = "/en/exchanges/"


def form(bank, fake, **more):
    data = {
        "name": "StopNCII feed",
        "kind": ExchangeKind.STOPNCII,
        "bank": bank.pk,
        "imports": "on",
        "base_url": fake.url,
        "every_minutes": 60,
        "secret_subscription_key": FakeStopNCII.SUBSCRIPTION,
        "secret_fetch_function_key": FakeStopNCII.FETCH_KEY,
    }
    data.update(more)
    return data


def test_a_lead_sets_a_connection_up_and_its_secrets_are_never_shown_back(lead, bank, stopncii, sign_in):
    client = sign_in(lead)

    response = client.post(f"{LIST}new/", form(bank, stopncii))

    assert response.status_code == 302
    saved = ExchangeConnection.objects.get()
    assert saved.credentials["fetch_function_key"] == FakeStopNCII.FETCH_KEY
    page = client.get(f"{LIST}{saved.pk}/").content.decode()
    assert FakeStopNCII.FETCH_KEY not in page and FakeStopNCII.SUBSCRIPTION not in page
    assert "leave empty to keep it" in page


def test_saving_with_the_secrets_left_empty_keeps_them(lead, bank, stopncii, sign_in):
    saved = connect(lead, bank, stopncii)
    client = sign_in(lead)

    response = client.post(
        f"{LIST}{saved.pk}/",
        form(bank, stopncii, name="Renamed", secret_subscription_key="", secret_fetch_function_key=""),
    )

    assert response.status_code == 302
    saved = reload(saved)
    assert saved.name == "Renamed" and saved.credentials == stopncii.credentials()


def test_an_ncmec_connection_that_would_export_is_refused_with_a_reason(lead, bank, ncmec, sign_in):
    client = sign_in(lead)

    response = client.post(
        f"{LIST}new/",
        form(bank, ncmec, kind=ExchangeKind.NCMEC, exports="on", secret_username="u", secret_password="p"),
    )

    assert response.status_code == 200
    assert "cannot send hashes" in response.content.decode()
    assert not ExchangeConnection.objects.exists()


def test_a_plain_http_address_is_refused_outside_tests(lead, bank, stopncii, sign_in, settings):
    settings.EXCHANGES_ALLOW_PRIVATE_ADDRESSES = False
    client = sign_in(lead)

    response = client.post(f"{LIST}new/", form(bank, stopncii))

    assert "must start with https://" in response.content.decode()


def test_run_now_is_done_by_a_worker_after_the_request(
    lead, bank, stopncii, sign_in, django_capture_on_commit_callbacks
):
    stopncii.add(random_pdq())
    saved = connect(lead, bank, stopncii)
    client = sign_in(lead)

    with django_capture_on_commit_callbacks(execute=False) as kicks:
        response = client.post(f"{LIST}{saved.pk}/run/")
    assert response.status_code == 302
    assert reload(saved).run_requested_at is not None
    assert not HashEntry.objects.filter(bank=bank).exists()  # nothing in the request itself

    for kick in kicks:  # the worker (Celery runs eagerly in tests)
        kick()
    saved = reload(saved)
    assert HashEntry.objects.filter(bank=bank).count() == 1
    assert saved.run_requested_at is None and saved.last_run_at is not None
    page = client.get(LIST).content.decode()
    assert saved.name in page


def test_the_list_shows_the_last_error_and_counts(lead, bank, stopncii, sign_in):
    saved = connect(lead, bank, stopncii, credentials={"subscription_key": "x", "fetch_function_key": "y"})
    from childshield.exchanges.runs import exchange_run

    exchange_run(connection_id=saved.pk)

    page = sign_in(lead).get(LIST).content.decode()
    assert "refused the credentials" in page


def test_a_switched_off_connection_cannot_be_run_now(lead, bank, stopncii, sign_in):
    saved = connect(lead, bank, stopncii)
    client = sign_in(lead)

    client.post(f"{LIST}{saved.pk}/switch/")
    response = client.post(f"{LIST}{saved.pk}/run/", follow=True)

    assert reload(saved).is_enabled is False and reload(saved).run_requested_at is None
    assert "switched off" in response.content.decode()


def test_another_hotlines_lead_finds_no_connection(lead, other_lead, bank, stopncii, sign_in):
    saved = connect(lead, bank, stopncii)
    client = sign_in(other_lead)

    assert saved.name not in client.get(LIST).content.decode()
    assert client.get(f"{LIST}{saved.pk}/").status_code == 404
    assert client.post(f"{LIST}{saved.pk}/run/").status_code == 404
    assert client.post(f"{LIST}{saved.pk}/switch/").status_code == 404
    assert reload(saved).is_enabled


def test_an_analyst_may_not_open_the_page(analyst, sign_in):
    assert sign_in(analyst).get(LIST).status_code == 403


def test_a_system_administrator_sees_and_runs_every_connection_but_sets_none_up(
    lead, admin, bank, stopncii, sign_in
):
    saved = connect(lead, bank, stopncii)
    client = sign_in(admin)

    assert saved.name in client.get(LIST).content.decode()
    assert client.get(f"{LIST}{saved.pk}/").status_code == 403
    assert client.get(f"{LIST}new/").status_code == 403
    assert client.post(f"{LIST}{saved.pk}/switch/").status_code == 302
    assert reload(saved).is_enabled is False


def test_the_list_reads_the_same_number_of_queries_for_more_connections(lead, stopncii, sign_in):
    client = sign_in(lead)
    connect(lead, make_bank(lead, "one"), stopncii)
    client.get(LIST)
    with CaptureQueriesContext(db) as one:
        client.get(LIST)
    for name in ("two", "three", "four"):
        connect(lead, make_bank(lead, name), stopncii)
    with CaptureQueriesContext(db) as four:
        client.get(LIST)
    assert len(four) == len(one)
