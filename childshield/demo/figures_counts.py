"""Demo figures for the counts added after the first page: source links (R3), reopenings (C2, C17),
services in the figures cases' plans (C14), referrals between the figures' offices and partner
agencies (C12, C13 and per pair), requests to block a picture (K9), children's own hashes (K11) and
the lookups that matched them (K12).

They come after the other figures (`demo_figures_seed`), from their own random sequence, so the
records made before are the same as ever. Everything belongs to the figures' made-up agencies and
people; block requests are closed and carry no picture, so no queue or review list shows them. The
children's bank is not used for matching (`is_enabled` off): its hashes are random and only counted.
Running it again creates nothing.
"""

import random
from datetime import datetime, timedelta

from childshield.accounts.models import Agency, AgencyKind, Membership, Role
from childshield.cases.models import Case, CaseStatusChange, Consent, Referral, Service
from childshield.cases.models.cases import CaseStatus
from childshield.cases.models.consent import ConsentKind, ShareSection
from childshield.cases.models.plan import ServiceStatus
from childshield.cases.models.referrals import ReferralStatus, Urgency, section_flags
from childshield.demo.figures_cases import OFFICE_NAME
from childshield.demo.figures_hotline import FIGURES_HOTLINE
from childshield.demo.synthetic import BATCH, figures_agency, figures_member, moment, pick
from childshield.directory.models import ServiceKind
from childshield.hashing.models import (
    Algorithm,
    BankSource,
    ChangeKind,
    HashBank,
    HashChange,
    HashEntry,
    MatchChannel,
    MatchRecord,
    SharingPolicy,
)
from childshield.intake.models import Channel, Report, ReportStatus, SourceLink, SourceLinkKind

SEED = 20261207
# The `?from=` values the figures' reports carry (demo/figures.py), registered as a helpline would.
SOURCE_LINKS = (
    ("safer-internet-day-demo", SourceLinkKind.CAMPAIGN, "Safer Internet Day (demo)", True),
    ("chatnhanh-app-demo", SourceLinkKind.PLATFORM, "ChatNhanh app (demo)", True),
    ("school-poster-demo", SourceLinkKind.SCHOOL, "School posters (demo)", False),
)
REOPENED_SHARE = 0.15
SERVICE_KIND_WEIGHTS = {
    ServiceKind.MHPSS: 30,
    ServiceKind.SOCIAL_SERVICE: 25,
    ServiceKind.HEALTH: 15,
    ServiceKind.JUSTICE: 12,
    ServiceKind.EDUCATION: 8,
    ServiceKind.CONTENT_REMOVAL: 10,
}
SERVICE_STATUS_WEIGHTS = {
    ServiceStatus.COMPLETED: 55,
    ServiceStatus.IN_PROGRESS: 20,
    ServiceStatus.PLANNED: 12,
    ServiceStatus.REFUSED: 7,
    ServiceStatus.CANCELLED: 6,
}
BLOCK_REQUESTS = 400
BLOCK_KEY_PREFIX = "demo-blocks-"
CHILDREN_BANK = "Children's own pictures (figures)"
OWN_HASHES = 600
# Pictures hashed in the child's browser (PDQ), and files matched exactly; no video (a vPDQ entry
# needs its frames).
OWN_HASH_ALGORITHM_WEIGHTS = {Algorithm.PDQ: 75, Algorithm.MD5: 15, Algorithm.SHA256: 10}
LOOKUPS = 3000
LOOKUP_CHANNEL_WEIGHTS = {MatchChannel.API: 80, MatchChannel.STAFF: 12, MatchChannel.SERVICE: 8}
OWN_MATCH_SHARE = 0.05  # of the lookups, those that match a child's own hash


def figures_source_links_seed(country: str) -> None:
    for code, kind, label, published in SOURCE_LINKS:
        SourceLink.objects.get_or_create(
            country=country, code=code, defaults={"kind": kind, "label": label, "published": published}
        )


def figures_reopenings_seed(*, rng: random.Random, now: datetime) -> int:
    """Some closed figures cases reopened a few weeks or months after their closure, and left open."""
    cases = Case.objects.filter(agency__name__in=[OFFICE_NAME.format(number=n) for n in range(1, 7)])
    if CaseStatusChange.objects.filter(case__in=cases, from_status=CaseStatus.CLOSED).exists():
        return 0
    changes = []
    for case in cases.filter(status=CaseStatus.CLOSED).select_related("lead_worker").order_by("pk"):
        if rng.random() >= REOPENED_SHARE or case.closed_at is None:
            continue
        reopened = case.closed_at + timedelta(days=rng.randint(10, 300))
        if reopened >= now:
            continue
        changes.append(
            CaseStatusChange(
                case=case,
                from_status=CaseStatus.CLOSED,
                to_status=CaseStatus.OPEN,
                changed_by=case.lead_worker,
                changed_at=reopened,
            )
        )
        # What `case_reopen` writes on the case.
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.OPEN, status_changed_at=reopened, closed_at=None, closure_requested_at=None
        )
    CaseStatusChange.objects.bulk_create(changes, batch_size=BATCH)
    return len(changes)


def figures_services_seed(*, rng: random.Random, now: datetime) -> int:
    """One to three services in each figures case's plan, provided by its office; most completed."""
    cases = Case.objects.filter(agency__name__in=[OFFICE_NAME.format(number=n) for n in range(1, 7)])
    if Service.objects.filter(case__in=cases).exists():
        return 0
    services = []
    for case in cases.order_by("pk"):
        for _number in range(rng.choice((1, 1, 2, 3))):
            created = case.opened_at + timedelta(days=rng.randint(2, 20))
            status = pick(rng, SERVICE_STATUS_WEIGHTS)
            completed = created + timedelta(days=rng.randint(7, 90))
            if created >= now or (status == ServiceStatus.COMPLETED and completed >= now):
                continue
            services.append(
                Service(
                    case=case,
                    kind=pick(rng, SERVICE_KIND_WEIGHTS),
                    provider_id=case.agency_id,
                    status=status,
                    completed_at=completed if status == ServiceStatus.COMPLETED else None,
                    ends_on=completed.date() if status == ServiceStatus.COMPLETED else None,
                    created_by_id=case.lead_worker_id,
                    created_at=created,
                )
            )
    Service.objects.bulk_create(services, batch_size=BATCH)
    return len(services)


# Referrals (C12, C13): every figures case is referred by its office to one of a few made-up partner
# agencies, some to a second one too, most answered within the time due: enough per pair of agencies
# for its figures to show.
SECOND_REFERRAL_SHARE = 0.3
PARTNERS = (
    ("Demo provincial health centre (figures)", AgencyKind.HEALTH, 40),
    ("Demo counselling NGO (figures)", AgencyKind.NGO, 35),
    ("Demo provincial police unit (figures)", AgencyKind.POLICE, 25),
)
ANSWER_WEIGHTS = {
    ReferralStatus.ACCEPTED: 36,
    ReferralStatus.COMPLETED: 34,
    ReferralStatus.DECLINED: 18,
    ReferralStatus.CANCELLED: 2,
    ReferralStatus.SENT: 6,
}
HOURS_DUE = {Urgency.ROUTINE: 72, Urgency.URGENT: 24}


def figures_referrals_seed(*, rng: random.Random, country: str, now: datetime) -> int:
    """Referrals of figures cases from their office to a partner agency, each on consent that names it:
    answered mostly in time, a few late, declined or still waiting (those of the last ten days)."""
    offices = [OFFICE_NAME.format(number=n) for n in range(1, 7)]
    cases = Case.objects.filter(agency__name__in=offices).select_related("agency")
    if Referral.objects.filter(case__in=cases).exists():
        return 0
    partners = []
    for name, kind, weight in PARTNERS:
        agency = figures_agency(country=country, name=name, kind=kind, area_codes=[])
        answerer = figures_member(
            agency=agency,
            role=Role.CASE_WORKER,
            handle=f"partner-{kind}",
            full_name=f"Demo {kind} answerer (figures)",
        )
        partners.append(((agency, answerer), weight))
    chosen = {str(index): pair for index, (pair, _weight) in enumerate(partners)}
    weights = {str(index): weight for index, (_pair, weight) in enumerate(partners)}
    sections: list[str] = [ShareSection.PROFILE, ShareSection.HARM]
    plans: list[tuple[Case, tuple[Agency, Membership], datetime, Urgency]] = []
    for case in cases.order_by("pk"):
        if case.lead_worker_id is None:
            continue
        first = pick(rng, weights)
        targets = [first]
        if rng.random() < SECOND_REFERRAL_SHARE:
            targets.append(rng.choice([index for index in chosen if index != first]))
        for target in targets:
            sent = case.opened_at + timedelta(hours=rng.randint(6, 24 * 20))
            if sent >= now:
                continue
            urgency = Urgency.URGENT if rng.random() < 0.2 else Urgency.ROUTINE
            plans.append((case, chosen[target], sent, urgency))
    consents = Consent.objects.bulk_create(
        [
            Consent(
                case=case,
                kind=ConsentKind.CONSENT,
                child_assent=True,
                caregiver_consent=True,
                sections=sections,
                recorded_by_id=case.lead_worker_id,
                recorded_at=sent - timedelta(hours=2),
            )
            for case, _partner, sent, _urgency in plans
        ],
        batch_size=BATCH,
    )
    Consent.agencies.through.objects.bulk_create(
        [
            Consent.agencies.through(consent_id=consent.pk, agency_id=partner[0].pk)
            for consent, (_case, partner, _sent, _urgency) in zip(consents, plans, strict=True)
        ],
        batch_size=BATCH,
    )
    referrals = []
    for consent, (case, (partner, answerer), sent, urgency) in zip(consents, plans, strict=True):
        due = sent + timedelta(hours=HOURS_DUE[urgency])
        status = ReferralStatus.SENT if sent > now - timedelta(days=10) else pick(rng, ANSWER_WEIGHTS)
        answered = None
        if status not in (ReferralStatus.SENT, ReferralStatus.CANCELLED):
            # Most within the time due, some late.
            hours = rng.uniform(1, HOURS_DUE[urgency]) if rng.random() < 0.8 else rng.uniform(1, 10) * 24 + 24
            answered = min(sent + timedelta(hours=hours), now)
        referrals.append(
            Referral(
                case=case,
                from_agency_id=case.agency_id,
                to_agency=partner,
                sent_by_id=case.lead_worker_id,
                consent=consent,
                sections=sections,
                section_flags=section_flags(sections),
                urgency=urgency,
                status=status,
                sent_at=sent,
                respond_by=due,
                responded_at=answered,
                responded_by=answerer if answered else None,
                completed_at=answered + timedelta(days=rng.randint(5, 40))
                if status == ReferralStatus.COMPLETED and answered
                else None,
            )
        )
    for referral in referrals:
        if referral.completed_at is not None and referral.completed_at > now:
            referral.completed_at = now
    Referral.objects.bulk_create(referrals, batch_size=BATCH)
    return len(consents) + len(referrals)


def figures_block_requests_seed(*, rng: random.Random, country: str, now: datetime) -> int:
    """Requests to block a picture, already answered (closed), without their hashes."""
    if Report.objects.filter(idempotency_key__startswith=BLOCK_KEY_PREFIX).exists():
        return 0
    requests = [
        Report(
            channel=Channel.BLOCK_IMAGE,
            country=country,
            reference=f"FB{number:06d}",
            about="me",
            status=ReportStatus.CLOSED,
            idempotency_key=f"{BLOCK_KEY_PREFIX}{number:05d}",
            created_at=moment(rng, now),
        )
        for number in range(BLOCK_REQUESTS)
    ]
    Report.objects.bulk_create(requests, batch_size=BATCH)
    return len(requests)


def figures_own_hashes_seed(*, rng: random.Random, country: str, now: datetime) -> int:
    """The figures hotline's bank of children's own hashes (a tenth removed since), and lookups by a
    platform and the hotline, a few of which match one of them."""
    hotline = figures_agency(
        country=country, name=FIGURES_HOTLINE, kind=AgencyKind.HOTLINE, area_codes=(country,)
    )
    if HashBank.objects.filter(owner=hotline, name=CHILDREN_BANK).exists():
        return 0
    bank = HashBank.objects.create(
        name=CHILDREN_BANK,
        owner=hotline,
        source=BankSource.SELF_SUBMITTED,
        sharing=SharingPolicy.NOT_SHARED,
        is_enabled=False,
        description="Synthetic: random values, counted by the figures only.",
    )
    entries = []
    for _number in range(OWN_HASHES):
        algorithm = pick(rng, OWN_HASH_ALGORITHM_WEIGHTS)
        bits = 128 if algorithm == Algorithm.MD5 else 256
        entries.append(
            HashEntry(
                bank=bank,
                algorithm=algorithm,
                value=f"{rng.getrandbits(bits):0{bits // 4}x}",
                quality=100 if algorithm == Algorithm.PDQ else None,
                added_at=moment(rng, now),
            )
        )
    HashEntry.objects.bulk_create(entries, batch_size=BATCH)
    removals = [
        (entry, min(entry.added_at + timedelta(days=rng.randint(1, 60)), now))
        for entry in entries
        if rng.random() < 0.1
    ]
    for entry, removed_at in removals:
        entry.removed_at = removed_at
        entry.removal_reason = "Asked by the child (synthetic)"
    removed = [entry for entry, _at in removals]
    HashEntry.objects.bulk_update(removed, ["removed_at", "removal_reason"], batch_size=BATCH)
    HashChange.objects.bulk_create(
        [HashChange(bank=bank, entry=entry, kind=ChangeKind.ADDED, at=entry.added_at) for entry in entries]
        + [HashChange(bank=bank, entry=entry, kind=ChangeKind.REMOVED, at=at) for entry, at in removals],
        batch_size=BATCH,
    )
    HashBank.objects.filter(pk=bank.pk).update(live_entries=len(entries) - len(removed))
    _lookups_seed(rng=rng, country=country, now=now, entries=entries, hotline_pk=hotline.pk)
    return len(entries)


def _lookups_seed(
    *, rng: random.Random, country: str, now: datetime, entries: list[HashEntry], hotline_pk: int
) -> None:
    platform = figures_agency(
        country=country, name="Demo platform (figures)", kind=AgencyKind.PLATFORM, area_codes=(country,)
    )
    lookups = []
    for _number in range(LOOKUPS):
        channel = pick(rng, LOOKUP_CHANNEL_WEIGHTS)
        entry = rng.choice(entries) if rng.random() < OWN_MATCH_SHARE else None
        lookups.append(
            MatchRecord(
                at=moment(rng, now),
                channel=channel,
                agency_id=platform.pk if channel == MatchChannel.API else hotline_pk,
                algorithm=entry.algorithm if entry else Algorithm.PDQ,
                value=entry.value if entry else f"{rng.getrandbits(256):064x}",
                matched=entry is not None,
                result=[{"entry": entry.pk, "bank": entry.bank_id, "distance": 0}] if entry else [],
            )
        )
    MatchRecord.objects.bulk_create(lookups, batch_size=BATCH)


def figures_counts_seed(*, country: str, now: datetime) -> int:
    """Everything above that is missing; the number of records made."""
    rng = random.Random(SEED)  # noqa: S311 - made-up data, not security
    figures_source_links_seed(country)
    return (
        figures_reopenings_seed(rng=rng, now=now)
        + figures_services_seed(rng=rng, now=now)
        + figures_referrals_seed(rng=random.Random(SEED + 1), country=country, now=now)  # noqa: S311
        + figures_block_requests_seed(rng=rng, country=country, now=now)
        + figures_own_hashes_seed(rng=rng, country=country, now=now)
    )
