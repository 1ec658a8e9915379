"""The exchanges' staff pages pass axe-core's WCAG 2.2 AA rules, with data on them: the list with a
connection that failed and one that ran, and the forms to add and edit one (a hotline lead). One
language: the pages share their layout with pages checked in all three."""

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.exchanges.models import ExchangeConnection, ExchangeKind
from childshield.exchanges.services import ConnectionData, connection_create
from childshield.hashing import services as hashing
from childshield.hashing.models import BankSource, SharingPolicy
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_exchanges_pages_are_accessible(live_server, page, axe, make_member, settings):
    settings.EXCHANGES_ALLOW_PRIVATE_ADDRESSES = True
    hotline = Agency.objects.create(country="VN", name="Hotline (browser)", kind=AgencyKind.HOTLINE)
    lead = make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)
    bank = hashing.bank_create(
        actor=lead,
        name="From exchanges",
        source=BankSource.PARTNER_EXCHANGE,
        sharing=SharingPolicy.NOT_SHARED,
    )
    made = []
    for kind, name in [(ExchangeKind.STOPNCII, "StopNCII"), (ExchangeKind.NCMEC, "NCMEC")]:
        data = ConnectionData(
            name=name,
            kind=kind,
            bank=bank,
            base_url="http://127.0.0.1:9/",
            collaboration="",
            imports=True,
            exports=kind == ExchangeKind.STOPNCII,
            credentials={"username": "made-up", "password": "made-up"}
            if kind == ExchangeKind.NCMEC
            else {"subscription_key": "made-up", "fetch_function_key": "f", "submit_function_key": "s"},
        )
        made.append(connection_create(actor=lead, data=data))
    now = timezone.now()
    ExchangeConnection.objects.filter(pk=made[0].pk).update(last_run_at=now, last_success_at=now)
    ExchangeConnection.objects.filter(pk=made[1].pk).update(
        last_run_at=now, last_error="The exchange refused the credentials (401)."
    )

    sign_in(page, live_server.url, lead.user.email, language="vi")
    for path in ["exchanges/", "exchanges/new/", f"exchanges/{made[1].pk}/"]:
        page.goto(f"{live_server.url}/vi/{path}")
        assert page.locator("main h1").count() == 1, path
        assert_accessible(axe, page)
