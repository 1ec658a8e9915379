"""Demo figures: two years of synthetic reports, helpline contacts, cases and hotline items across Viet
Nam's provinces, so that the programme's indicators page shows most national figures unsuppressed.

Everything belongs to made-up agencies marked "(figures)" and to made-up people who cannot sign in,
so the demo accounts' own queues and lists keep only the demo's few stories. Records are written in
bulk (thousands of them: the services, one at a time, would take minutes), with the fields the
services would set; encrypted fields go through the model, so they are encrypted as any other.
Nothing is real: names are made of common name parts, addresses are on example.invalid. Running it
again creates nothing.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from childshield.accounts.models import AgencyKind, Membership, Role
from childshield.core.choices import ChiAgeBand, ChiGender, ReporterAgeBand, ReporterGender
from childshield.demo.figures_cases import figures_cases_seed
from childshield.demo.figures_counts import figures_counts_seed
from childshield.demo.figures_hotline import figures_hotline_seed
from childshield.demo.helpline import SUMMARIES as CONTACT_SUMMARIES
from childshield.demo.synthetic import BATCH, Provinces, figures_agency, figures_member, moment, pick
from childshield.helpline.models import (
    CallerType,
    Category,
    Contact,
    ContactChannel,
    ContactKind,
    Disability,
    Ethnicity,
    Outcome,
)
from childshield.intake.models import (
    About,
    Channel,
    Harm,
    Platform,
    Report,
    ReportMessage,
    ReportStatus,
    SafeNow,
    Screening,
    Sender,
    When,
)
from childshield.intake.references import REFERENCE_ALPHABET

REPORTS = 3000
CONTACTS = 8000
SEED = 20261206
# Marks the figures' reports (they have no agency): their one-time keys start with it.
REPORT_KEY_PREFIX = "demo-figures-"
FIGURES_HELPLINE = "Demo provincial helpline (figures)"


# Reports ----------------------------------------------------------------------------------------

CHANNEL_WEIGHTS = {
    Channel.WEB: 55,
    Channel.PHONE: 12,
    Channel.CHAT: 12,
    Channel.SMS: 4,
    Channel.EMAIL: 3,
    Channel.WALK_IN: 3,
    Channel.PLATFORM: 7,
    Channel.PARTNER: 4,
}
HARM_WEIGHTS = {
    Harm.THREATENED: 18,
    Harm.ASKED_FOR_PICTURES: 20,
    Harm.PICTURES_SHARED: 14,
    Harm.UNWANTED_IMAGES: 10,
    Harm.GROOMING: 15,
    Harm.BULLYING: 12,
    Harm.ABUSE_MATERIAL: 7,
    Harm.OTHER: 4,
}
PLATFORM_WEIGHTS = {
    Platform.FACEBOOK: 22,
    Platform.MESSENGER: 12,
    Platform.ZALO: 16,
    Platform.TIKTOK: 14,
    Platform.YOUTUBE: 4,
    Platform.INSTAGRAM: 5,
    Platform.TELEGRAM: 5,
    Platform.DISCORD: 3,
    Platform.GAME: 8,
    Platform.WEBSITE: 4,
    Platform.OTHER: 2,
    Platform.UNKNOWN: 2,
    "": 3,
}
REPORT_AGE_WEIGHTS = {
    ReporterAgeBand.UNDER_10: 5,
    ReporterAgeBand.AGE_10_12: 20,
    ReporterAgeBand.AGE_13_15: 38,
    ReporterAgeBand.AGE_16_17: 22,
    ReporterAgeBand.ADULT: 3,
    "": 12,
}
REPORT_GENDER_WEIGHTS = {ReporterGender.GIRL: 58, ReporterGender.BOY: 30, ReporterGender.ANOTHER: 2, "": 10}
# The ?from= of links schools and campaigns hand out (made up); most reports come without one.
# Registered as source links by demo/figures_counts.py, except the last (counted as "not registered").
SOURCE_WEIGHTS = {
    "": 78,
    "school-poster-demo": 8,
    "safer-internet-day-demo": 6,
    "chatnhanh-app-demo": 6,
    "old-leaflet-demo": 2,
}
REPORT_WORDS = (
    "Someone I met in a game keeps asking for photos.",
    "A boy in my class shared a picture of me in a group.",
    "An adult online sends gifts and wants to meet me alone.",
    "Someone says he will post my video unless I pay.",
    "I saw a video of a child that should not be online.",
)
REPLIES = (
    "Thank you for telling us. It is not your fault. We are here to help.",
    "Thank you for looking out for a friend. Can you call 111 so we can talk?",
    "We have passed the address on so that it can be taken down. Thank you.",
)


def _reference(number: int) -> str:
    """A code of the issued kind (eight characters of the issuing alphabet), "FG" and the number."""
    digits = []
    for _position in range(6):
        number, rest = divmod(number, len(REFERENCE_ALPHABET))
        digits.append(REFERENCE_ALPHABET[rest])
    return "FG" + "".join(reversed(digits))


def figures_reports_seed(
    *, rng: random.Random, provinces: Provinces, country: str, now: datetime, counsellor: Membership
) -> int:
    """Reports answered by the figures helpline: closed, or (the last fortnight's) answered and open;
    never waiting, so the helpline's queue keeps only the demo's own reports."""
    if Report.objects.filter(idempotency_key__startswith=REPORT_KEY_PREFIX).exists():
        return 0
    reports = []
    for number in range(REPORTS):
        created = moment(rng, now)
        safe_now = pick(rng, {SafeNow.YES: 70, SafeNow.NO: 8, SafeNow.NOT_SURE: 12, "": 10})
        harms = sorted({pick(rng, HARM_WEIGHTS) for _harm in range(rng.choice((1, 1, 2, 3)))})
        recent = now - created < timedelta(days=14)
        reports.append(
            Report(
                channel=pick(rng, CHANNEL_WEIGHTS),
                country=country,
                reference=_reference(number),
                about=pick(
                    rng, {About.ME: 60, About.FRIEND: 20, About.CHILD_I_KNOW: 12, About.SEEN_ONLINE: 8}
                ),
                harms=harms,
                description=rng.choice(REPORT_WORDS),
                platform=pick(rng, PLATFORM_WEIGHTS),
                source=pick(rng, SOURCE_WEIGHTS),
                happened=rng.choice(When.values),
                safe_now=safe_now,
                is_urgent=safe_now == SafeNow.NO,
                age_band=pick(rng, REPORT_AGE_WEIGHTS),
                gender=pick(rng, REPORT_GENDER_WEIGHTS),
                province=provinces.on(rng, timezone.localtime(created).date())
                if rng.random() < 0.88
                else None,
                language=pick(rng, {"vi": 90, "km": 3, "en": 7}),
                status=ReportStatus.OPEN if recent and rng.random() < 0.5 else ReportStatus.CLOSED,
                screening=Screening.CLEAR,
                idempotency_key=f"{REPORT_KEY_PREFIX}{number:05d}",
                created_at=created,
            )
        )
    Report.objects.bulk_create(reports, batch_size=BATCH)
    # Every report was answered: the helpline's reply is the last word of each thread.
    replies = [
        ReportMessage(
            report=report,
            sender=Sender.STAFF,
            author=counsellor,
            body=rng.choice(REPLIES),
            created_at=min(report.created_at + timedelta(minutes=rng.randint(4, 600)), now),
        )
        for report in reports
    ]
    ReportMessage.objects.bulk_create(replies, batch_size=BATCH)
    return len(reports)


# Helpline contacts ------------------------------------------------------------------------------

CONTACT_KIND_WEIGHTS = {
    ContactKind.COUNSELLING: 50,
    ContactKind.SILENT: 18,
    ContactKind.HANG_UP: 13,
    ContactKind.WRONG_NUMBER: 8,
    ContactKind.PRANK: 6,
    ContactKind.THANK_YOU: 5,
}
CONTACT_CHANNEL_WEIGHTS = {
    ContactChannel.PHONE: 62,
    ContactChannel.CHAT: 18,
    ContactChannel.SMS: 7,
    ContactChannel.EMAIL: 4,
    ContactChannel.WALK_IN: 3,
    ContactChannel.WEB: 6,
}
CALLER_WEIGHTS = {
    CallerType.CHILD: 58,
    CallerType.CAREGIVER: 22,
    CallerType.PROFESSIONAL: 8,
    CallerType.OTHER: 5,
    CallerType.UNKNOWN: 7,
}
CHI_AGE_WEIGHTS = {
    ChiAgeBand.UNKNOWN: 8,
    ChiAgeBand.AGE_0_6: 2,
    ChiAgeBand.AGE_7_9: 5,
    ChiAgeBand.AGE_10_12: 18,
    ChiAgeBand.AGE_13_15: 32,
    ChiAgeBand.AGE_16_17: 20,
    ChiAgeBand.AGE_18_25: 8,
    ChiAgeBand.OVER_25: 7,
}
CHI_GENDER_WEIGHTS = {ChiGender.UNKNOWN: 6, ChiGender.GIRL: 54, ChiGender.BOY: 37, ChiGender.ANOTHER: 3}
CONTACT_ETHNICITY_WEIGHTS = {
    Ethnicity.UNKNOWN: 20,
    Ethnicity.MAJORITY: 58,
    Ethnicity.MINORITY: 18,
    Ethnicity.NOT_SAID: 4,
}
CONTACT_DISABILITY_WEIGHTS = {Disability.UNKNOWN: 45, Disability.YES: 7, Disability.NO: 48}
OUTCOME_WEIGHTS = {
    Outcome.RESOLVED: 48,
    Outcome.FOLLOW_UP: 20,
    Outcome.REFERRED: 20,
    Outcome.ESCALATED: 4,
    Outcome.DROPPED: 6,
    "": 2,
}


def _contact(
    rng: random.Random, *, counsellor: Membership, provinces: Provinces, now: datetime, kind: str
) -> Contact:
    started = moment(rng, now)
    contact = Contact(
        agency=counsellor.agency,
        counsellor=counsellor,
        channel=pick(rng, CONTACT_CHANNEL_WEIGHTS),
        kind=kind,
        started_at=started,
    )
    if kind != ContactKind.COUNSELLING:
        return contact  # a one-click contact records nothing more (contact_log_quick)
    contact.caller_type = pick(rng, CALLER_WEIGHTS)
    contact.age_band = pick(rng, CHI_AGE_WEIGHTS)
    contact.gender = pick(rng, CHI_GENDER_WEIGHTS)
    contact.ethnicity = pick(rng, CONTACT_ETHNICITY_WEIGHTS)
    contact.disability = pick(rng, CONTACT_DISABILITY_WEIGHTS)
    day = timezone.localtime(started).date()
    contact.province = provinces.on(rng, day) if rng.random() < 0.85 else None
    contact.summary = rng.choice(CONTACT_SUMMARIES)
    contact.actions = ["counselling", *rng.sample(["information", "referral"], rng.randint(0, 1))]
    contact.outcome = pick(rng, OUTCOME_WEIGHTS)
    contact.duration_minutes = rng.randint(3, 55)
    return contact


def figures_contacts_seed(
    *, rng: random.Random, provinces: Provinces, now: datetime, counsellor: Membership
) -> int:
    """The figures helpline's contacts, half of them counselling with CHI categories."""
    if Contact.objects.filter(agency=counsellor.agency).exists():
        return 0
    leaves = list(Category.objects.filter(is_active=True, children__isnull=True).distinct().order_by("pk"))
    online = [category for category in leaves if category.online_protection] or leaves
    contacts = [
        _contact(
            rng, counsellor=counsellor, provinces=provinces, now=now, kind=pick(rng, CONTACT_KIND_WEIGHTS)
        )
        for _number in range(CONTACTS)
    ]
    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    through = Contact.categories.through
    links = []
    counselling = [contact for contact in contacts if contact.kind == ContactKind.COUNSELLING]
    for number, contact in enumerate(counselling):
        # Every category is named at least once, then as children's calls go: online harms first.
        chosen = {leaves[number]} if number < len(leaves) else set()
        if rng.random() < 0.6:
            chosen.add(rng.choice(online))
        chosen |= set(rng.sample(leaves, rng.choice((1, 1, 2)))) if leaves else set()
        links += [through(contact_id=contact.pk, category_id=category.pk) for category in chosen]
    through.objects.bulk_create(links, batch_size=BATCH)
    return len(contacts)


@dataclass
class FiguresMade:
    reports: int = 0
    contacts: int = 0
    cases: int = 0
    items: int = 0
    others: int = 0  # services, reopenings, block requests, children's own hashes (figures_counts)

    def summary(self) -> str:
        return (
            f"demo figures ({self.reports} reports, {self.contacts} helpline contacts, "
            f"{self.cases} cases, {self.items} hotline items, {self.others} other records new)"
        )

    @property
    def total(self) -> int:
        return self.reports + self.contacts + self.cases + self.items + self.others


def demo_figures_seed(*, country: str = "VN", now: datetime | None = None) -> FiguresMade:
    """Seed the figures' records that are missing (called inside `demo_seed`'s transaction)."""
    now = now or timezone.now()
    rng = random.Random(SEED)  # noqa: S311 - made-up data, not security
    provinces = Provinces.of(country, timezone.localdate(now))
    helpline = figures_agency(
        country=country, name=FIGURES_HELPLINE, kind=AgencyKind.HELPLINE, area_codes=(country,)
    )
    counsellor = figures_member(
        agency=helpline, role=Role.COUNSELLOR, handle="counsellor", full_name="Demo counsellor (figures)"
    )
    made = FiguresMade()
    made.reports = figures_reports_seed(
        rng=rng, provinces=provinces, country=country, now=now, counsellor=counsellor
    )
    made.contacts = figures_contacts_seed(rng=rng, provinces=provinces, now=now, counsellor=counsellor)
    made.cases = figures_cases_seed(rng=rng, provinces=provinces, country=country, now=now)
    made.items = figures_hotline_seed(rng=rng, country=country, now=now)
    made.others = figures_counts_seed(country=country, now=now)
    return made
