"""Demo helpline contacts: a year of made-up calls, chats and one-click contacts, logged by the services."""

import random
from datetime import timedelta

from django.utils import timezone

from childshield.accounts.models import Agency, Membership, Role
from childshield.core.choices import ChiAgeBand, ChiGender
from childshield.demo.accounts import AGENCIES
from childshield.helpline.caller_identity import caller_key_for
from childshield.helpline.models import (
    Action,
    CallerType,
    Category,
    Contact,
    ContactKind,
    Disability,
    Ethnicity,
    Outcome,
)
from childshield.helpline.services.callers import caller_note_add
from childshield.helpline.services.contacts import ContactDetails, contact_log, contact_log_quick
from childshield.places.models import Area

COUNSELLOR_EMAIL = "counsellor@demo.childshield.test"
DEMO_CONTACTS = 360
TODAY_CONTACTS = 12
# Most of a helpline's traffic is not counselling; these weights keep the demo honest about it.
KIND_WEIGHTS: dict[str, int] = {
    ContactKind.COUNSELLING: 45,
    ContactKind.SILENT: 20,
    ContactKind.HANG_UP: 15,
    ContactKind.WRONG_NUMBER: 8,
    ContactKind.PRANK: 7,
    ContactKind.THANK_YOU: 5,
}
CHANNEL_WEIGHTS = {"phone": 70, "chat": 15, "sms": 8, "email": 4, "walk_in": 3}
SUMMARIES = (
    "A girl is scared after someone she met in a game asked for photos.",
    "A boy says classmates share a humiliating video of him in a group chat.",
    "A mother worries her son talks every night with an adult stranger online.",
    "A teacher asks how to report an image of a pupil posted on a forum.",
    "A child feels alone and cannot sleep; talked through who she can trust.",
    "Someone threatens to send a boy's pictures to his family unless he pays.",
    "A grandmother asks where to take a child who was hit at home.",
    "A teenager asks about keeping an account private.",
)
# Made-up callers (numbers of a reserved-looking 0900 000 range): some contact the helpline again,
# so the contact form shows them as repeat callers, with a few colleagues' notes.
DEMO_CALLERS = tuple(f"0900 000 {number:03d}" for number in range(1, 31))
CALLER_NOTES = (
    ("Prefers to talk in the evening, when her brother is out.", ["prefers_female"]),
    ("Was very low last time; ask gently how he is sleeping.", ["at_risk"]),
    ("Only call back on the school's number she gave.", ["safe_times"]),
)


def _counsellor() -> Membership | None:
    name = next(spec.name for spec in AGENCIES if spec.key == "helpline")
    agency = Agency.objects.filter(name=name).first()
    if agency is None:
        return None
    return (
        Membership.objects.select_related("agency", "user")
        .filter(agency=agency, user__email=COUNSELLOR_EMAIL, role=Role.COUNSELLOR)
        .first()
    )


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def demo_helpline_seed() -> int:
    """Log a year of demo contacts unless the demo counsellor has some; returns how many were made."""
    acting = _counsellor()
    if acting is None or Contact.objects.filter(counsellor=acting).exists():
        return 0
    rng = random.Random(20261125)  # noqa: S311 - made-up data, not security
    # A second generator for callers, so the contacts themselves stay as they were.
    callers = random.Random(20261126)  # noqa: S311 - made-up data, not security
    noted: set[str] = set()
    categories = list(Category.objects.filter(is_active=True, children__isnull=True).distinct())
    online = [category for category in categories if category.online_protection]
    provinces = list(Area.objects.filter(country=acting.agency.country, level=Area.Level.PROVINCE)[:20])
    now = timezone.now()
    # A few contacts earlier today, so that the supervision page has a day to show.
    today = random.Random(20261203)  # noqa: S311 - made-up data, not security
    minutes_today = int(
        (now - timezone.localtime(now).replace(hour=0, minute=0, second=0)).total_seconds() // 60
    )
    made = 0
    for index in range(DEMO_CONTACTS):
        started_at = now - timedelta(minutes=rng.randint(30, 365 * 24 * 60))
        if index < TODAY_CONTACTS and minutes_today > 10:
            started_at = now - timedelta(minutes=today.randint(5, minutes_today - 1))
        kind = _pick(rng, KIND_WEIGHTS)
        channel = _pick(rng, CHANNEL_WEIGHTS)
        if kind != ContactKind.COUNSELLING:
            contact_log_quick(acting=acting, channel=channel, kind=kind, started_at=started_at)
            made += 1
            continue
        chosen = {rng.choice(online or categories)} if rng.random() < 0.6 else set()
        chosen |= set(rng.sample(categories, rng.choice([1, 1, 2])))
        actions: list[str] = [
            Action.COUNSELLING,
            *rng.sample([Action.INFORMATION, Action.REFERRAL], rng.randint(0, 1)),
        ]
        if rng.random() < 0.04:
            actions.append(rng.choice([Action.POLICE, Action.HEALTH]))
        caller = (
            callers.choice(DEMO_CALLERS) if channel in {"phone", "sms"} and callers.random() < 0.5 else ""
        )
        contact = contact_log(
            acting=acting,
            details=ContactDetails(
                channel=channel,
                caller_type=rng.choices(CallerType.values, weights=[60, 20, 8, 4, 8])[0],
                age_band=rng.choices(ChiAgeBand.values, weights=[10, 2, 4, 18, 30, 20, 8, 8])[0],
                gender=rng.choices(ChiGender.values, weights=[10, 50, 37, 3])[0],
                ethnicity=rng.choices(Ethnicity.values, weights=[30, 55, 12, 3])[0],
                disability=rng.choices(Disability.values, weights=[60, 5, 35])[0],
                province=rng.choice(provinces) if provinces and rng.random() < 0.7 else None,
                categories=sorted(chosen, key=lambda category: category.pk),
                summary=rng.choice(SUMMARIES),
                actions=actions,
                outcome=rng.choice(Outcome.values),
                duration_minutes=rng.randint(3, 55),
                started_at=started_at,
                caller_key=caller_key_for(caller),
            ),
        )
        if caller and caller not in noted and len(noted) < len(CALLER_NOTES):
            note, flags = CALLER_NOTES[len(noted)]
            caller_note_add(
                acting=acting,
                contact=contact,
                note=note,
                flags=flags,
                expires_on=timezone.localdate() + timedelta(days=120),
            )
            noted.add(caller)
        made += 1
    return made
