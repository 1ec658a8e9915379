"""Benchmark of case management at national size: 1,000,000 synthetic cases on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres childshield_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/childshield_bench \
        .venv/bin/python bench/cases.py --cases 1000000 --samples 200
    dropdb -h 127.0.0.1 -U postgres childshield_bench

Fills the (empty, migrated here) database with made-up children and their cases, with referrals,
consents, services, follow-ups, status history and audit events in proportion, by COPY in batches:
encrypted columns hold real Fernet tokens of the field's kind, drawn from a pool encrypted once, and
blind indexes are computed per row as the services compute them. Then it measures, through the real
selectors and with the acting membership's scoping, p50/p95 of: the worker's home, the case list
(first page, filtered by status), search by case number, search by part of the child's name, the
duplicate check on opening, and reading one case. `--measure-only` measures an already filled database.
No real person's data: names are drawn from common Vietnamese name parts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# bench/http.py shares its name with the standard library's `http` package: this folder must not be
# on the path, or every `import http.client` would find that script. (bench/http.py also loads this
# file as a module, when the folder may already be gone.)
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childshield.settings.dev")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models, reset_queries  # noqa: E402

from childshield.accounts.models import Agency, AgencyKind, Membership, Role, User  # noqa: E402
from childshield.audit.models import AuditEvent  # noqa: E402
from childshield.cases.models import (  # noqa: E402
    Case,
    CaseNumberCounter,
    CaseStatusChange,
    Child,
    ChildNamePart,
    Consent,
    FollowUp,
    Referral,
    Service,
)
from childshield.cases.models.cases import CaseStatus, HarmType, RiskLevel  # noqa: E402
from childshield.cases.models.consent import ShareSection  # noqa: E402
from childshield.cases.models.plan import ServiceStatus  # noqa: E402
from childshield.cases.models.referrals import ReferralStatus, section_flags  # noqa: E402
from childshield.cases.name_search import (  # noqa: E402
    child_duplicate_index,
    child_name_index,
    name_part_indexes,
)
from childshield.cases.selectors import cases as case_selectors  # noqa: E402
from childshield.cases.selectors import home as home_selectors  # noqa: E402
from childshield.cases.selectors.case_list import CaseFilters, case_list_page  # noqa: E402
from childshield.cases.selectors.opening import duplicate_check as opening_duplicate_check  # noqa: E402
from childshield.cases.services import opening as opening_services  # noqa: E402
from childshield.cases.services.consent import ConsentInput  # noqa: E402
from childshield.cases.services.opening import ChildInput  # noqa: E402
from childshield.directory.models import ServiceKind  # noqa: E402
from childshield.places.models import Area  # noqa: E402

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Hà",
    "Cao",
    "Lương",
]
MIDDLES = ["Thị", "Văn", "Minh", "Ngọc", "Thanh", "Đức", "Hữu", "Quốc", "Gia", "Bảo", "Kim", "Xuân"]
GIVEN = [
    "Hoa",
    "Lan",
    "Mai",
    "Hương",
    "Linh",
    "Trang",
    "Thảo",
    "Vy",
    "Ngân",
    "Nhung",
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khoa",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thắng",
    "Tuấn",
    "Việt",
    "Yến",
    "Châu",
    "Diệp",
    "Giang",
    "Hạnh",
    "Khánh",
    "My",
    "Nhi",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Tiên",
    "Uyên",
    "Xuân",
]

POOL = 4000  # distinct ciphertexts per encrypted column
STATUS_WEIGHTS = {
    CaseStatus.CLOSED: 60,
    CaseStatus.OPEN: 4,
    CaseStatus.SAFETY_ASSESSMENT: 6,
    CaseStatus.COMPREHENSIVE_ASSESSMENT: 6,
    CaseStatus.SERVICE_PLAN: 6,
    CaseStatus.IMPLEMENTATION: 12,
    CaseStatus.FOLLOW_UP: 6,
}
REFERRAL_WEIGHTS = {
    ReferralStatus.ACCEPTED: 55,
    ReferralStatus.COMPLETED: 20,
    ReferralStatus.SENT: 12,
    ReferralStatus.DECLINED: 10,
    ReferralStatus.CANCELLED: 3,
}
BATCH = 50_000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    return [str(getattr(model._meta.get_field(name), "column", name)) for name in names]


def _defaults_not_given(model: type[models.Model], names: Sequence[str]) -> list[tuple[str, Any]]:
    """Columns the rows leave out that may not be empty, with their model default as stored: a field
    added to a model later does not break the filler (Django sets defaults in Python, not the table)."""
    given = set(columns(model, names))
    missing = []
    for field in model._meta.concrete_fields:
        if field.column in given or field.null or field.primary_key or not field.has_default():
            continue
        value = field.get_default()
        missing.append((field.name, json.dumps(value) if isinstance(value, (list, dict)) else value))
    return missing


def copy_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY `rows` (values already as the database stores them) into `model`'s table, in batches."""
    defaults = _defaults_not_given(model, names)
    if defaults:
        names = [*names, *(name for name, _value in defaults)]
        extra = tuple(value for _name, value in defaults)
        rows = (tuple(row) + extra for row in rows)
    statement = f"COPY {model._meta.db_table} ({', '.join(columns(model, names))}) FROM STDIN"
    count = 0
    raw = connection.connection
    assert raw is not None
    iterator = iter(rows)
    while True:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            written = 0
            for row in iterator:
                copy.write_row(row)
                written += 1
                if written == BATCH:
                    break
        raw.commit()
        count += written
        if written < BATCH:
            return count


def cipher_pool(
    model: type[models.Model], name: str, make: Callable[[int], Any], size: int = POOL
) -> list[str]:
    """`size` ciphertexts of made-up values, encrypted by the field itself (so with its current key)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return [field.get_prep_value(make(i)) for i in range(size)]


def weighted(rng: random.Random, weights: dict[Any, int], k: int) -> list[Any]:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def reset_sequences() -> None:
    with connection.cursor() as cursor:
        for model in (
            User,
            Agency,
            Membership,
            Area,
            Child,
            ChildNamePart,
            Case,
            Consent,
            Referral,
            Service,
            FollowUp,
            CaseStatusChange,
            AuditEvent,
            CaseNumberCounter,
        ):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"
            )


class Filler:
    """Writes the synthetic country: areas, agencies, people, then children and cases in bulk."""

    def __init__(self, *, cases: int, seed: int) -> None:
        self.n = cases
        self.rng = random.Random(seed)
        self.now = datetime(2026, 11, 1, tzinfo=UTC)
        self.names = [f"{s} {m} {g}" for s in SURNAMES for m in MIDDLES for g in GIVEN]

    def places_and_people(self) -> None:
        country = Area.objects.create(code="VN", country="VN", level=Area.Level.COUNTRY, name_en="Viet Nam")
        self.communes: list[int] = []
        for p in range(20):
            province = Area.objects.create(
                code=f"VN{p:02d}", country="VN", level=Area.Level.PROVINCE, parent=country, name_en=f"P{p}"
            )
            communes = Area.objects.bulk_create(
                Area(
                    code=f"VN{p:02d}-{c:03d}",
                    country="VN",
                    level=Area.Level.COMMUNE,
                    parent=province,
                    name_en=f"Commune {p}-{c}",
                )
                for c in range(20)
            )
            self.communes += [commune.pk for commune in communes]
        kinds = [AgencyKind.SOCIAL_SERVICES] * 3 + [AgencyKind.SCHOOL, AgencyKind.HEALTH, AgencyKind.POLICE]
        agencies = Agency.objects.bulk_create(
            Agency(country="VN", name=f"Agency {i}", kind=kinds[i % len(kinds)]) for i in range(500)
        )
        self.agencies = [agency.pk for agency in agencies]
        users = User.objects.bulk_create(
            User(email=f"member{i}@bench.invalid", full_name=f"Member {i}", password="!") for i in range(5000)
        )
        # Per agency: 8 case workers and 2 case supervisors.
        members = []
        for i, user in enumerate(users):
            role = Role.CASE_SUPERVISOR if i % 10 >= 8 else Role.CASE_WORKER
            members.append(Membership(user=user, agency_id=self.agencies[i // 10], role=role))
        Membership.objects.bulk_create(members)
        self.workers: dict[int, list[int]] = {}
        self.supervisors: dict[int, list[int]] = {}
        for member in members:
            target = self.supervisors if member.role == Role.CASE_SUPERVISOR else self.workers
            target.setdefault(member.agency_id, []).append(member.pk)
        log(f"{len(self.communes)} communes, {len(agencies)} agencies, {len(members)} memberships")

    def children(self) -> None:
        rng = self.rng

        def alias_of(i: int) -> list[str]:
            return [] if i % 5 else [f"Bé {GIVEN[i % len(GIVEN)]}"]

        pools = {
            # Every name once, so that each child's encrypted name is the one its indexes were made from.
            "full_name": cipher_pool(Child, "full_name", lambda i: self.names[i], size=len(self.names)),
            "aliases": cipher_pool(Child, "aliases", alias_of),
            "date_of_birth": cipher_pool(
                Child, "date_of_birth", lambda i: date(2008 + i % 10, 1 + i % 12, 1 + i % 28).isoformat()
            ),
            "disability": cipher_pool(Child, "disability", lambda i: {} if i % 7 else {"seeing": "some"}),
            "school": cipher_pool(Child, "school", lambda i: f"School no. {i}"),
            "caregivers": cipher_pool(
                Child,
                "caregivers",
                lambda i: [
                    {
                        "name": self.names[(i * 7) % len(self.names)],
                        "relationship": "mother",
                        "phone": f"09{i:08d}",
                    }
                ],
            ),
            "safe_contact": cipher_pool(Child, "safe_contact", lambda i: f"Through teacher no. {i}"),
        }
        name_index = {name: child_name_index(name) for name in self.names}
        self.name_picks: list[tuple[int, int]] = []  # (name, alias pool entry) of each child

        def rows() -> Iterator[tuple[Any, ...]]:
            for child_id in range(1, self.n + 1):
                which = rng.randrange(len(self.names))
                name = self.names[which]
                year = rng.randint(2008, 2019)
                area = rng.choice(self.communes)
                pick = rng.randrange(POOL)
                self.name_picks.append((which, pick))
                yield (
                    child_id,
                    pools["full_name"][which],
                    pools["aliases"][pick],
                    pools["date_of_birth"][pick],
                    year,
                    False,
                    rng.choice(["female", "male"]),
                    rng.choice(["girl", "boy"]),
                    "VN-01",
                    pools["disability"][pick],
                    pick % 7 == 0,
                    '["vi"]',
                    area,
                    pools["school"][pick],
                    pools["caregivers"][pick],
                    pools["safe_contact"][pick],
                    name_index[name],
                    child_duplicate_index(name=name, birth_year=year, area_id=area),
                    self.now - timedelta(days=rng.randrange(5 * 365)),
                )

        names = [
            "id",
            "full_name",
            "aliases",
            "date_of_birth",
            "birth_year",
            "age_is_estimated",
            "sex",
            "gender",
            "ethnicity",
            "disability",
            "has_disability",
            "languages",
            "area",
            "school",
            "caregivers",
            "safe_contact",
            "name_index",
            "duplicate_index",
            "created_at",
        ]
        log(f"children: {copy_rows(Child, names, rows())}")
        by_name = [name_part_indexes([name]) for name in self.names]
        by_alias = [name_part_indexes(alias_of(i)) for i in range(POOL)]
        # The unique index is built once after the load: sorting once beats 8M random inserts.
        constraint = ChildNamePart._meta.constraints[0]
        with connection.schema_editor() as editor:
            editor.remove_constraint(ChildNamePart, constraint)

        def part_rows() -> Iterator[tuple[int, str]]:
            for child_id, (which, alias) in enumerate(self.name_picks, start=1):
                for index in by_name[which] | by_alias[alias]:
                    yield (child_id, index)

        log(f"name parts: {copy_rows(ChildNamePart, ['child', 'part_index'], part_rows())}")
        with connection.schema_editor() as editor:
            editor.add_constraint(ChildNamePart, constraint)
        log("name parts indexed")
        del self.name_picks

    def cases(self) -> None:
        rng = self.rng
        risk_reasons = cipher_pool(Case, "risk_reasons", lambda i: f"Made-up risk reasons no. {i}")
        summary = cipher_pool(Case, "summary", lambda i: f"Made-up summary of what happened, no. {i}. " * 3)
        empty = Case._meta.get_field("closure_note").get_prep_value("")
        statuses = weighted(rng, STATUS_WEIGHTS, self.n)
        counters: dict[tuple[int, int], int] = {}
        self.case_rows: list[tuple[int, int, int, str]] = []  # (agency, lead, supervisor, status)
        agencies = [a for a in self.agencies if a in self.workers]

        def rows() -> Iterator[tuple[Any, ...]]:
            for case_id in range(1, self.n + 1):
                agency = rng.choice(agencies)
                lead = rng.choice(self.workers[agency])
                supervisor = rng.choice(self.supervisors[agency])
                opened = self.now - timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
                sequence = counters[(agency, opened.year)] = counters.get((agency, opened.year), 0) + 1
                status = statuses[case_id - 1]
                closed = status == CaseStatus.CLOSED
                self.case_rows.append((agency, lead, supervisor, status))
                pick = rng.randrange(POOL)
                yield (
                    case_id,
                    agency,
                    opened.year,
                    sequence,
                    f"{opened.year}-{sequence:04d}",
                    case_id,
                    agency,
                    lead,
                    supervisor,
                    status,
                    weighted(rng, {"low": 3, "medium": 5, "high": 2}, 1)[0],
                    risk_reasons[pick],
                    json.dumps(rng.sample(HarmType.values, rng.randint(1, 2))),
                    summary[pick],
                    opened,
                    opened + timedelta(hours=24),
                    opened + timedelta(days=10),
                    "goals_met" if closed else "",
                    "{}",
                    empty,
                    opened + timedelta(days=200) if closed else None,
                    1,
                )

        names = [
            "id",
            "opened_by_agency",
            "year",
            "sequence",
            "number",
            "child",
            "agency",
            "lead_worker",
            "supervisor",
            "status",
            "risk_level",
            "risk_reasons",
            "harm_types",
            "summary",
            "opened_at",
            "safety_assessment_due_at",
            "status_changed_at",
            "closure_reason",
            "closure_checklist",
            "closure_note",
            "closed_at",
            "version",
        ]
        log(f"cases: {copy_rows(Case, names, rows())}")
        copy_rows(
            CaseNumberCounter,
            ["agency", "year", "last"],
            ((agency, year, last) for (agency, year), last in counters.items()),
        )

    def around_cases(self) -> None:
        """Referrals (with the consent each rests on), services, follow-ups, history, audit events."""
        rng = self.rng
        purpose = cipher_pool(Consent, "purpose", lambda i: f"Made-up purpose no. {i}", size=200)
        empty = Consent._meta.get_field("purpose").get_prep_value("")
        outcome = cipher_pool(Service, "outcome", lambda i: f"Made-up outcome no. {i}", size=500)
        referred = rng.sample(range(1, self.n + 1), self.n * 3 // 10)
        referred.sort()
        all_sections = list(ShareSection.values)
        consent_agency: list[tuple[int, int]] = []
        referral_rows: list[tuple[Any, ...]] = []

        def consent_rows() -> Iterator[tuple[Any, ...]]:
            for consent_id, case_id in enumerate(referred, start=1):
                agency, lead, _supervisor, _status = self.case_rows[case_id - 1]
                to_agency = rng.choice(self.agencies)
                while to_agency == agency:
                    to_agency = rng.choice(self.agencies)
                sections = all_sections if rng.random() < 0.5 else ["profile", "harm", "services"]
                at = self.now - timedelta(days=rng.randrange(4 * 365))
                consent_agency.append((consent_id, to_agency))
                status = weighted(rng, REFERRAL_WEIGHTS, 1)[0]
                referral_rows.append(
                    (
                        consent_id,
                        case_id,
                        agency,
                        to_agency,
                        lead,
                        json.dumps(["mhpss"]),
                        "routine",
                        consent_id,
                        json.dumps(sections),
                        section_flags(sections),
                        empty,
                        status,
                        at,
                        None if status == ReferralStatus.SENT else at + timedelta(hours=30),
                        empty,
                        at + timedelta(hours=72),  # a routine referral is answered within three days
                    )
                )
                yield (
                    consent_id,
                    case_id,
                    "consent",
                    True,
                    True,
                    empty,
                    empty,
                    purpose[consent_id % 200],
                    json.dumps(sections),
                    lead,
                    at,
                    empty,
                    empty,
                )

        names = [
            "id",
            "case",
            "kind",
            "child_assent",
            "caregiver_consent",
            "caregiver_name",
            "caregiver_not_asked_reason",
            "purpose",
            "sections",
            "recorded_by",
            "recorded_at",
            "override_reason",
            "withdrawal_reason",
        ]
        log(f"consents: {copy_rows(Consent, names, consent_rows())}")
        through = Consent.agencies.through
        copy_rows(through, ["consent", "agency"], consent_agency)
        names = [
            "id",
            "case",
            "from_agency",
            "to_agency",
            "sent_by",
            "services_requested",
            "urgency",
            "consent",
            "sections",
            "section_flags",
            "message",
            "status",
            "sent_at",
            "responded_at",
            "decline_reason",
            "respond_by",
        ]
        log(f"referrals: {copy_rows(Referral, names, referral_rows)}")

        def service_rows() -> Iterator[tuple[Any, ...]]:
            for case_id, (agency, lead, _supervisor, status) in enumerate(self.case_rows, start=1):
                closed = status == CaseStatus.CLOSED
                yield (
                    case_id,
                    case_id,
                    rng.choice(ServiceKind.values),
                    agency,
                    ServiceStatus.COMPLETED if closed else ServiceStatus.IN_PROGRESS,
                    outcome[case_id % 500],
                    lead,
                    self.now,
                    1,
                )

        names = ["id", "case", "kind", "provider", "status", "outcome", "created_by", "created_at", "version"]
        log(f"services: {copy_rows(Service, names, service_rows())}")
        today = self.now.date()

        def follow_up_rows() -> Iterator[tuple[Any, ...]]:
            follow_up_id = 0
            for case_id, (_agency, lead, _supervisor, status) in enumerate(self.case_rows, start=1):
                closed = status == CaseStatus.CLOSED
                if closed and case_id % 3:
                    continue
                follow_up_id += 1
                due = today + timedelta(days=rng.randint(-20, 40))
                done = closed or due < today - timedelta(days=3)
                yield (
                    follow_up_id,
                    case_id,
                    due,
                    lead,
                    outcome[case_id % 500],
                    lead,
                    self.now,
                    self.now if done else None,
                    lead if done else None,
                    outcome[follow_up_id % 500],
                )

        names = [
            "id",
            "case",
            "due_on",
            "assignee",
            "purpose",
            "created_by",
            "created_at",
            "done_at",
            "done_by",
            "outcome",
        ]
        log(f"follow-ups: {copy_rows(FollowUp, names, follow_up_rows())}")

        def history_rows() -> Iterator[tuple[Any, ...]]:
            for case_id, (_agency, lead, _supervisor, _status) in enumerate(self.case_rows, start=1):
                yield (case_id, case_id, "", CaseStatus.OPEN, lead, self.now, empty)

        names = ["id", "case", "from_status", "to_status", "changed_by", "changed_at", "reason"]
        log(f"status history: {copy_rows(CaseStatusChange, names, history_rows())}")

        def audit_rows() -> Iterator[tuple[Any, ...]]:
            for case_id, (agency, lead, _supervisor, _status) in enumerate(self.case_rows, start=1):
                yield (
                    case_id,
                    self.now,
                    str(lead),
                    f"member {lead}",
                    str(agency),
                    f"Agency {agency}",
                    "create",
                    "cases.Case",
                    str(case_id),
                    "case opened",
                    "",
                )

        names = [
            "id",
            "occurred_at",
            "actor_id",
            "actor_label",
            "agency_id",
            "agency_label",
            "action",
            "object_type",
            "object_id",
            "reason",
            "request_id",
        ]
        log(f"audit events: {copy_rows(AuditEvent, names, audit_rows())}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(name: str, samples: int, run: Callable[[random.Random], object], seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    for _ in range(5):  # warm caches and connections
        run(rng)
    timings = []
    cpu = []
    queries = []
    for _ in range(samples):
        reset_queries()
        start, start_cpu = time.perf_counter(), time.process_time()
        run(rng)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        queries.append(len(connection.queries))
    result = {
        "name": name,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
        # This process's own CPU (ORM, decryption), apart from the database and waiting for a core.
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "queries": max(queries),
    }
    log(
        f"{name:<46} p50 {result['p50_ms']:>7} ms  p95 {result['p95_ms']:>7} ms  "
        f"cpu p50 {result['cpu_p50_ms']:>6} ms  queries {result['queries']}"
    )
    return result


def members_with_most(field: str, role: Role, k: int) -> list[Membership]:
    """Busy members: the ones with the most open cases of their kind, as a worst case."""
    ids = (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .values(field)
        .annotate(n=models.Count("id"))
        .order_by("-n")
        .values_list(field, flat=True)[:k]
    )
    return list(Membership.objects.filter(pk__in=list(ids), role=role).select_related("user", "agency"))


def run_measurements(samples: int, seed: int, only: str = "") -> list[dict[str, Any]]:
    from django.conf import settings

    settings.DEBUG = True  # so connection.queries counts queries; nothing is rendered
    rng = random.Random(seed)
    workers = members_with_most("lead_worker", Role.CASE_WORKER, 50)
    supervisors = members_with_most("supervisor", Role.CASE_SUPERVISOR, 20)
    receivers = list(
        Membership.objects.filter(
            role=Role.CASE_WORKER,
            agency_id__in=Referral.objects.filter(status=ReferralStatus.ACCEPTED).values("to_agency_id")[
                :200
            ],
        ).select_related("user", "agency")[:50]
    )
    total = Case.objects.count()
    log(f"{total} cases; measuring with {len(workers)} workers, {len(supervisors)} supervisors")
    own_cases = {
        member.pk: list(Case.objects.filter(lead_worker=member).values_list("pk", "number", "child_id")[:200])
        for member in workers
    }
    children = {
        child.pk: child
        for child in Child.objects.filter(
            pk__in=[row[2] for rows in own_cases.values() for row in rows]
        ).only("id", "full_name", "birth_year", "area_id")
    }
    results = []

    def worker_home(r: random.Random) -> object:
        return home_selectors.worker_home(acting=r.choice(workers))

    def case_list_status(r: random.Random) -> object:
        member = r.choice(workers + supervisors)
        status = r.choice([CaseStatus.IMPLEMENTATION, CaseStatus.SAFETY_ASSESSMENT, CaseStatus.FOLLOW_UP])
        listing = case_list_page(acting=member, filters=CaseFilters(status=status), page_number=1)
        return [(row.case.number, row.case.child.full_name, row.case.child.area) for row in listing.rows]

    def case_list_default(r: random.Random) -> object:
        member = r.choice(workers + supervisors + receivers)
        listing = case_list_page(acting=member, filters=CaseFilters(), page_number=1)
        return [(row.case.number, row.case.child.full_name) for row in listing.rows]

    def search_number(r: random.Random) -> object:
        member = r.choice(workers)
        number = (
            r.choice(own_cases[member.pk])[1]
            if r.random() < 0.8
            else f"20{r.randint(21, 26)}-{r.randint(1, 999):04d}"
        )
        listing = case_list_page(
            acting=member, filters=CaseFilters(number=number, include_closed=True), page_number=1
        )
        return [row.case.number for row in listing.rows]

    def search_name(r: random.Random) -> object:
        member = r.choice(workers)
        child = children[r.choice(own_cases[member.pk])[2]]
        parts = child.full_name.split()
        term = r.choice([child.full_name, parts[-1], parts[-1][:3], f"{parts[0]} {parts[-1]}"])
        listing = case_list_page(
            acting=member, filters=CaseFilters(child_name=term, include_closed=True), page_number=1
        )
        return [(row.case.number, row.case.child.full_name) for row in listing.rows]

    def duplicate_check(r: random.Random) -> object:
        child = children[r.choice(list(children))]
        member = r.choice(workers)
        area = Area.objects.get(pk=child.area_id)
        if r.random() < 0.5:
            return opening_duplicate_check(
                acting=member, name=child.full_name, birth_year=child.birth_year, area=area
            )
        return opening_duplicate_check(acting=member, name="Made Up Name", birth_year=2014, area=area)

    communes = list(Area.objects.filter(level=Area.Level.COMMUNE)[:50])

    def case_open(r: random.Random) -> object:
        """A new case for a made-up child, through the service: duplicate check, child with its blind
        indexes and name parts, case number under lock, history, consent, audit events."""
        member = r.choice(workers)
        return opening_services.case_open(
            acting=member,
            child=ChildInput(
                full_name=f"{r.choice(SURNAMES)} {r.choice(MIDDLES)} {r.choice(GIVEN)}",
                area=r.choice(communes),
                estimated_age=r.randint(10, 17),
            ),
            risk_level=RiskLevel.MEDIUM,
            harm_types=[HarmType.GROOMING],
            summary="Made up for the benchmark.",
            duplicates_acknowledged=True,
            consent=ConsentInput(
                purpose="Made up",
                agencies=[member.agency],
                sections=[ShareSection.PROFILE],
                child_assent=True,
                caregiver_consent=True,
            ),
        )

    def case_detail(r: random.Random) -> object:
        member = r.choice(workers)
        case_id = r.choice(own_cases[member.pk])[0]
        view = case_selectors.case_get_for_user(acting=member, case_id=case_id)
        detail = case_selectors.case_detail(view=view)
        return (view.case.child.full_name, view.case.summary, len(detail.referrals), len(detail.audit_trail))

    referred_cases = {
        member.pk: list(
            Referral.objects.filter(
                to_agency_id=member.agency_id, status=ReferralStatus.ACCEPTED
            ).values_list("case_id", flat=True)[:50]
        )
        for member in receivers
    }

    def case_detail_referred(r: random.Random) -> object:
        member = r.choice(receivers)
        view = case_selectors.case_get_for_user(acting=member, case_id=r.choice(referred_cases[member.pk]))
        return case_selectors.case_detail(view=view)

    for index, (name, run) in enumerate(
        [
            ("worker home", worker_home),
            ("case list, open cases, first page", case_list_default),
            ("case list, filtered by status, first page", case_list_status),
            ("search by case number", search_number),
            ("search by part of the child's name", search_name),
            ("duplicate check on opening", duplicate_check),
            ("case detail (lead worker)", case_detail),
            ("case detail (referred agency)", case_detail_referred),
            ("opening a case (writes)", case_open),
        ]
    ):
        if only in name:
            results.append(measure(name, samples, run, seed + index))
    del rng
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--measure-only", action="store_true", help="measure an already filled database")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to an empty PostgreSQL database made for this benchmark.")
    call_command("migrate", verbosity=0)
    if not args.measure_only:
        started = time.perf_counter()
        if Case.objects.exists():
            raise SystemExit("The database already holds cases: use --measure-only, or a new database.")
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
        filler = Filler(cases=args.cases, seed=args.seed)
        filler.places_and_people()
        filler.children()
        filler.cases()
        filler.around_cases()
        reset_sequences()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log(f"filled in {time.perf_counter() - started:.0f} s")
    results = run_measurements(args.samples, args.seed, args.only)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
