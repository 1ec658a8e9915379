"""Standing people for the exchanges: a hotline's lead (who sets connections up) and analyst (the
hashing tests' own), a lead of another hotline and a system administrator; two banks of the
hotline; and the fake exchanges, started and stopped per test."""

from collections.abc import Iterator

import pytest

from childshield.accounts.models import Role
from childshield.exchanges.models import ExchangeConnection, ExchangeKind
from childshield.exchanges.services import ConnectionData, connection_create
from childshield.hashing import services as hashing
from childshield.hashing.models import Algorithm, BankSource, HashBank, HashEntry, MatchChannel, SharingPolicy
from tests.exchanges.fakes import FakeNCMEC, FakeServer, FakeStopNCII, FakeThreatExchange, random_pdq
from tests.hashing import conftest as hashing_people

# The hashing tests' standing hotline, its analyst and lead, and another hotline.
hotline, other_hotline = hashing_people.hotline, hashing_people.other_hotline
analyst, lead = hashing_people.analyst, hashing_people.lead


@pytest.fixture(autouse=True)
def local_exchanges(settings):
    # The fakes listen on 127.0.0.1 over plain http.
    settings.EXCHANGES_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def other_lead(make_member, other_hotline):
    return make_member(email="other.lead@example.org", role=Role.HOTLINE_LEAD, agency=other_hotline)


@pytest.fixture
def admin(make_member, hotline):
    return make_member(email="admin@example.org", role=Role.SYSTEM_ADMIN, agency=hotline)


def make_bank(member, name: str) -> HashBank:
    return hashing.bank_create(
        actor=member, name=name, source=BankSource.PARTNER_EXCHANGE, sharing=SharingPolicy.NOT_SHARED
    )


@pytest.fixture
def bank(lead):
    return make_bank(lead, "From the exchange")


@pytest.fixture
def bank_b(lead):
    return make_bank(lead, "Second bank")


def _running(fake: FakeServer) -> Iterator[FakeServer]:
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def stopncii() -> Iterator[FakeServer]:
    yield from _running(FakeStopNCII())


@pytest.fixture
def ncmec() -> Iterator[FakeServer]:
    yield from _running(FakeNCMEC())


@pytest.fixture
def threatexchange() -> Iterator[FakeServer]:
    yield from _running(FakeThreatExchange())


def connect(member, bank, fake, *, name: str = "", imports: bool = True, exports: bool = False, **more):
    kind = {
        FakeStopNCII: ExchangeKind.STOPNCII,
        FakeNCMEC: ExchangeKind.NCMEC,
        FakeThreatExchange: ExchangeKind.THREATEXCHANGE,
    }[type(fake)]
    data = ConnectionData(
        name=name or f"{kind} into {bank.name}",
        kind=kind,
        bank=bank,
        base_url=fake.url,
        collaboration=FakeThreatExchange.GROUP if kind == ExchangeKind.THREATEXCHANGE else "",
        imports=imports,
        exports=exports,
        credentials=more.pop("credentials", None) or fake.credentials(),
        **more,
    )
    return connection_create(actor=member, data=data)


def reload(connection: ExchangeConnection) -> ExchangeConnection:
    return ExchangeConnection.objects.get(pk=connection.pk)


def live_values(bank: HashBank) -> set[str]:
    return set(HashEntry.objects.filter(bank=bank, removed_at__isnull=True).values_list("value", flat=True))


def bank_with_pdq(member, bank: HashBank, count: int) -> set[str]:
    """`count` random PDQ hashes added to the bank by hand, as an analyst would."""
    values = {random_pdq() for _ in range(count)}
    for value in values:
        hashing.entry_add(actor=member, bank=bank, algorithm=Algorithm.PDQ, value=value)
    return values


def matched(bank: HashBank, value: str) -> bool:
    """Whether the match service (and its index) finds the PDQ hash in the bank."""
    [result] = hashing.hashes_match(
        queries=[hashing.HashQuery(Algorithm.PDQ, value)],
        bank_ids=[bank.pk],
        channel=MatchChannel.SERVICE,
        agency=bank.owner,
    )
    return result.status == "matched" and any(match.bank_id == bank.pk for match in result.matches)
