"""Benchmark of the programme's indicators at national size, on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres childshield_insights
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/childshield_insights \\
        .venv/bin/python bench/insights.py --cases 1000000 --samples 200
    dropdb -h 127.0.0.1 -U postgres childshield_insights

Fills the empty database with N made-up cases (bench/cases.py's COPY filler, on the shipped areas, as
bench/http_seed.py does) and, in proportion, ½ N reports, 2 N helpline contacts (with CHI categories)
and ⅕ N hotline items, spread over the 24 months before November 2026 and over the provinces, with
replies to most reports, safety assessments of most cases and a third of the items removed; then
counts them into the indicators' monthly counts and durations (the background refresh, timed) and times the
indicators page as a programme manager reads it — the figures built for a year, a quarter and a month,
for the country and for a province, and the page rendered — `--samples` times each, "cold" (made from
the counts each time, as the first reading after a refresh) and "kept" (the page's tables from the
cache, as every later reading until the next refresh). The last line is
JSON: {"cases": N, "refresh_s": …, "p95_ms_max": …, "pages": {name: {"p50_ms", "p95_ms"}}}.
`--measure-only` measures an already filled database (`--recount`: after counting and publishing it
again, timed, as the code now does). Nothing here is a real person's data.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childshield.settings.dev")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import translation  # noqa: E402

from childshield.accounts.models import Agency, AgencyKind, Membership, Role, User  # noqa: E402
from childshield.cases.models import Assessment, Case  # noqa: E402
from childshield.cases.services.assessments import assessment_forms_default_install  # noqa: E402
from childshield.core.periods import Period  # noqa: E402
from childshield.helpline.models import Category, Contact  # noqa: E402
from childshield.hotline.models import ContentItem  # noqa: E402
from childshield.insights.figures import publication  # noqa: E402
from childshield.insights.figures.dashboard import indicator_figures  # noqa: E402
from childshield.insights.figures.refresh import refresh  # noqa: E402
from childshield.intake.models import Report, ReportMessage  # noqa: E402
from childshield.places.models import Area  # noqa: E402

BENCH = Path(__file__).resolve().parent
START = datetime(2024, 11, 1, tzinfo=UTC)
DAYS = 730


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _moment(rng: random.Random) -> datetime:
    return START + timedelta(seconds=rng.randrange(DAYS * 86400))


def fill(*, cases: int, seed: int) -> None:
    bench_cases = _load("cases")
    _load("http_seed").fill_cases(cases=cases, seed=seed)
    rng = random.Random(seed + 1)
    provinces = list(
        Area.objects.filter(country="VN", level=Area.Level.PROVINCE).values_list("pk", flat=True)
    )
    helpline = Agency.objects.create(country="VN", name="Bench helpline", kind=AgencyKind.HELPLINE)
    hotline = Agency.objects.create(country="VN", name="Bench hotline", kind=AgencyKind.HOTLINE)
    counsellors = [
        Membership.objects.create(
            user=User.objects.create(email=f"counsellor{i}@bench.invalid", full_name=f"C {i}", password="!"),
            agency=helpline,
            role=Role.COUNSELLOR,
        ).pk
        for i in range(40)
    ]
    copy_rows, pool = bench_cases.copy_rows, bench_cases.cipher_pool
    empty_text = pool(Report, "description", lambda i: "", size=1)[0]
    empty_urls = pool(Report, "urls", lambda i: [], size=1)[0]
    harms = ["threatened", "asked_for_pictures", "pictures_shared", "grooming", "bullying", "other"]
    log(f"reports: {cases // 2}")
    copy_rows(
        Report,
        [
            "id",
            "channel",
            "country",
            "reference",
            "passphrase_hash",
            "about",
            "harms",
            "description",
            "platform",
            "urls",
            "source",
            "happened",
            "safe_now",
            "is_urgent",
            "age_band",
            "gender",
            "province_id",
            "contact_method",
            "language",
            "reply_language",
            "status",
            "screening",
            "created_at",
            "updated_at",
        ],
        (
            (
                i + 1,
                "web",
                "VN",
                f"B{i:09d}",
                "",
                "me",
                json.dumps(rng.sample(harms, rng.choice([1, 1, 2]))),
                empty_text,
                rng.choice(["facebook", "zalo", "tiktok", "discord", ""]),
                empty_urls,
                "",
                "",
                "yes",
                False,
                rng.choice(["under_10", "10_12", "13_15", "13_15", "16_17", ""]),
                rng.choice(["girl", "boy", "another", ""]),
                rng.choice(provinces) if rng.random() < 0.9 else None,
                "none",
                "vi",
                "",
                "new",
                "clear",
                (moment := _moment(rng)),
                moment,
            )
            for i in range(cases // 2)
        ),
    )
    categories = list(Category.objects.values_list("pk", flat=True))
    summary = pool(Contact, "summary", lambda i: "Made up for a benchmark.", size=1)[0]
    log(f"contacts: {2 * cases}")
    kinds = ["counselling"] * 6 + ["silent", "hang_up", "wrong_number", "prank", "thank_you"]
    copy_rows(
        Contact,
        [
            "id",
            "agency_id",
            "counsellor_id",
            "channel",
            "kind",
            "caller_type",
            "age_band",
            "gender",
            "ethnicity",
            "disability",
            "province_id",
            "summary",
            "notes",
            "actions",
            "outcome",
            "caller_key",
            "started_at",
            "created_at",
        ],
        (
            (
                i + 1,
                helpline.pk,
                rng.choice(counsellors),
                rng.choice(["phone", "phone", "chat", "sms"]),
                rng.choice(kinds),
                rng.choice(["child", "caregiver", "unknown"]),
                rng.choice(["7_9", "10_12", "13_15", "16_17", "unknown"]),
                rng.choice(["girl", "boy", "unknown"]),
                rng.choice(["majority", "minority", "unknown"]),
                rng.choice(["yes", "no", "unknown"]),
                rng.choice(provinces) if rng.random() < 0.8 else None,
                summary,
                summary,
                "[]",
                rng.choice(["resolved", "referred", ""]),
                "",
                (moment := _moment(rng)),
                moment,
            )
            for i in range(2 * cases)
        ),
    )
    through = Contact.categories.through
    copy_rows(
        through,  # type: ignore[arg-type]
        ["id", "contact_id", "category_id"],
        ((i + 1, i + 1, rng.choice(categories)) for i in range(0, 2 * cases, 2)),
    )
    log(f"hotline items: {cases // 5}")
    url = pool(ContentItem, "url", lambda i: f"https://example.invalid/{i}", size=1)[0]
    copy_rows(
        ContentItem,
        [
            "id",
            "agency_id",
            "url",
            "url_key",
            "host",
            "display_host",
            "status",
            "classification",
            "category",
            "hosting_country",
            "first_reported_at",
            "confirmed_at",
            "notice_count",
            "created_at",
            "updated_at",
        ],
        (
            (
                i + 1,
                hotline.pk,
                url,
                f"k{i}",
                "example.invalid",
                "example.invalid",
                "confirmed",
                rng.choice(["abuse_material", "harmful", "out_of_scope"]),
                rng.choice(["A", "B", "C", ""]),
                rng.choice(["US", "NL", "VN", "SG", ""]),
                (moment := _moment(rng)),
                moment,
                0,
                moment,
                moment,
            )
            for i in range(cases // 5)
        ),
    )
    with connection.cursor() as cursor:
        for model in (Report, Contact, through, ContentItem):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"
            )
    fill_durations(seed=seed, counsellor=counsellors[0])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def fill_durations(*, seed: int, counsellor: int) -> None:
    """For the durations (R9, C11, K8): a staff reply to four reports in five (minutes to days after),
    a safety assessment of most cases (hours to two days after opening), and a third of the hotline
    items removed (a notice hours after the report, the removal hours to days after the notice)."""
    safety = next(form for form in assessment_forms_default_install() if form.kind == "safety")
    pool = _load("cases").cipher_pool
    body = pool(ReportMessage, "body", lambda i: "Made up for a benchmark.", size=1)[0]
    empty_answers = pool(Assessment, "answers", lambda i: {}, size=1)[0]
    log("replies, safety assessments and removals")
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 100) / 100])
        cursor.execute(
            f"INSERT INTO {ReportMessage._meta.db_table} (report_id, sender, author_id, body, created_at)"
            " SELECT id, 'staff', %s, %s, created_at + random() * random() * interval '72 hours'"
            f" FROM {Report._meta.db_table} WHERE random() < 0.8",
            [counsellor, body],
        )
        cursor.execute(
            f"INSERT INTO {Assessment._meta.db_table} (case_id, form_id, kind, answers, completed_by_id,"
            " completed_at) SELECT id, %s, 'safety', %s, COALESCE(lead_worker_id, %s),"
            " opened_at + random() * interval '48 hours'"
            f" FROM {Case._meta.db_table} WHERE random() < 0.9",
            [safety.pk, empty_answers, counsellor],
        )
        items = ContentItem._meta.db_table
        cursor.execute(
            f"UPDATE {items} SET status = 'removed', first_notice_at = first_reported_at"
            " + random() * interval '12 hours' WHERE id % 3 = 0"
        )
        cursor.execute(
            f"UPDATE {items} SET removed_at = first_notice_at + random() * interval '96 hours'"
            " WHERE status = 'removed'"
        )


def measure(samples: int) -> dict[str, dict[str, float]]:
    manager_agency, _made = Agency.objects.get_or_create(
        country="VN", name="Bench programme", kind=AgencyKind.NGO
    )
    manager = Membership.objects.create(
        user=User.objects.create(email=f"manager{time.time_ns()}@bench.invalid", full_name="M", password="!"),
        agency=manager_agency,
        role=Role.PROGRAMME_MANAGER,
    )
    request = RequestFactory().get("/en/insights/indicators/")
    request.user = manager.user
    province = Area.objects.filter(country="VN", level=Area.Level.PROVINCE, valid_to__isnull=True).first()
    assert province is not None
    pages = {
        "year, country": (Period(2026), ""),
        "quarter, country": (Period(2026, quarter=3), ""),
        "month, country": (Period(2026, 9), ""),
        "year, province": (Period(2026), province.code),
        "month, province": (Period(2026, 9), province.code),
    }
    found: dict[str, dict[str, float]] = {}
    runs = [(f"{name}, cold", period, code, True) for name, (period, code) in pages.items()]
    runs += [(f"{name}, kept", period, code, False) for name, (period, code) in pages.items()]
    with translation.override("en"):
        for name, period, code, cold in runs:
            times = []
            for _sample in range(samples):
                if cold:
                    cache.clear()  # made from the counts every time, as after each refresh
                started = time.perf_counter()
                figures = indicator_figures(acting=manager, period=period, province_code=code)
                render_to_string("insights/indicators.html", {"figures": figures}, request=request)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            found[name] = {
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
            }
            log(f"{name}: {found[name]}")
    return found


# Publishing (protecting each source's year, inside the refresh) timed on its own.
publish_s = [0.0]
_publish_year = publication._publish_year


def _timed_publish_year(source: Any, country: str, year: int, **kwargs: Any) -> int:
    started = time.perf_counter()
    cells = _publish_year(source, country, year, **kwargs)
    spent = time.perf_counter() - started
    publish_s[0] += spent
    log(f"published {source} {country} {year}: {cells} figures in {spent:.1f} s")
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument(
        "--recount", action="store_true", help="with --measure-only: count and publish again first (timed)"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to an empty PostgreSQL database made for this benchmark.")
    call_command("migrate", verbosity=0)
    refresh_s = None
    publication._publish_year = _timed_publish_year  # type: ignore[assignment]
    if not args.measure_only:
        if Case.objects.exists():
            raise SystemExit("The database already holds cases: use --measure-only, or a new database.")
        started = time.perf_counter()
        fill(cases=args.cases, seed=args.seed)
        log(f"filled in {time.perf_counter() - started:.0f} s")
    if not args.measure_only or args.recount:
        started = time.perf_counter()
        rows = refresh()
        refresh_s = round(time.perf_counter() - started, 1)
        log(
            f"counted into {rows} monthly rows, published, in {refresh_s} s (publishing {publish_s[0]:.0f} s)"
        )
    pages = measure(args.samples)
    print(
        json.dumps(
            {
                "cases": args.cases,
                "refresh_s": refresh_s,
                "publish_s": round(publish_s[0], 1) if refresh_s is not None else None,
                "p95_ms_max": max(page["p95_ms"] for page in pages.values()),
                "pages": pages,
            }
        )
    )


if __name__ == "__main__":
    main()
