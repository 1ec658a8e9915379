"""What bench/http.py puts in its database before the load: a country of cases, the demo, waiting
reports, a bank of synthetic PDQ hashes with an API key, and the staff accounts it signs in as.

Runs in the harness's own process once Django is set up (demo settings, the server's secrets and
database). Everything is made up: names from bench/cases.py's lists, random hashes, drawn text.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import random
import secrets
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from childshield.accounts.models import Agency, AgencyKind, Membership, Role, User
from childshield.audit.models import AuditEvent
from childshield.cases.models import Case
from childshield.cases.models.cases import CaseStatus
from childshield.hashing import services as hashing_services
from childshield.hashing.index import hashes_to_hex
from childshield.hashing.models import (
    Algorithm,
    ApiScope,
    BankSource,
    ChangeKind,
    HashChange,
    HashEntry,
    SharingPolicy,
)
from childshield.intake import services as intake_services
from childshield.intake.models import Report, Screening
from childshield.places.models import Area
from childshield.places.services.reference_data import reference_data_load

BENCH = Path(__file__).resolve().parent
# Seeding hashes passwords and passphrases with this, not with 1M-iteration PBKDF2: the accounts
# the harness signs in as get real ones afterwards, and nobody opens a seeded report.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _load_cases_bench() -> Any:
    """bench/cases.py, whose filler writes the cases (imported by path: bench/ is no package)."""
    spec = importlib.util.spec_from_file_location("bench_cases", BENCH / "cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def fill_cases(*, cases: int, seed: int) -> None:
    """`cases` made-up cases (children, referrals, services, follow-ups, history, audit) by COPY,
    in the proportions of bench/cases.py: one agency per 2,000 cases, 8 workers and 2 supervisors each.

    Runs on the freshly migrated database, before the demo: the filler numbers its rows from 1.
    """
    bench_cases = _load_cases_bench()
    copy_rows = bench_cases.copy_rows

    def copy_after_existing(model: Any, names: Any, rows: Any) -> int:
        # The shipped places were loaded with audit events: the filler's own start after them.
        if model is AuditEvent:
            offset = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            rows = ((row[0] + offset, *row[1:]) for row in rows)
        return int(copy_rows(model, names, rows))

    bench_cases.copy_rows = copy_after_existing

    class Country(bench_cases.Filler):  # type: ignore[misc, name-defined]
        def places_and_people(self) -> None:
            reference_data_load()
            self.communes = list(
                Area.objects.filter(country="VN")
                .exclude(level=Area.Level.COUNTRY)
                .values_list("pk", flat=True)
            )
            kinds = [AgencyKind.SOCIAL_SERVICES] * 3 + [
                AgencyKind.SCHOOL,
                AgencyKind.HEALTH,
                AgencyKind.POLICE,
            ]
            agencies = Agency.objects.bulk_create(
                Agency(country="VN", name=f"Bench agency {i}", kind=kinds[i % len(kinds)])
                for i in range(max(2, self.n // 2000))
            )
            self.agencies = [agency.pk for agency in agencies]
            users = User.objects.bulk_create(
                User(email=f"member{i}@bench.invalid", full_name=f"Member {i}", password="!")
                for i in range(10 * len(agencies))
            )
            members = Membership.objects.bulk_create(
                Membership(
                    user=user,
                    agency_id=self.agencies[i // 10],
                    role=Role.CASE_SUPERVISOR if i % 10 >= 8 else Role.CASE_WORKER,
                )
                for i, user in enumerate(users)
            )
            self.workers: dict[int, list[int]] = {}
            self.supervisors: dict[int, list[int]] = {}
            for member in members:
                target = self.supervisors if member.role == Role.CASE_SUPERVISOR else self.workers
                target.setdefault(member.agency_id, []).append(member.pk)

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    filler = Country(cases=cases, seed=seed)
    filler.places_and_people()
    filler.children()
    filler.cases()
    filler.around_cases()
    bench_cases.reset_sequences()
    bench_cases.copy_rows = copy_rows
    log(f"{cases} cases filled in {time.perf_counter() - started:.0f} s")


def seed_demo() -> None:
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())


def demo_membership(email: str, role: Role, agency_kind: str = "") -> Membership:
    found = Membership.objects.select_related("agency", "user").filter(user__email=email, role=role)
    if agency_kind:
        found = found.filter(agency__kind=agency_kind)
    member = found.first()
    assert member is not None, f"the demo has no {role} {email}"
    return member


def give_caseload(*, member: Membership, supervisor: Membership, cases: int, seed: int) -> int:
    """Make the demo case worker the lead of `cases` of the filled cases (a busy worker's load)."""
    rng = random.Random(seed)
    ids = list(Case.objects.exclude(agency=member.agency).values_list("pk", flat=True))
    chosen = rng.sample(ids, min(cases, len(ids)))
    return Case.objects.filter(pk__in=chosen).update(
        agency=member.agency, lead_worker=member, supervisor=supervisor
    )


def waiting_reports(*, count: int, seed: int, hours: float = 6.0) -> int:
    """`count` reports waiting for the helpline, sent over the last `hours`, through the service
    (audit, triage, the hotline's outbox item), about one in seven urgent."""
    rng = random.Random(seed)
    harms = ["threatened", "asked_for_pictures", "pictures_shared", "grooming", "bullying", "other"]
    words = [
        "Someone I met in a game keeps asking for photos.",
        "A boy from school says he will post my pictures unless I pay.",
        "An older man sends gifts and wants to meet me after class.",
        "People in a group chat share a picture of my friend.",
        "I am scared, he knows where I live.",
    ]
    made = []
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        for number in range(count):
            safe = rng.choices(["yes", "no", "not_sure"], weights=[86, 9, 5])[0]
            receipt = intake_services.report_submit(
                content=intake_services.ReportContent(
                    about=rng.choice(["me", "friend", "child_i_know"]),
                    safe_now=safe,
                    harms=rng.sample(harms, rng.randint(1, 2)),
                    description=f"{rng.choice(words)} (made up, no. {number})",
                    platform=rng.choice(["zalo", "facebook", "tiktok", "game"]),
                    urls=[f"https://chat.example.com/u/made-up-{number}"],
                    happened=rng.choice(["still", "today", "this_week"]),
                    age_band=rng.choice(["10_12", "13_15", "16_17"]),
                    gender=rng.choice(["girl", "boy"]),
                ),
                idempotency_key=hashlib.sha256(f"bench-waiting-{seed}-{number}".encode()).hexdigest(),
                screening=Screening.CLEAR,
                language=rng.choice(["vi", "vi", "km", "en"]),
            )
            made.append(receipt.report.pk)
    now = timezone.now()
    for pk in made:
        Report.objects.filter(pk=pk).update(created_at=now - timedelta(seconds=rng.uniform(60, hours * 3600)))
    return len(made)


def random_hashes(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, np.iinfo(np.uint64).max, size=(n, 4), dtype=np.uint64, endpoint=True)


@dataclass
class Bank:
    hashes: np.ndarray  # (n, 4) uint64, row i is entry ids[i]
    ids: list[int]
    api_key: str
    bank_id: int


def hash_bank(*, n: int, seed: int) -> Bank:
    """A bank shared with platforms holding `n` random PDQ hashes (entries and their history, by
    COPY), and an API key of the demo platform."""
    bench_cases = _load_cases_bench()
    lead = demo_membership("hotline.lead@demo.childshield.test", Role.HOTLINE_LEAD)
    bank = hashing_services.bank_create(
        actor=lead,
        name="Benchmark bank (random hashes)",
        source=BankSource.IMPORTED_LIST,
        sharing=SharingPolicy.TRUSTED_PLATFORMS,
        description="Synthetic: random PDQ hashes for bench/http.py.",
    )
    hashes = random_hashes(n, np.random.default_rng(seed))
    values = hashes_to_hex(hashes)
    first = (HashEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    ids = list(range(first, first + n))
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    bench_cases.copy_rows(
        HashEntry,
        [
            "id",
            "bank",
            "algorithm",
            "value",
            "quality",
            "source_reference",
            "added_by",
            "added_at",
            "removal_reason",
        ],
        (
            (pk, bank.pk, Algorithm.PDQ, value, 100, "bench", lead.user_id, now, "")
            for pk, value in zip(ids, values, strict=True)
        ),
    )
    bench_cases.copy_rows(
        HashChange,
        ["bank", "entry", "kind", "at", "by"],
        ((bank.pk, pk, ChangeKind.ADDED, now, lead.user_id) for pk in ids),
    )
    with connection.cursor() as cursor:
        for model in (HashEntry, HashChange):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}")
        cursor.execute("ANALYZE")
    # A platform's key is issued by a system administrator (a hotline lead issues only its own).
    admin = demo_membership("system.admin@demo.childshield.test", Role.SYSTEM_ADMIN)
    platform = Agency.objects.get(kind=AgencyKind.PLATFORM, name__contains="demo")
    _key, secret = hashing_services.api_key_issue(
        actor=admin, agency=platform, name="bench/http.py", scopes=ApiScope.values
    )
    return Bank(hashes=hashes, ids=ids, api_key=secret, bank_id=bank.pk)


@dataclass(frozen=True)
class StaffLogin:
    email: str
    password: str
    totp_key: str  # hex, of the confirmed authenticator the harness answers two-factor with
    membership: int  # the membership to act through
    agency: str  # its agency's name, which the pages then show

    def token(self) -> str:
        return f"{TOTP(bytes.fromhex(self.totp_key)).token():06d}"


def staff_login(member: Membership) -> StaffLogin:
    """A password of the harness's own (production refuses the demo's) and an authenticator."""
    password = secrets.token_urlsafe(18)
    user = member.user
    user.set_password(password)
    user.save(update_fields=["password"])
    key = secrets.token_hex(20)
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="bench", key=key, confirmed=True)
    return StaffLogin(
        email=user.email, password=password, totp_key=key, membership=member.pk, agency=member.agency.name
    )


class QuickPBKDF2(PBKDF2PasswordHasher):
    """PBKDF2 at 1,000 iterations, for the many accounts bench/http_day.py signs in: the server checks
    it with its own PBKDF2 hasher and hashes the password again at its full count on the first sign-in,
    as after any change of the iteration count."""

    iterations = 1000


def staff_logins(members: list[Membership]) -> list[StaffLogin]:
    """A password and an authenticator for each, hashed quickly (QuickPBKDF2)."""
    with override_settings(PASSWORD_HASHERS=["http_seed.QuickPBKDF2"]):
        return [staff_login(member) for member in members]


def bench_counsellors(count: int) -> list[Membership]:
    """`count` made-up counsellors of the demo counsellor's helpline (counsellor<i>@bench.invalid)."""
    helpline = demo_membership("counsellor@demo.childshield.test", Role.COUNSELLOR).agency
    users = User.objects.bulk_create(
        User(email=f"counsellor{i}@bench.invalid", full_name=f"Bench counsellor {i}", password="!")
        for i in range(count)
    )
    return Membership.objects.bulk_create(
        Membership(user=user, agency=helpline, role=Role.COUNSELLOR) for user in users
    )


def bench_case_workers(count: int, *, cases_each: int = 200) -> list[tuple[Membership, list[int]]]:
    """The `count` filled case workers leading the most open cases, each with (at most `cases_each` of)
    the ids of their open cases."""
    busiest = (
        Case.objects.filter(
            lead_worker__role=Role.CASE_WORKER, lead_worker__user__email__endswith="@bench.invalid"
        )
        .exclude(status=CaseStatus.CLOSED)
        .values("lead_worker")
        .annotate(open_cases=Count("id"))
        .order_by("-open_cases", "lead_worker")[:count]
    )
    chosen = []
    for row in busiest:
        member = Membership.objects.select_related("agency", "user").get(pk=row["lead_worker"])
        ids = list(
            Case.objects.filter(lead_worker=member)
            .exclude(status=CaseStatus.CLOSED)
            .order_by("pk")
            .values_list("pk", flat=True)[:cases_each]
        )
        chosen.append((member, ids))
    return chosen
