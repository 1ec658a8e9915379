"""Standing people and places for hotline tests: two analysts and a lead of one hotline, an analyst of
another hotline, police; a hosting provider with an abuse address; a fixed clock to move on by hand."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from childshield.accounts.models import Agency, AgencyKind, Membership, Role
from childshield.hotline.models import ContentItem, HostingProvider, PartnerHotline, RecipientKind, SourceKind
from childshield.hotline.services.assessment import AssessmentInput, assessment_confirm, assessment_record
from childshield.hotline.services.items import content_item_report
from childshield.hotline.tracing import AddressInfo, TraceResult

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ASN = 64500


@pytest.fixture
def hotline_agency(db: None) -> Agency:
    return Agency.objects.create(country="VN", name="Child Online Hotline (test)", kind=AgencyKind.HOTLINE)


@pytest.fixture
def other_hotline(db: None) -> Agency:
    return Agency.objects.create(country="KH", name="Other Hotline (test)", kind=AgencyKind.HOTLINE)


@pytest.fixture
def police_agency(db: None) -> Agency:
    return Agency.objects.create(country="VN", name="Cybercrime Police (test)", kind=AgencyKind.POLICE)


@pytest.fixture
def analyst(make_member: Callable[..., Membership], hotline_agency: Agency) -> Membership:
    return make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline_agency)


@pytest.fixture
def second_analyst(make_member: Callable[..., Membership], hotline_agency: Agency) -> Membership:
    return make_member(email="second@example.org", role=Role.HOTLINE_ANALYST, agency=hotline_agency)


@pytest.fixture
def lead(make_member: Callable[..., Membership], hotline_agency: Agency) -> Membership:
    return make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline_agency)


@pytest.fixture
def foreign_analyst(make_member: Callable[..., Membership], other_hotline: Agency) -> Membership:
    return make_member(email="foreign@example.org", role=Role.HOTLINE_ANALYST, agency=other_hotline)


@pytest.fixture
def officer(make_member: Callable[..., Membership], police_agency: Agency) -> Membership:
    return make_member(email="officer@example.org", role=Role.CASE_WORKER, agency=police_agency)


@pytest.fixture
def provider(db: None) -> HostingProvider:
    return HostingProvider.objects.create(
        name="Example Hosting", asns=[ASN], country="NL", abuse_email="abuse@hosting.example"
    )


@pytest.fixture
def partner(db: None) -> PartnerHotline:
    return PartnerHotline.objects.create(
        name="Meldpunt (test)",
        country="NL",
        kind=RecipientKind.PARTNER_HOTLINE,
        email="report@partner.example",
    )


def fake_trace(country: str = "NL", asn: int | None = ASN, error: str = "") -> Callable[..., TraceResult]:
    def trace(host: str, *, resolver: Any = None) -> TraceResult:
        if error:
            return TraceResult(host=host, error=error)
        return TraceResult(
            host=host,
            addresses=[
                AddressInfo(
                    ip="192.0.2.10", network="192.0.2.0/24", asn=asn, as_org="Example", country=country
                )
            ],
        )

    return trace


@pytest.fixture
def traced_to_provider(
    monkeypatch: pytest.MonkeyPatch, provider: HostingProvider
) -> Iterator[HostingProvider]:
    monkeypatch.setattr("childshield.hotline.tracing.trace_host", fake_trace())
    yield provider


def confirmed_item(
    url: str,
    *,
    analyst: Membership,
    second: Membership,
    category: str = "B",
    at: datetime = T0,
) -> ContentItem:
    """An item reported, assessed as abuse material and confirmed (the first notice is not sent here)."""
    item = content_item_report(acting=None, agency=analyst.agency, url=url, source=SourceKind.PARTNER, now=at)
    assessment = assessment_record(acting=analyst, item=item, data=abuse(category), now=at)
    assessment_confirm(acting=second, assessment=assessment, now=at)
    item.refresh_from_db()
    return item


def abuse(category: str = "B") -> AssessmentInput:
    return AssessmentInput(
        classification="abuse_material",
        illegal_national=True,
        interpol_baseline=True,
        category=category,
        content_type="image",
        apparent_age="7_10",
        commercial=False,
    )


@pytest.fixture
def local_checks(settings: Any) -> None:
    """Removal checks may reach the test's own servers on 127.0.0.1 (refused in production)."""
    settings.HOTLINE_CHECK_ALLOW_PRIVATE_ADDRESSES = True
