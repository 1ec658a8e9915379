"""Benchmark of the match API around the index: one hash per call, through Django's whole stack.

    createdb -h 127.0.0.1 -U postgres childshield_match
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/childshield_match .venv/bin/python manage.py migrate
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/childshield_match \
        .venv/bin/python bench/match_api.py --n 1000000 --samples 300 [--store var/bench-match-index]
    dropdb -h 127.0.0.1 -U postgres childshield_match

Tops the database's bench bank up to N live random PDQ hashes (COPY, with their history rows),
then, in this one process: how long a fresh worker takes to have its index (building it from the
database, or with `--store` mapping the host's files that `manage.py match_index` writes, timed
too), then `--samples` calls of POST /api/v1/match/hashes/ with one hash each (half near an entry,
half random) through Django's test client, with a platform's API key: p50/p95 (wall clock, and
this process's CPU), the queries each call makes, and the index's own time for the same hashes,
in `--rounds` rounds keeping each figure's best. The last line is JSON. Rate limits are lifted and
the cache is the process's memory, so the figures are the app's own work. Synthetic hashes only.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

import numpy as np

# bench/http.py shares its name with the standard library's `http` package: this folder must not be
# on the path, or every `import http.client` would find that script.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childshield.settings.dev")
os.environ.setdefault("DEBUG", "0")
os.environ["HASHING_API_CALLS_PER_MINUTE"] = str(10**9)
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"

BATCH = 50_000
RADIUS = 31


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000, help="live PDQ hashes in the bench bank")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of samples; each figure's best is kept")
    parser.add_argument("--store", type=Path, help="HASHING_INDEX_DIR: build the host's files, map them")
    parser.add_argument(
        "--profile",
        type=Path,
        help="also profile one more round of calls (cProfile) into this file, and print its top",
    )
    return parser.parse_args()


ARGS = parse()
if ARGS.store:
    os.environ["HASHING_INDEX_DIR"] = str(ARGS.store.resolve())

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from childshield.accounts.models import Agency, AgencyKind, Membership, Role, User  # noqa: E402
from childshield.hashing import matching, services  # noqa: E402
from childshield.hashing.index import hashes_from_hex  # noqa: E402
from childshield.hashing.models import ApiKey, BankSource, HashBank, HashEntry, SharingPolicy  # noqa: E402

BANK_NAME = "Bench bank (synthetic)"


def member(email: str, agency_name: str, kind: str, role: str) -> Membership:
    agency, _ = Agency.objects.get_or_create(country="VN", name=agency_name, defaults={"kind": kind})
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=None, full_name="Bench"
    )
    membership, _ = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return membership


def setup() -> tuple[HashBank, str]:
    lead = member("lead@bench.invalid", "Bench Hotline", AgencyKind.HOTLINE, Role.HOTLINE_LEAD)
    admin = member("admin@bench.invalid", "Bench Platform", AgencyKind.PLATFORM, "system_admin")
    bank = HashBank.objects.filter(owner=lead.agency, name=BANK_NAME).first() or services.bank_create(
        actor=lead, name=BANK_NAME, source=BankSource.IMPORTED_LIST, sharing=SharingPolicy.TRUSTED_PLATFORMS
    )
    ApiKey.objects.filter(agency=admin.agency).delete()
    _key, secret = services.api_key_issue(actor=admin, agency=admin.agency, name="bench")
    return bank, secret


def copy_rows(table: str, names: list[str], rows: list[tuple[object, ...]]) -> None:
    raw = connection.connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    raw.commit()


def top_up(bank: HashBank, n: int, seed: int) -> None:
    """Add random live PDQ entries (and their history) until the bank holds n."""
    live = HashEntry.objects.filter(bank=bank, removed_at__isnull=True).count()
    log(f"{live} live entries; adding {max(n - live, 0)}")
    connection.ensure_connection()
    while live < n:
        size = min(BATCH, n - live)
        # seeded by the count so far, so that topping a bank up again draws new values
        values = np.random.default_rng([seed, live]).integers(0, 256, size=(size, 32), dtype=np.uint8)
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM hashing_hashentry")
            before = cursor.fetchone()[0]
        copy_rows(
            HashEntry._meta.db_table,
            ["bank_id", "algorithm", "value", "quality", "source_reference", "added_at", "removal_reason"],
            [(bank.pk, "pdq", row.tobytes().hex(), 100, "bench", now, "") for row in values],
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO hashing_hashchange (bank_id, entry_id, kind, at) "
                "SELECT bank_id, id, 'added', added_at FROM hashing_hashentry WHERE id > %s ORDER BY id",
                [before],
            )
        connection.connection.commit()  # type: ignore[union-attr]
        live += size
    if hasattr(HashBank, "live_entries") and "live_entries" in {f.name for f in HashBank._meta.fields}:
        HashBank.objects.filter(pk=bank.pk).update(live_entries=live)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE hashing_hashentry; ANALYZE hashing_hashchange; ANALYZE hashing_hashbank")


def flip(value: str, bits: int, rng: np.random.Generator) -> str:
    raw = bytearray(bytes.fromhex(value))
    for bit in rng.choice(256, size=bits, replace=False):
        raw[bit // 8] ^= 0x80 >> (bit % 8)
    return raw.hex()


def index_search(index: object, query: np.ndarray) -> object:
    # before issue 15 the process's MatchIndex kept its PdqIndex as `.index`; after, it searches itself
    search = getattr(index, "search", None) or index.index.search  # type: ignore[attr-defined]
    return search(query)


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(values, p))


def main() -> None:
    rng = np.random.default_rng(ARGS.seed)
    bank, secret = setup()
    top_up(bank, ARGS.n, ARGS.seed)
    sample = list(
        HashEntry.objects.filter(bank=bank, removed_at__isnull=True)
        .order_by("-pk")
        .values_list("value", flat=True)[: ARGS.samples]
    )
    queries = [
        flip(sample[i % len(sample)], int(rng.integers(0, RADIUS + 1)), rng) if i % 2 else rng.bytes(32).hex()
        for i in range(ARGS.samples)
    ]
    result: dict[str, object] = {"n": ARGS.n, "store": bool(ARGS.store)}

    if ARGS.store:
        started = time.perf_counter()
        call_command("match_index", verbosity=0)
        result["indexer_build_s"] = round(time.perf_counter() - started, 2)
    matching.forget_index()
    started = time.perf_counter()
    index = matching.match_index()
    result["worker_index_ready_s"] = round(time.perf_counter() - started, 3)
    log(f"index ready in {result['worker_index_ready_s']} s")

    client = Client(headers={"Authorization": f"Bearer {secret}"})

    def call(value: str) -> tuple[float, float]:
        body = {"hashes": [{"algorithm": "pdq", "value": value}]}
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post("/api/v1/match/hashes/", body, content_type="application/json")
        elapsed = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
        assert response.status_code == 200, response.content[:300]
        return elapsed

    for value in queries[:20]:
        call(value)
    with CaptureQueriesContext(connection) as captured:
        call(queries[1])
    statements = [query["sql"] for query in captured.captured_queries]  # the next call forgets them
    result["queries_per_call"] = len(statements)
    hashes = hashes_from_hex(queries)
    best: dict[str, float] = {}
    for round_number in range(ARGS.rounds):
        timings = [call(value) for value in queries]
        api, cpu = [wall for wall, _cpu in timings], [cpu for _wall, cpu in timings]
        own = []
        for row in hashes:
            started = time.perf_counter()
            index_search(index, row.reshape(1, 4))
            own.append((time.perf_counter() - started) * 1000)
        row = {
            "api_p50_ms": statistics.median(api),
            "api_p95_ms": percentile(api, 95),
            "api_cpu_p50_ms": statistics.median(cpu),
            "index_p50_ms": statistics.median(own),
            "match_over_index_ms": statistics.median(api) - statistics.median(own),
        }
        log(f"round {round_number + 1}: " + json.dumps({k: round(v, 3) for k, v in row.items()}))
        for key, value in row.items():  # each figure's best round: other work on the machine comes and goes
            best[key] = min(best.get(key, value), value)
    result.update({key: round(value, 3 if key == "index_p50_ms" else 2) for key, value in best.items()})
    result["calls_per_s_one_process"] = round(1000 / best["api_p50_ms"], 1)
    if ARGS.profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [call(value) for value in queries])
        profiler.dump_stats(ARGS.profile)
        pstats.Stats(str(ARGS.profile)).sort_stats("cumulative").print_stats(40)
    result["load_average"] = round(os.getloadavg()[0], 2)
    for statement in statements:
        log(f"  query: {statement[:160]}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
