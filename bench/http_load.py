"""bench/http.py's load: requests started on a fixed schedule (open loop), whatever the answers do,
timed from the moment each was due, with the CPU of the client and of the server counted per phase.

Open loop: a request is sent when its time comes even if earlier ones have not been answered, as
people and platforms do; a closed loop (send, wait, send) would slow down with the server and hide
its queue. Each request is timed from when it was due, so a client that falls behind counts against
the figure rather than hiding it, and the lag is reported.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import resource
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Spec:
    """One request, as bytes on the wire, built before its phase starts (so building it costs
    nothing while timing)."""

    method: str
    url: str
    raw: bytes


@dataclass(frozen=True)
class Answer:
    status: int
    head: bytes
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


class TransportError(Exception):
    """No answer: the connection failed, was cut, or the answer was not HTTP."""


class Target:
    """A plain HTTP/1.0 client of one server: one connection per request, read to its end.

    The app's sync gunicorn workers close every connection after one answer anyway, and at a few
    hundred requests a second a general client's own CPU (about 4.5 ms a request for httpx's
    AsyncClient on this machine) would take a large share of the two cores it shares with the
    server; this costs a fraction of that. HTTP/1.0 keeps answers unchunked.
    """

    def __init__(self, port: int) -> None:
        self.port = port

    def spec(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        *,
        form: dict[str, Any] | None = None,
        json_body: object | None = None,
        body: bytes = b"",
        content_type: str = "",
    ) -> Spec:
        if form is not None:
            body, content_type = urlencode(form, doseq=True).encode(), "application/x-www-form-urlencoded"
        elif json_body is not None:
            body, content_type = json.dumps(json_body).encode(), "application/json"
        lines = [f"{method} {url} HTTP/1.0", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if method == "POST":
            lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        return Spec(method, url, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    async def send(self, spec: Spec, timeout: float = 120.0) -> Answer:
        """The answer, or TimeoutError after `timeout` seconds, or TransportError."""
        async with asyncio.timeout(timeout):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError as error:
                raise TransportError(type(error).__name__) from error
            try:
                writer.write(spec.raw)
                await writer.drain()
                data = await reader.read(-1)
            except OSError as error:
                raise TransportError(type(error).__name__) from error
            finally:
                writer.close()
        head, _, body = data.partition(b"\r\n\r\n")
        try:
            status = int(head.split(b" ", 2)[1])
        except (IndexError, ValueError):
            raise TransportError("not HTTP") from None
        return Answer(status, head, body)


def multipart(fields: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body of files (name: (file name, content, type)), and its content type."""
    boundary = "bench-http-boundary-7f3a9c"
    parts = []
    for name, (filename, content, kind) in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {kind}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


Check = Callable[[Answer], bool]


@dataclass
class Endpoint:
    name: str
    specs: Callable[[int], Awaitable[list[Spec]]]  # n requests, ready to send
    check: Check  # a right answer (a 200 that says what it should), beyond the status
    low_rate: float  # requests a second of the latency phase
    status: int = 200  # the status of a right answer (204 for a poll that finds nothing new)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_tree_cpu_seconds(pid: int) -> float:
    """CPU used so far by a process and its children now alive (the gunicorn master and workers)."""
    total = 0.0
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            pids = [pid, *(int(child) for child in children.read().split())]
    except OSError:
        return 0.0
    for one in pids:
        try:
            with open(f"/proc/{one}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return total


@dataclass
class Phase:
    """What one phase at one rate gave."""

    endpoint: str
    rate: float
    sent: int
    ok: int
    errors: int
    statuses: dict[str, int]
    p50_ms: float
    p95_ms: float
    max_ms: float
    seconds: float  # from the first request due to the last answer
    throughput: float  # right answers a second, from the first answer to the last
    lag_p95_ms: float  # how late the client sent its requests (its own slowness)
    client_cpu_ms: float  # per request
    server_cpu_ms: float  # per request, gunicorn's processes (not the database's)
    load_average: float

    @property
    def error_rate(self) -> float:
        return self.errors / self.sent if self.sent else 1.0

    def line(self) -> str:
        codes = " ".join(f"{code}:{count}" for code, count in sorted(self.statuses.items()))
        return (
            f"{self.endpoint:<12} {self.rate:>7.1f}/s  n={self.sent:<4} ok={self.ok:<4} "
            f"p50 {self.p50_ms:>8.1f} ms  p95 {self.p95_ms:>8.1f} ms  max {self.max_ms:>8.1f} ms  "
            f"{self.throughput:>6.1f}/s done  server cpu {self.server_cpu_ms:>6.1f} ms/req  "
            f"client cpu {self.client_cpu_ms:>5.2f} ms/req  lag p95 {self.lag_p95_ms:>5.1f} ms  "
            f"load {self.load_average:.2f}  [{codes}]"
        )


async def run_phase(
    target: Target,
    endpoint: Endpoint,
    *,
    rate: float,
    seconds: float,
    server_pid: int,
    timeout: float,
    max_requests: int = 5000,
) -> Phase:
    """Send `rate` requests a second for `seconds` (at most `max_requests`), then wait for the answers
    (each for at most `timeout` seconds)."""
    count = max(1, min(max_requests, round(rate * seconds)))
    specs = await endpoint.specs(count)
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    lags: list[float] = []
    statuses: dict[str, int] = {}
    ok = 0
    first_done, last_done = math.inf, 0.0

    async def one(spec: Spec, due: float) -> None:
        nonlocal ok, first_done, last_done
        lags.append((loop.time() - due) * 1000)
        try:
            answer = await target.send(spec, timeout)
            code = str(answer.status)
            right = answer.status == endpoint.status and endpoint.check(answer)
        except TimeoutError:
            code, right = "timeout", False
        except TransportError as error:
            code, right = str(error), False
        done = loop.time()
        first_done, last_done = min(first_done, done), max(last_done, done)
        latencies.append((done - due) * 1000)
        key = "200-wrong" if code == "200" and not right else code
        statuses[key] = statuses.get(key, 0) + 1
        ok += right

    client_cpu, server_cpu = own_cpu_seconds(), process_tree_cpu_seconds(server_pid)
    start = loop.time() + 0.02
    tasks = []
    for number, spec in enumerate(specs):
        due = start + number / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(spec, due)))
    await asyncio.gather(*tasks)
    client_cpu = own_cpu_seconds() - client_cpu
    server_cpu = process_tree_cpu_seconds(server_pid) - server_cpu
    elapsed = max(last_done - start, 1e-9)
    return Phase(
        endpoint=endpoint.name,
        rate=rate,
        sent=count,
        ok=ok,
        errors=count - ok,
        statuses=statuses,
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        max_ms=max(latencies),
        seconds=elapsed,
        # Answers a second from the first to the last: the rate sent if the server kept up (each
        # answer as late as the first), less if a queue grew. (From the first request due, the
        # first answer's latency would count as time not served.)
        throughput=(ok - 1) / (last_done - first_done) if ok > 1 and last_done > first_done else 0.0,
        lag_p95_ms=percentile(lags, 0.95),
        client_cpu_ms=client_cpu * 1000 / count,
        server_cpu_ms=server_cpu * 1000 / count,
        load_average=os.getloadavg()[0],
    )


def require_right(endpoint: Endpoint, spec: Spec, answer: Answer) -> None:
    if answer.status != endpoint.status or not endpoint.check(answer):
        raise RuntimeError(
            f"{endpoint.name}: {spec.method} {spec.url} answered {answer.status}:\n{answer.text[:1500]}"
        )


async def alone(target: Target, endpoint: Endpoint, *, count: int) -> list[float]:
    """Latencies of `count` requests sent one after the other: the time of one request on an idle server."""
    timings = []
    for spec in await endpoint.specs(count):
        started = time.perf_counter()
        answer = await target.send(spec)
        timings.append((time.perf_counter() - started) * 1000)
        require_right(endpoint, spec, answer)
    return timings


MIN_STEP_REQUESTS = 15
KEPT_UP_SHARE = 0.9
MAX_STEP_SECONDS = 12.0


@dataclass
class Saturation:
    best: Phase | None  # the fastest rate sustained
    steps: list[Phase]
    p95_limit_ms: float


def sustained(phase: Phase, p95_limit_ms: float) -> bool:
    """Kept up: at most 1 % wrong answers, p95 under the limit, and answered about as fast as sent
    (no queue growing)."""
    return (
        phase.error_rate <= 0.01
        and phase.p95_ms <= p95_limit_ms
        and phase.throughput >= KEPT_UP_SHARE * phase.rate
    )


async def saturate(
    target: Target,
    endpoint: Endpoint,
    *,
    start_rate: float,
    growth: float,
    seconds: float,
    p95_limit_ms: float,
    server_pid: int,
    timeout: float,
    max_steps: int,
    max_rate: float,
    report: Callable[[Phase], None],
) -> Saturation:
    """Raise the rate by `growth` until p95 or errors blow up, then try once between the last rate
    kept up with and the first that was not; every step is bounded in count and time.

    A step lasts `seconds`, or longer at slow rates so that it sends at least MIN_STEP_REQUESTS (a
    queue growing at a rate just past what the server does shows only after some requests)."""

    async def step(rate: float) -> Phase:
        length = min(max(seconds, MIN_STEP_REQUESTS / rate), MAX_STEP_SECONDS)
        phase = await run_phase(
            target, endpoint, rate=rate, seconds=length, server_pid=server_pid, timeout=timeout
        )
        steps.append(phase)
        report(phase)
        return phase

    steps: list[Phase] = []
    best: Phase | None = None
    rate = start_rate
    failed_at = 0.0
    for _ in range(max_steps):
        phase = await step(rate)
        if not sustained(phase, p95_limit_ms):
            failed_at = rate
            break
        best = phase
        if rate >= max_rate:
            break
        rate = min(max_rate, rate * growth)
    for _ in range(3 if best is None else 0):
        # Even the first rate was too much: go down until one is kept up with.
        rate /= growth * growth
        phase = await step(rate)
        if sustained(phase, p95_limit_ms):
            best = phase
            failed_at = min(failed_at, rate * growth)
            break
    if best is not None and failed_at:
        # Once between the last rate kept up with and the first that was not.
        phase = await step(math.sqrt(best.rate * failed_at))
        if sustained(phase, p95_limit_ms):
            best = phase
    return Saturation(best=best, steps=steps, p95_limit_ms=p95_limit_ms)
