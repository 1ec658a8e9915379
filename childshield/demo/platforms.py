"""The demo platform, ChatNhanh: the hotline's traces name it, it answered the notices it was sent
through the API, and it sent a report, so that its record and the regulator's view show something."""

from datetime import timedelta

from django.db import transaction

from childshield.accounts.models import Agency, AgencyKind
from childshield.hashing.models import ApiKey, ApiScope
from childshield.hashing.services import api_key_create
from childshield.hotline.models import HostingProvider, Notice, RecipientKind
from childshield.platforms.models import NoticeResponse, PlatformHost, ResponseKind
from childshield.platforms.services.reports import PlatformReportData, platform_report_receive

PLATFORM_NAME = "ChatNhanh (demo platform)"


@transaction.atomic
def demo_platforms_seed() -> int:
    """Link the demo platform to its hosting provider and answer its notices; returns the answers made
    (0 when the demo has them already)."""
    platform = Agency.objects.filter(kind=AgencyKind.PLATFORM, name=PLATFORM_NAME).first()
    provider = HostingProvider.objects.filter(name=PLATFORM_NAME).first()
    if platform is None or provider is None or PlatformHost.objects.filter(provider=provider).exists():
        return 0
    PlatformHost.objects.create(platform=platform, provider=provider)
    key = ApiKey.objects.filter(agency=platform, revoked_at__isnull=True).first()
    if key is None:
        key, _secret = api_key_create(  # the secret is not kept: `create_platform_credential` gives one
            agency=platform,
            name="ChatNhanh integration (demo)",
            scopes=list(ApiScope.values),
            created_by=None,
        )
    made = 0
    notices = Notice.objects.filter(
        recipient_kind=RecipientKind.PLATFORM, sent_at__isnull=False, item__provider=provider
    ).select_related("item")
    for number, notice in enumerate(notices.order_by("pk")):
        assert notice.sent_at is not None
        acknowledged = notice.sent_at + timedelta(hours=1 + number % 5)
        answers = [(ResponseKind.ACKNOWLEDGED, acknowledged)]
        removed_at = notice.item.removed_at
        if removed_at is not None and removed_at > acknowledged:
            answers.append((ResponseKind.REMOVED, removed_at - timedelta(minutes=30)))
        for kind, at in answers:
            NoticeResponse.objects.get_or_create(
                notice=notice,
                platform=platform,
                kind=kind,
                defaults={"api_key": key, "acted_at": at, "received_at": at},
            )
            made += 1
    platform_report_receive(
        key=key,
        data=PlatformReportData(
            incident_type="sextortion",
            external_id="CN-2026-0042",
            file_hashes=[{"algorithm": "md5", "value": "5d41402abc4b2a76b9719d911017c592"}],
            reviewed_by_platform=True,
            apparent_age="pubescent",
            description="A made-up account asked a young user for pictures, then threatened to share them.",
        ),
    )
    return made
