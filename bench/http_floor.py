"""The HTTP path's own cost: gunicorn's sync workers serving a WSGI app that does nothing.

    .venv/bin/python bench/http_floor.py

    .venv/bin/python bench/http_floor.py --io [--database-url postgresql://…]

What bench/http.py's figures would be if Django, the app and the database cost nothing: the same
gunicorn (2 sync workers, no access log), a new connection per request and HTTP/1.0, as the
harness sends them. Requests go one at a time, back to back and then at 5 and 10 a second (the
harness's low rates), and the p50 and p95 of each are printed, the last line as JSON. The
difference between the two shows what an idle machine adds to a request that waits for nothing.

With `--io`, the app makes a one-hash match's round trips and nothing else, without Django: a
parameterised SELECT on PostgreSQL (the API key's), a MULTI of INCR and TTL on Redis (the rate
limit's) and one committed INSERT of two rows into a logged table (the match record's and its
audit event's), then answers a small JSON body: the floor under the match API's time at low load.
It uses a database of its own on the server of `--database-url` (dropped at the end) and a
redis-server of its own.
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# the project's root, for the test suite's redis-server helper (--io); this folder must not be on
# the path (bench/http.py would shadow the standard library's `http`)
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

APP = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
"""

IO_APP = """
import json, os
import psycopg, redis

state = {}

def app(environ, start_response):
    if not state:
        state["db"] = psycopg.connect(os.environ["FLOOR_DATABASE_URL"], autocommit=True)
        state["redis"] = redis.Redis.from_url(os.environ["FLOOR_REDIS_URL"])
    db, cache = state["db"], state["redis"]
    [(found,)] = db.execute("SELECT count(*) FROM floor_key WHERE digest = %s", ["d" * 64]).fetchall()
    with cache.pipeline(transaction=True) as pipe:
        pipe.incr("floor:calls").ttl("floor:calls")
        pipe.execute()
    db.execute(
        "WITH m AS (INSERT INTO floor_record (at, value) VALUES (now(), %s)) "
        "INSERT INTO floor_record (at, value) VALUES (now(), %s)",
        ["a" * 64, "audit"],
    )
    body = json.dumps({"results": [{"status": "no_match", "found": found}]}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int) -> float:
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    if not answer.startswith(b"HTTP/1.0 200") and not answer.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(answer[:200])
    return (time.perf_counter() - started) * 1000


def measure(port: int, rate: float, count: int) -> dict[str, float]:
    times = []
    for _ in range(count):
        due = time.perf_counter() + (1 / rate if rate else 0)
        times.append(get(port))
        time.sleep(max(0.0, due - time.perf_counter()))
    times = times[5:]  # the first ones wake the workers
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(sorted(times)[int(len(times) * 0.95)], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--count", type=int, default=100, help="requests at each rate")
    parser.add_argument("--io", action="store_true", help="make a one-hash match's round trips (above)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="with --io: a PostgreSQL server to create the floor's own database on",
    )
    args = parser.parse_args()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    folder = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    (folder / "floor_app.py").write_text(IO_APP if args.io else APP)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(folder)}
    cleanup = []
    if args.io:
        env.update(io_services(args.database_url, cleanup))
    server = subprocess.Popen(
        [gunicorn, "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}", "floor_app:app"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                get(port)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        figures = {
            "back_to_back": measure(port, 0, args.count),
            "at_5_per_s": measure(port, 5, args.count),
            "at_10_per_s": measure(port, 10, args.count),
        }
    finally:
        server.terminate()
        server.wait(timeout=15)
        shutil.rmtree(folder, ignore_errors=True)
        for step in reversed(cleanup):
            step()
    for name, figure in figures.items():
        print(f"{name:14} p50 {figure['p50_ms']:6.2f} ms  p95 {figure['p95_ms']:6.2f} ms")
    print(json.dumps({"harness": "bench/http_floor.py", "io": args.io, "workers": args.workers, **figures}))


def io_services(database_url: str, cleanup: list[Callable[[], None]]) -> dict[str, str]:
    """A database and a redis-server of the floor's own; how to remove them goes into `cleanup`."""
    import psycopg

    from tests.fault.servers import RedisServer

    name = f"childshield_floor_{os.getpid()}"
    server_url = urlsplit(database_url)
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    cleanup.append(lambda: _drop(database_url, name))
    floor_url = urlunsplit(server_url._replace(path="/" + name))
    with psycopg.connect(floor_url, autocommit=True) as db:
        db.execute("CREATE TABLE floor_key (id serial PRIMARY KEY, digest varchar(64) UNIQUE)")
        db.execute("INSERT INTO floor_key (digest) VALUES (%s)", ["d" * 64])
        db.execute("CREATE TABLE floor_record (id bigserial PRIMARY KEY, at timestamptz, value varchar(64))")
    redis = RedisServer()
    redis.start()
    cleanup.append(redis.stop)
    return {"FLOOR_DATABASE_URL": floor_url, "FLOOR_REDIS_URL": redis.url(0)}


def _drop(database_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
