"""The HTTP path's own cost: gunicorn's sync workers serving a WSGI app that does nothing.

    .venv/bin/python bench/http_floor.py

What bench/http.py's figures would be if Django, the app and the database cost nothing: the same
gunicorn (2 sync workers, no access log), a new connection per request and HTTP/1.0, as the
harness sends them. Requests go one at a time, back to back and then at 5 and 10 a second (the
harness's low rates), and the p50 and p95 of each are printed, the last line as JSON. The
difference between the two shows what an idle machine adds to a request that waits for nothing.
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
from pathlib import Path

APP = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
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
    args = parser.parse_args()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    folder = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    (folder / "floor_app.py").write_text(APP)
    port = free_port()
    server = subprocess.Popen(
        [gunicorn, "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}", "floor_app:app"],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(folder)},
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
    for name, figure in figures.items():
        print(f"{name:14} p50 {figure['p50_ms']:6.2f} ms  p95 {figure['p95_ms']:6.2f} ms")
    print(json.dumps({"harness": "bench/http_floor.py", "workers": args.workers, **figures}))


if __name__ == "__main__":
    main()
