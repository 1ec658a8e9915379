"""The HTTP load harness: childshield under gunicorn on PostgreSQL, end to end, at fixed arrival rates.

    .venv/bin/python bench/http.py                        # a few minutes on 2 cores
    .venv/bin/python bench/http.py --cases 100000 --hashes 1000000
    .venv/bin/python bench/http.py --quick                # a smoke run: about a minute, mostly migrating

It creates a PostgreSQL database of its own (childshield_bench_<pid>, on the server of
DATABASE_URL or --database-url, dropped at the end), migrates it, fills it with `--cases` made-up
cases (bench/cases.py's filler; 20,000 by default so that a run takes minutes, 100,000 for the
issue's aim), the demo (`seed_demo`), `--reports` reports waiting for the helpline and a bank of
`--hashes` random PDQ hashes with an API key; starts its own redis-server (cache and broker, so
nothing is shared with other work on the machine) and the app under gunicorn (`--workers`, sync
workers, production settings by default) with the limits that would measure the limiter instead of
the app lifted (API calls and uploads per key), and signs in a counsellor and a case worker as a
browser does (password, two-factor code, agency).

Then, for each endpoint, in `--rounds` interleaved rounds: a latency phase at a low fixed rate, and
a saturation search: the rate raised by `--growth` while a step is kept up with (at most 1 % wrong
answers, p95 <= max(--sat-p95-ms, 4x one request alone), answers coming at >= 90 % of the rate
sent), then once between the last rate kept up with and the first that was not. Requests are sent
on a schedule whatever the answers do (open loop), timed from when each was due. It counts its own
CPU and gunicorn's per request, records the load average, keeps each figure's best round, and prints
as its last line JSON: requests/s and p50/p95 for /healthz, the public home, a report POST, a
thread open, the helpline queue, the case list, a one-hash match and an image match, and
`match_over_index_ms` (the API's p50 less the index's own, timed here on the same bank).
Traffic goes only to 127.0.0.1. Hashes are random, pictures drawn, people made up.
"""

import sys
from pathlib import Path

# This file shares its name with the standard library's `http` package: its folder must not come
# first on the path, or every `import http.client` would find this script.
BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))
sys.path.append(str(BENCH))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import base64  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

import httpx  # noqa: E402
import numpy as np  # noqa: E402
import psycopg  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from http_load import (  # noqa: E402
    Endpoint,
    Phase,
    Saturation,
    Target,
    alone,
    percentile,
    require_right,
    run_phase,
    saturate,
)
from http_site import Browser, Endpoints, Site, flipped  # noqa: E402

from tests.fault.servers import Process, RedisServer, free_port, wait_for  # noqa: E402

ENDPOINTS = (
    "healthz",
    "home",
    "match_hash",
    "match_image",
    "queue",
    "case_list",
    "report_post",
    "thread_open",
    "chat_poll",
    "staff_chat_poll",
    "platform_report",
    "platform_notices",
    "bank_signals",
)
AIMS = {
    "match_hash": "p50 within 5 ms of the index's own time (at 1M and 10M hashes); >= 200/s at saturation",
    "report_post": "p95 < 150 ms at 10 reports/s arriving; <= 20 ms CPU per report",
    "thread_open": "<= 20 ms CPU per thread opened",
    "chat_poll": "a live chat's poll, every 2 s while it is open: open chats per server = rate / 0.5",
    "staff_chat_poll": "the counsellor's side of a live chat, every 2 s",
    "platform_report": "a platform's report of one address and one file hash (a hotline item filed)",
    "platform_notices": "a platform reading its notices, 50 a page",
    "bank_signals": "a platform starting its copy of a bank: 1,000 signals a page",
    "home": ">= 250 requests/s at saturation",
    "queue": "p95 < 200 ms at 5 requests/s (1,000 waiting reports, 100,000 cases)",
    "case_list": "p95 < 200 ms at 5 requests/s (1,000 waiting reports, 100,000 cases)",
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def add_serving_arguments(parser: argparse.ArgumentParser) -> None:
    """The data, the server and the client's patience: what `seed` and `serving` read (bench/http_day.py
    shares them)."""
    parser.add_argument("--hashes", type=int, default=100_000, help="random PDQ hashes in the bank")
    parser.add_argument("--reports", type=int, default=1000, help="reports waiting for the helpline")
    parser.add_argument("--cases", type=int, default=20_000, help="made-up cases (the aim: 100,000)")
    parser.add_argument("--worker-cases", type=int, default=250, help="cases the signed-in worker leads")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a request may take")
    parser.add_argument("--settings", choices=["production", "dev"], default="production")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--gunicorn-timeout", type=int, default=120)
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="for the server")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server to create the benchmark's own database on",
    )
    parser.add_argument("--keep-database", action="store_true", help="do not drop the database at the end")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_serving_arguments(parser)
    parser.add_argument(
        "--rounds", type=int, default=2, help="interleaved rounds; each figure's best is kept"
    )
    parser.add_argument("--phase-seconds", type=float, default=4.0, help="length of a latency phase")
    parser.add_argument("--step-seconds", type=float, default=2.5, help="length of a saturation step")
    parser.add_argument("--growth", type=float, default=1.4, help="rate factor between saturation steps")
    parser.add_argument("--max-steps", type=int, default=10, help="saturation steps at most, per search")
    parser.add_argument("--max-rate", type=float, default=1500.0, help="requests/s never exceeded")
    parser.add_argument(
        "--sat-p95-ms",
        type=float,
        default=250.0,
        help="a saturation step is kept up with at p95 <= max(this, 4x one request alone), <= 1%% errors",
    )
    parser.add_argument("--alone", type=int, default=6, help="requests sent one by one to time one alone")
    parser.add_argument(
        "--rate", action="append", default=[], metavar="NAME=RATE", help="a latency phase's rate"
    )
    parser.add_argument("--only", default="", help="comma-separated endpoints to measure (default: all)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="a smoke run: small data, short phases")
    args = parser.parse_args()
    unknown = set(filter(None, args.only.split(","))) - set(ENDPOINTS)
    if unknown:
        parser.error(f"unknown endpoints {sorted(unknown)}: choose among {', '.join(ENDPOINTS)}")
    if args.quick:
        args.hashes, args.reports, args.cases, args.worker_cases = 2000, 30, 2000, 50
        args.rounds, args.phase_seconds, args.step_seconds, args.max_steps, args.alone = 1, 1.5, 1.0, 3, 3
    return args


def database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_sql(admin_url: str, statement: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


def secrets_env() -> dict[str, str]:
    """Fresh secrets for this run (production settings refuse the demo's)."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(40),
        "HOTLINE_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
        "PASSPHRASE_KEYS": secrets.token_urlsafe(40),  # the keyed passphrase hash, once it is in
    }


class AppServer(Process):
    """childshield under gunicorn with sync workers, as deployed; no access log."""

    def __init__(self, env: dict[str, str], *, workers: int, timeout: int) -> None:
        super().__init__("bench-http-app")
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.timeout = timeout

    def start_serving(self, site: Site) -> None:
        argv = [sys.executable, "-m", "gunicorn", "childshield.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        argv += ["--workers", str(self.workers), "--timeout", str(self.timeout)]
        self.spawn(argv, self.env)

        def ready() -> bool:
            if not self.running:
                raise RuntimeError(f"the app exited:\n{self.output()}")
            try:
                return (
                    httpx.get(f"{site.base_url}/healthz", headers=site.headers(), timeout=2).status_code
                    == 200
                )
            except httpx.HTTPError:
                return False

        wait_for(ready, seconds=120, what="the app answering /healthz")


@dataclass
class Figures:
    """Every phase of one endpoint, and what is reported of them."""

    endpoint: Endpoint
    alone_ms: float = 0.0
    cold_ms: float | None = None
    latency: list[Phase] = field(default_factory=list)
    saturation: list[Saturation] = field(default_factory=list)

    def best_sustained(self) -> Phase | None:
        kept = [search.best for search in self.saturation if search.best is not None]
        return max(kept, key=lambda phase: phase.rate, default=None)

    def summary(self) -> dict[str, Any]:
        best = self.best_sustained()
        low = self.latency
        out: dict[str, Any] = {
            "rps": round(best.rate, 1) if best else 0.0,
            "rps_done": round(best.throughput, 1) if best else 0.0,
            "rps_p95_ms": round(best.p95_ms, 1) if best else None,
            "p50_ms": round(min(phase.p50_ms for phase in low), 1),
            "p95_ms": round(min(phase.p95_ms for phase in low), 1),
            "at_rps": self.endpoint.low_rate,
            "errors": sum(phase.errors for phase in low),
            "sent": sum(phase.sent for phase in low),
            "alone_ms": round(self.alone_ms, 1),
            "server_cpu_ms": round(min(phase.server_cpu_ms for phase in low), 1),
            "client_cpu_ms": round(min(phase.client_cpu_ms for phase in low), 2),
        }
        if self.cold_ms is not None:
            out["cold_ms"] = round(self.cold_ms, 1)
        return out


async def warm(target: Target, figures: Figures, *, workers: int, alone_count: int) -> None:
    """Requests enough to have every worker load what it loads once (the match index), then one at a
    time to time one request on an idle server."""
    endpoint = figures.endpoint
    for batch in range(2):
        specs = await endpoint.specs(2 * workers)
        started = time.perf_counter()
        answers = await asyncio.gather(*(target.send(spec, 300) for spec in specs))
        if batch == 0 and endpoint.name.startswith("match"):
            figures.cold_ms = (time.perf_counter() - started) * 1000
        for spec, answer in zip(specs, answers, strict=True):
            require_right(endpoint, spec, answer)
    figures.alone_ms = statistics.median(await alone(target, endpoint, count=alone_count))
    log(f"{endpoint.name:<12} one request alone: {figures.alone_ms:.1f} ms (median of {alone_count})")


async def measure(args: argparse.Namespace, endpoints: Endpoints, server_pid: int) -> dict[str, Figures]:
    rates = {name: float(rate) for name, _, rate in (item.partition("=") for item in args.rate)}
    chosen = [e for e in endpoints.all(rates) if not args.only or e.name in args.only.split(",")]
    figures = {endpoint.name: Figures(endpoint) for endpoint in chosen}
    target = endpoints.target
    for one in figures.values():
        await warm(target, one, workers=args.workers, alone_count=args.alone)
    for number in range(args.rounds):
        log(f"round {number + 1} of {args.rounds}")
        for one in figures.values():
            endpoint = one.endpoint
            phase = await run_phase(
                target,
                endpoint,
                rate=endpoint.low_rate,
                seconds=args.phase_seconds,
                server_pid=server_pid,
                timeout=args.timeout,
            )
            print(f"  latency     {phase.line()}", flush=True)
            one.latency.append(phase)
            await asyncio.sleep(0.5)
            previous = one.best_sustained()
            # From a guess of what the workers can do (each busy for one request's time alone), or
            # just under what the last round kept up with.
            guess = 0.3 * args.workers * 1000 / max(one.alone_ms, 1.0)
            start = previous.rate / args.growth**2 if previous else guess
            search = await saturate(
                target,
                endpoint,
                start_rate=min(max(start, 0.5), args.max_rate),
                growth=args.growth,
                seconds=args.step_seconds,
                p95_limit_ms=max(args.sat_p95_ms, 4 * one.alone_ms),
                server_pid=server_pid,
                timeout=args.timeout,
                max_steps=args.max_steps,
                max_rate=args.max_rate,
                report=lambda step: print(f"  saturation  {step.line()}", flush=True),
            )
            one.saturation.append(search)
            await asyncio.sleep(0.5)
    return figures


def index_p50_ms(bank_hashes: np.ndarray, bank_ids: list[int], queries: np.ndarray) -> float:
    """The index's own time for one hash, in this process, on the same bank and queries as the API's."""
    from childshield.hashing.index import DEFAULT_RADIUS, PdqIndex

    index = PdqIndex.build(bank_hashes, bank_ids, radius=DEFAULT_RADIUS)
    timings = []
    for query in queries:
        started = time.perf_counter()
        index.search(query.reshape(1, 4))
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


@dataclass
class Served:
    """What `serving` hands to a scenario: the running app, and what its seeding returned."""

    site: Site
    server_pid: int
    seeded: Any
    workers: int


@contextmanager
def serving(args: argparse.Namespace, seed_with: Callable[[argparse.Namespace], Any]) -> Iterator[Served]:
    """The harness's own PostgreSQL database and redis-server, seeded by `seed_with(args)` (Django is
    set up on the new database by then; its result is `Served.seeded`), and the app under gunicorn;
    all of it stopped and dropped at the end. `args` needs database_url, settings, workers,
    gunicorn_timeout, env and keep_database."""
    name = f"childshield_bench_{os.getpid()}"
    url = database_url(args.database_url, name)
    scratch = Path(tempfile.mkdtemp(prefix="bench-http-"))
    redis = RedisServer()
    server: AppServer | None = None
    created = False
    try:
        redis.start()
        admin_sql(args.database_url, f'CREATE DATABASE "{name}"')
        created = True
        shared = {
            "DATABASE_URL": url,
            **secrets_env(),
            "CACHE_URL": redis.url(1),
            "CELERY_BROKER_URL": redis.url(0),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DEBUG": "false",
            "MEDIA_ROOT": str(scratch / "media"),
            "HASHING_SLOT_DIR": str(scratch / "hashing-slots"),
            # The demo's hotline notices and any alert go nowhere.
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
        os.environ.update(shared, DJANGO_SETTINGS_MODULE="childshield.settings.dev")
        seeded = seed_with(args)

        server_env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
        server_env.update(
            shared,
            DJANGO_SETTINGS_MODULE=f"childshield.settings.{args.settings}",
            PYTHONPATH=str(ROOT),
            ALLOWED_HOSTS="127.0.0.1",
            # The proxy in front adds X-Forwarded-For; per-address limits then count the client's address.
            PROXY_COUNT="1",
            # Measure the app, not the per-key limiter (600 calls and 30 uploads a minute by default).
            HASHING_API_CALLS_PER_MINUTE="1000000000",
            HASHING_API_UPLOADS_PER_MINUTE="1000000000",
        )
        server_env.update(item.split("=", 1) for item in args.env)
        if args.settings == "production":
            log("collectstatic (production settings serve a manifest)")
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=server_env,
                check=True,
                timeout=600,
            )
        server = AppServer(server_env, workers=args.workers, timeout=args.gunicorn_timeout)
        site = Site(server.port, https=args.settings == "production")
        server.start_serving(site)
        assert server.popen is not None
        log(f"gunicorn ({args.workers} workers, {args.settings} settings) on port {server.port}")
        yield Served(site=site, server_pid=server.popen.pid, seeded=seeded, workers=args.workers)
    finally:
        for process in (server, redis):
            if process is not None:
                process.stop()
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        if created and not args.keep_database:
            admin_sql(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(scratch, ignore_errors=True)
    for process in (server, redis):  # their output, kept only when something failed
        process.log.unlink(missing_ok=True)


def main() -> None:
    args = parse_args()
    # Django's logging (the root logger at INFO) would print every request httpx makes.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    started = time.monotonic()
    load_before = os.getloadavg()

    def seed_and_time_index(args: argparse.Namespace) -> tuple[Any, dict[str, Any], np.ndarray, float]:
        bank, logins = seed(args)
        queries = make_queries(bank.hashes, args.seed)
        index_ms = index_p50_ms(bank.hashes, bank.ids, queries)
        log(f"the index's own time for one hash: p50 {index_ms:.3f} ms ({args.hashes} hashes)")
        return bank, logins, queries, index_ms

    with serving(args, seed_and_time_index) as served:
        bank, logins, queries, index_ms = served.seeded
        counsellor, worker = (
            Browser(served.site).sign_in(logins[key]) for key in ("counsellor", "case_worker")
        )
        log("a counsellor and a case worker signed in")
        figures = asyncio.run(
            run(args, served.site, bank.api_key, bank.bank_id, queries, counsellor, worker, served.server_pid)
        )
    report(args, figures, index_ms, load_before, started)


async def run(
    args: argparse.Namespace,
    site: Site,
    api_key: str,
    bank_id: int,
    queries: np.ndarray,
    counsellor: str,
    worker: str,
    server_pid: int,
) -> dict[str, Figures]:
    from childshield.hashing.index import hashes_to_hex

    endpoints = Endpoints(
        site=site,
        api_key=api_key,
        bank_id=bank_id,
        queries=hashes_to_hex(queries),
        counsellor_cookie=counsellor,
        worker_cookie=worker,
        seed=args.seed,
    )
    return await measure(args, endpoints, server_pid)


def make_queries(bank: np.ndarray, seed: int, count: int = 1000) -> np.ndarray:
    """Half near copies of banked hashes (0-31 bits flipped: they match), half random (they do not)."""
    rng = np.random.default_rng(seed + 1)
    near = flipped(bank[rng.integers(0, len(bank), size=count // 2)], rng, 31)
    far = rng.integers(
        0, np.iinfo(np.uint64).max, size=(count - len(near), 4), dtype=np.uint64, endpoint=True
    )
    both = np.concatenate([near, far])
    return both[rng.permutation(len(both))]


def seed(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    import django

    django.setup()
    import http_seed
    from django.core.management import call_command

    from childshield.accounts.models import Role

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.0f} s")
    http_seed.fill_cases(cases=args.cases, seed=args.seed)
    http_seed.seed_demo()
    log("demo seeded")
    worker = http_seed.demo_membership(
        "case.worker@demo.childshield.test", Role.CASE_WORKER, "social_services"
    )
    supervisor = http_seed.demo_membership("case.supervisor@demo.childshield.test", Role.CASE_SUPERVISOR)
    moved = http_seed.give_caseload(
        member=worker, supervisor=supervisor, cases=args.worker_cases, seed=args.seed
    )
    log(f"the demo case worker leads {moved} more cases")
    made = http_seed.waiting_reports(count=args.reports, seed=args.seed)
    log(f"{made} reports waiting")
    bank = http_seed.hash_bank(n=args.hashes, seed=args.seed)
    log(f"bank of {len(bank.ids)} random PDQ hashes")
    counsellor = http_seed.demo_membership("counsellor@demo.childshield.test", Role.COUNSELLOR)
    logins = {"counsellor": http_seed.staff_login(counsellor), "case_worker": http_seed.staff_login(worker)}
    log(f"seeded in {time.perf_counter() - started:.0f} s")
    return bank, logins


def commit_measured() -> str | None:
    """The checkout's commit, of the code measured (None outside a git checkout)."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except OSError:
        commit = ""
    return commit or None


def report(
    args: argparse.Namespace,
    figures: dict[str, Figures],
    index_ms: float,
    load_before: tuple[float, float, float],
    started: float,
) -> None:
    elapsed = time.monotonic() - started
    phases = [
        p
        for f in figures.values()
        for p in [*f.latency, *(s for search in f.saturation for s in search.steps)]
    ]
    endpoints = {name: one.summary() for name, one in figures.items()}
    print()
    print(
        f"{'endpoint':<12} {'rps':>7} {'p50 ms':>8} {'p95 ms':>8} {'at rps':>7} {'alone ms':>9} "
        f"{'cpu ms':>7}  aim"
    )
    for name, one in endpoints.items():
        print(
            f"{name:<12} {one['rps']:>7} {one['p50_ms']:>8} {one['p95_ms']:>8} {one['at_rps']:>7} "
            f"{one['alone_ms']:>9} {one['server_cpu_ms']:>7}  {AIMS.get(name, '')}"
        )
    summary: dict[str, Any] = {
        "harness": "bench/http.py",
        "commit": commit_measured(),
        "argv": sys.argv[1:],
        "settings": args.settings,
        "workers": args.workers,
        "cores": os.cpu_count(),
        "hashes": args.hashes,
        "reports": args.reports,
        "cases": args.cases,
        "rounds": args.rounds,
        "elapsed_s": round(elapsed),
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_max": round(max((p.load_average for p in phases), default=0.0), 2),
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        # This client's own CPU while it sent load, and as a share of one core over those phases.
        "client_cpu_s": round(sum(p.client_cpu_ms * p.sent for p in phases) / 1000, 1),
        "client_cpu_share": round(
            sum(p.client_cpu_ms * p.sent for p in phases) / 1000 / max(sum(p.seconds for p in phases), 1e-9),
            3,
        ),
        "client_cpu_lag_p95_ms": round(percentile([p.lag_p95_ms for p in phases], 0.95), 1),
        "index_p50_ms": round(index_ms, 3),
        "match_over_index_ms": (
            round(endpoints["match_hash"]["p50_ms"] - index_ms, 1) if "match_hash" in endpoints else None
        ),
        "endpoints": endpoints,
    }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
