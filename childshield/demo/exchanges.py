"""The demo's one exchange connection: switched off, at an example address, with made-up keys, so
the exchanges' page shows what a connection looks like without ever calling a real exchange."""

from childshield.accounts.models import Membership, Role
from childshield.exchanges.models import ExchangeConnection, ExchangeKind
from childshield.hashing.models import HashBank

DEMO_EXCHANGE_NAME = "StopNCII (demo, switched off)"


def demo_exchange_seed(*, bank: HashBank) -> bool:
    """Set up the demo connection once; True if it was made now.

    Written as set-up data rather than through `connection_create`, which would look the example
    address up in the DNS (and refuse it); it is switched off, so nothing ever runs it.
    """
    lead = Membership.objects.filter(role=Role.HOTLINE_LEAD, is_active=True, agency=bank.owner).first()
    if lead is None or ExchangeConnection.objects.filter(agency=bank.owner, name=DEMO_EXCHANGE_NAME).exists():
        return False
    ExchangeConnection.objects.create(
        agency=bank.owner,
        name=DEMO_EXCHANGE_NAME,
        kind=ExchangeKind.STOPNCII,
        base_url="https://stopncii.example/v1",
        credentials={"subscription_key": "demo-not-a-key", "fetch_function_key": "demo-not-a-key"},
        bank=bank,
        imports=True,
        exports=False,
        is_enabled=False,
        configured_by=lead,
    )
    return True
