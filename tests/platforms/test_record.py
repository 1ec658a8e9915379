"""A platform's record, month by month, matches figures computed by hand on a small fixture; its staff
read their own, the regulator and the hotline's leads every platform's; others nothing."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.hashing.models import Algorithm, BankSource, HashBank, HashEntry, SharingPolicy
from childshield.hotline.models import ContentItem, HostingProvider, Notice, NoticeState, RecipientKind
from childshield.platforms.models import (
    NoticeResponse,
    PlatformHost,
    PlatformReport,
    ResponseKind,
    SignalFeedback,
)
from childshield.platforms.record import platform_record

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
SENT = datetime(2026, 11, 10, 9, 0, tzinfo=ZONE)
HOUR = timedelta(hours=1)


@pytest.fixture
def world(hotline, credential):
    platform, key, _secret = credential
    other = Agency.objects.create(country="VN", name="Other App (test)", kind=AgencyKind.PLATFORM)
    provider = HostingProvider.objects.create(name="Video App hosting", is_platform=True)
    other_provider = HostingProvider.objects.create(name="Other hosting", is_platform=True)
    PlatformHost.objects.create(platform=platform, provider=provider)
    PlatformHost.objects.create(platform=other, provider=other_provider)

    def notice(number, *, provider=provider, sequence=1, sent=SENT, removed_after=None, answered_after=None):
        item = ContentItem.objects.create(
            agency=hotline,
            url=f"https://video.example/{number}",
            url_key=f"key-{number}-{sequence}",
            host="video.example",
            display_host="video.example",
            provider=provider,
            removed_at=sent + removed_after * HOUR if removed_after is not None else None,
        )
        made = Notice.objects.create(
            item=item,
            sequence=sequence,
            recipient_kind=RecipientKind.PLATFORM,
            recipient_name="Video App",
            recipient_email="abuse@video.example",
            state=NoticeState.SENT,
            sent_at=sent,
        )
        if answered_after is not None:
            at = sent + answered_after * HOUR
            NoticeResponse.objects.create(
                notice=made,
                platform=platform,
                api_key=key,
                kind=ResponseKind.ACKNOWLEDGED,
                acted_at=at,
                received_at=at,
            )
        return made

    # November: five first notices answered after 1, 2, 3, 4 and 10 hours; three removed after 2, 6, 30.
    for number, (answered, removed) in enumerate([(1, 2), (2, 6), (3, None), (4, 30), (10, None)]):
        notice(number, answered_after=answered, removed_after=removed)
    notice(90, sequence=2, answered_after=50, removed_after=60)  # a re-notice: not a new address
    notice(91, provider=other_provider, answered_after=1)  # another platform's
    notice(92, sent=SENT - timedelta(days=31), answered_after=5, removed_after=8)  # October
    for at in (SENT, SENT + HOUR, SENT - timedelta(days=31)):
        PlatformReport.objects.create(platform=platform, api_key=key, incident_type="other", received_at=at)
    bank = HashBank.objects.create(
        name="Shared", owner=hotline, source=BankSource.HOTLINE_CONFIRMED, sharing=SharingPolicy.ALL_PLATFORMS
    )
    entry = HashEntry.objects.create(bank=bank, algorithm=Algorithm.MD5, value="ab" * 16)
    SignalFeedback.objects.create(
        entry=entry, bank=bank, platform=platform, api_key=key, verdict="blocked", first_at=SENT
    )
    return platform, other


def test_the_record_matches_figures_computed_by_hand(world):
    platform, _other = world

    november, october = platform_record(platform=platform, months=2, until=date(2026, 11, 20))

    assert str(november.month) == "2026-11" and str(october.month) == "2026-10"
    assert (november.notices, november.answered, november.removed) == (5, 5, 3)
    assert november.removed_share == pytest.approx(0.6)
    # answers 1, 2, 3, 4, 10 h: median 3; 90th percentile at rank 3.6 of 0..4: 4 + 0.6 * 6 = 7.6
    assert (november.answer_median_hours, november.answer_p90_hours) == pytest.approx((3.0, 7.6))
    # removals 2, 6, 30 h: median 6; 90th percentile at rank 1.8 of 0..2: 6 + 0.8 * 24 = 25.2
    assert (november.removal_median_hours, november.removal_p90_hours) == pytest.approx((6.0, 25.2))
    assert (november.reports, november.feedback) == (2, 1)
    assert (october.notices, october.answered, october.removed, october.reports, october.feedback) == (
        1,
        1,
        1,
        1,
        0,
    )
    assert (october.answer_median_hours, october.removal_p90_hours) == pytest.approx((5.0, 8.0))


def test_the_platforms_staff_read_their_own_record_and_its_csv(world, make_member, sign_in):
    platform, other = world
    staff = make_member(email="tns@video.example", role=Role.PLATFORM_STAFF, agency=platform)
    client = sign_in(staff)

    page = client.get("/en/platforms/record/", {"platform": other.pk})
    download = client.get("/en/platforms/record/record.csv", {"platform": other.pk})

    assert page.status_code == 200
    assert platform.name in page.content.decode() and other.name not in page.content.decode()
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert len(rows) == 12  # the last twelve months, oldest first
    assert download["Content-Disposition"].endswith('.csv"')


def test_the_regulator_reads_every_platform(world, make_member, sign_in):
    platform, other = world
    authority = Agency.objects.create(country="VN", name="Authority (test)", kind=AgencyKind.REGULATOR)
    regulator = make_member(email="reader@authority.example", role=Role.REGULATOR, agency=authority)

    page = sign_in(regulator).get("/en/platforms/record/", {"platform": other.pk}).content.decode()

    assert f"<h1>Platform record · {other.name}</h1>" in page
    assert platform.name in page  # offered in the choice of platforms


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.HOTLINE_ANALYST, Role.PROGRAMME_MANAGER])
def test_others_may_not_read_a_platforms_record(world, make_member, sign_in, role):
    member = make_member(email="someone@example.org", role=role)

    assert sign_in(member).get("/en/platforms/record/").status_code == 403
