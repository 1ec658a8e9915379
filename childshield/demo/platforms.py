"""The demo platform, ChatNhanh: the hotline's traces name it, it answered the notices it was sent
through the API, it sent a report (naming a demo item, with a made-up uploader and place, for the
hotline's report page) and its engineer tried the sandbox (a sandbox key, a webhook, a
sandbox report), so that its dashboard, its record and the regulator's view show something; and it
blocks the first picture of the demo's request to block pictures, so that the child's code page
(`DEME-2345`) shows what an app said."""

from datetime import timedelta

from django.db import transaction

from childshield.accounts.models import Agency, AgencyKind, Membership, Role
from childshield.hashing.models import ApiKey, ApiScope
from childshield.hashing.services import api_key_create
from childshield.hotline.models import HostingProvider, Notice, RecipientKind
from childshield.intake.models import BlockedImage, BlockedImageState
from childshield.intake.services import blocked_images_decide
from childshield.platforms.models import (
    NoticeResponse,
    PlatformHost,
    ResponseKind,
    SignalFeedback,
    Verdict,
    WebhookSubscription,
)
from childshield.platforms.services.feedback import FeedbackItem, signal_feedback_record
from childshield.platforms.services.reports import PlatformReportData, platform_report_receive
from childshield.platforms.services.sandbox import sandbox_bank_ensure, sandbox_key_expiry
from childshield.platforms.signing import webhook_secret_new

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
    _sandbox_seed(platform)
    platform_report_receive(
        key=key,
        data=PlatformReportData(
            incident_type="sextortion",
            external_id="CN-2026-0042",
            # The demo item on ChatNhanh's host: one more report of it, linked from its page.
            urls=["https://chat.example.com/demo/005"],
            file_hashes=[{"algorithm": "md5", "value": "5d41402abc4b2a76b9719d911017c592"}],
            uploader={
                "account_id": "cn-000000-demo",
                "username": "made_up_account",
                "display_name": "Made-up Account",
                "ip_address": "192.0.2.44",
            },
            reviewed_by_platform=True,
            apparent_age="pubescent",
            location={"country": "VN", "city": "Huế", "note": "Made up: the account's sign-in city."},
            description="A made-up account asked a young user for pictures, then threatened to share them.",
        ),
    )
    return made


@transaction.atomic
def demo_block_image_feedback_seed(*, reference: str) -> int:
    """The demo hotline accepts the first picture of the request `reference` and ChatNhanh says it
    blocks it (through the feedback service, so the child's thread gets its news); the other files
    keep waiting for the analyst. Returns the hashes given feedback (0 when done already)."""
    platform = Agency.objects.filter(kind=AgencyKind.PLATFORM, name=PLATFORM_NAME).first()
    key = ApiKey.objects.filter(agency=platform, revoked_at__isnull=True).first() if platform else None
    images = list(
        BlockedImage.objects.filter(report__reference=reference, file_number=1).select_related("report")
    )
    if key is None or not images:
        return 0
    waiting = [image for image in images if image.state == BlockedImageState.PENDING]
    analyst = Membership.objects.filter(agency=images[0].hotline, role=Role.HOTLINE_ANALYST).first()
    if waiting and analyst is not None:
        blocked_images_decide(acting=analyst, images=waiting, accept=True)  # sets each image's entry
    entries = [image.entry for image in images if image.entry is not None]
    if not entries or SignalFeedback.objects.filter(platform=platform, entry__in=entries).exists():
        return 0
    items = [FeedbackItem(entry_id=entry.pk, verdict=Verdict.BLOCKED) for entry in entries]
    return signal_feedback_record(key=key, bank=entries[0].bank, items=items)


def _sandbox_seed(platform: Agency) -> None:
    """ChatNhanh's engineer tried the sandbox: a sandbox key, a webhook, a sandbox report (kept apart)."""
    sandbox_bank_ensure()
    sandbox_key, _secret = api_key_create(
        agency=platform,
        name="ChatNhanh staging (demo)",
        scopes=list(ApiScope.values),
        created_by=None,
        expires_at=sandbox_key_expiry(),
        sandbox=True,
    )
    # Made directly: the demo's address does not resolve, which the API's check would refuse.
    WebhookSubscription.objects.create(
        platform=platform, url="https://hooks.chatnhanh.example/childshield", secret=webhook_secret_new()
    )
    platform_report_receive(
        key=sandbox_key,
        data=PlatformReportData(
            incident_type="other",
            external_id="CN-TEST-1",
            urls=["https://chatnhanh.example/test/not-real"],
            description="A test report from the sandbox: made up.",
        ),
    )
