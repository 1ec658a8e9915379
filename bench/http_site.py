"""What bench/http.py asks of the site: signing staff in as a browser does, and the requests of each
measured endpoint (a child's report and thread, the staff pages, the match API).

Every request goes to 127.0.0.1 and carries what the proxy in front of the app would add: the
client's address (synthetic, from the TEST-NET ranges, so the per-address limits of the public
pages count many places) and, under production settings, that the request came over HTTPS.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import random
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import httpx
import numpy as np
from http_load import Answer, Check, Endpoint, Spec, Target, multipart
from PIL import Image, ImageDraw

# RFC 5737 documentation networks: addresses that belong to nobody.
TEST_NETS = ("192.0.2", "198.51.100", "203.0.113")


def synthetic_addresses() -> itertools.cycle[str]:
    return itertools.cycle([f"{net}.{host}" for host in range(1, 255) for net in TEST_NETS])


class Site:
    """The app's address, and the headers its proxy would add."""

    def __init__(self, port: int, *, https: bool) -> None:
        self.base_url = f"http://127.0.0.1:{port}"
        self.target = Target(port)
        # The origin the browser would name: the proxy's (HTTPS) under production settings.
        self.origin = f"{'https' if https else 'http'}://127.0.0.1:{port}"
        self.proxy_headers = {"X-Forwarded-Proto": "https"} if https else {}
        self.addresses = synthetic_addresses()

    def headers(self, *, post: bool = False, cookie: str = "") -> dict[str, str]:
        headers = {**self.proxy_headers, "X-Forwarded-For": next(self.addresses)}
        if post:
            headers["Origin"] = self.origin
        if cookie:
            headers["Cookie"] = cookie
        return headers


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    if not match:
        raise RuntimeError(f"no {name} in the page:\n{html[:1500]}")
    return match.group(1)


class Browser:
    """One person's browser for signing in: cookies kept by hand, because under production settings
    they are Secure and this client speaks plain HTTP to the app behind its (absent) proxy."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.client = httpx.Client(base_url=site.base_url, timeout=60)
        self.cookies: dict[str, str] = {}

    @property
    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, url: str, data: dict[str, str] | None = None) -> httpx.Response:
        headers = self.site.headers(post=method == "POST", cookie=self.cookie)
        response = self.client.request(method, url, headers=headers, data=data)
        self.client.cookies.clear()
        for raw in response.headers.get_list("set-cookie"):
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(raw)
            for name, morsel in parsed.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def post_form(self, url: str, data: dict[str, str], page: str | None = None) -> httpx.Response:
        html = self.request("GET", page or url).text
        return self.request(
            "POST", url, {**data, "csrfmiddlewaretoken": hidden_value(html, "csrfmiddlewaretoken")}
        )

    def sign_in(self, login: Any) -> str:
        """Password, two-factor code, then the agency to act for; returns the session's cookie header.
        `login` is an http_seed.StaffLogin."""
        answer = self.post_form("/en/account/sign-in/", {"username": login.email, "password": login.password})
        if answer.status_code != 302:
            raise RuntimeError(
                f"sign-in of {login.email} answered {answer.status_code}:\n{answer.text[:1500]}"
            )
        answer = self.post_form("/en/account/two-factor/", {"token": login.token()})
        if answer.status_code != 302:
            raise RuntimeError(f"two-factor answered {answer.status_code}:\n{answer.text[:1500]}")
        answer = self.post_form(
            "/en/account/acting-for/", {"membership": str(login.membership)}, page="/en/account/"
        )
        home = self.request("GET", "/en/account/")
        if answer.status_code != 302 or login.agency not in home.text or "You now act for" not in home.text:
            raise RuntimeError(f"choosing the agency answered {answer.status_code}:\n{home.text[:1500]}")
        return self.cookie


# The public report form, filled in as tests/intake send it (made-up words, a reserved domain).
REPORT = {
    "about": "me",
    "harms": ["threatened"],
    "description": "Someone says he will post my photos unless I pay. (Made up for a benchmark.)",
    "platform": "zalo",
    "url1": "https://chat.example.com/u/made-up-person",
    "happened": "today",
    "safe_now": "yes",
    "age_band": "13_15",
    "gender": "girl",
    "contact_method": "none",
}


@dataclass(frozen=True)
class Receipt:
    code: str
    passphrase: str


def synthetic_png(number: int, size: int = 256) -> bytes:
    """A drawn picture (a gradient and rectangles): never a photograph, never real material."""
    rng = np.random.default_rng(1000 + number)
    gradient = np.linspace(30, 225, size)[None, :, None] * np.ones((size, 1, 3))
    image = Image.fromarray(gradient.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = (int(v) for v in rng.integers(0, size - 40, size=2))
        draw.rectangle([x, y, x + 40, y + 30], fill=tuple(int(c) for c in rng.integers(0, 256, size=3)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def flipped(hashes: np.ndarray, rng: np.random.Generator, most: int) -> np.ndarray:
    """Each row with 0..`most` random bits flipped (a re-encoded copy of a banked image)."""
    out = hashes.copy()
    for row in out:
        for bit in rng.choice(256, size=int(rng.integers(0, most + 1)), replace=False):
            row[bit // 64] ^= np.uint64(1) << np.uint64(63 - bit % 64)
    return out


class Endpoints:
    """The measured endpoints, each able to build its next n requests."""

    def __init__(
        self,
        *,
        site: Site,
        api_key: str,
        bank_id: int,
        queries: list[str],
        counsellor_cookie: str,
        worker_cookie: str,
        seed: int,
    ) -> None:
        self.site = site
        self.target = site.target
        self.api_key = api_key
        self.bank_id = bank_id
        self.queries = itertools.cycle(queries)
        self.counsellor_cookie = counsellor_cookie
        self.worker_cookie = worker_cookie
        self.rng = random.Random(seed)
        self.receipts: list[Receipt] = []
        self.images = itertools.cycle(
            [multipart({"image": ("made-up.png", synthetic_png(number), "image/png")}) for number in range(8)]
        )

    def all(self, rates: dict[str, float]) -> list[Endpoint]:
        made = [
            Endpoint("healthz", self.healthz, _json_ok, 10),
            Endpoint("home", self.home, _contains("/report/"), 10),
            Endpoint("match_hash", self.match_hash, _json_has("results"), 5),
            Endpoint("match_image", self.match_image, _json_has("result"), 5),
            Endpoint("queue", self.queue, _contains("/helpline/queue/rows/"), 5),
            Endpoint("case_list", self.case_list, _contains("/cases/list/"), 5),
            Endpoint("report_post", self.report_post, self.keep_receipt, 10),
            Endpoint("thread_open", self.thread_open, _contains('name="thread_token"'), 5),
            Endpoint("chat_poll", self.chat_poll, _polls_again, 20, status=204),
            Endpoint("staff_chat_poll", self.staff_chat_poll, lambda answer: True, 20, status=204),
            Endpoint("platform_report", self.platform_report, _json_has("items"), 5, status=201),
            Endpoint("platform_notices", self.platform_notices, _json_has("notices"), 5),
            Endpoint("bank_signals", self.bank_signals, _json_has("signals"), 5),
        ]
        for endpoint in made:
            endpoint.low_rate = rates.get(endpoint.name, endpoint.low_rate)
        return made

    def _get(self, url: str, n: int, cookie: str = "") -> list[Spec]:
        return [self.target.spec("GET", url, self.site.headers(cookie=cookie)) for _ in range(n)]

    async def healthz(self, n: int) -> list[Spec]:
        return self._get("/healthz", n)

    async def home(self, n: int) -> list[Spec]:
        return self._get("/en/", n)

    async def queue(self, n: int) -> list[Spec]:
        return self._get("/en/helpline/", n, self.counsellor_cookie)

    async def case_list(self, n: int) -> list[Spec]:
        return self._get("/en/cases/list/", n, self.worker_cookie)

    def _api_headers(self) -> dict[str, str]:
        return {**self.site.headers(), "Authorization": f"Bearer {self.api_key}"}

    async def match_hash(self, n: int) -> list[Spec]:
        return [
            self.target.spec(
                "POST",
                "/api/v1/match/hashes/",
                self._api_headers(),
                json_body={"hashes": [{"algorithm": "pdq", "value": next(self.queries)}]},
            )
            for _ in range(n)
        ]

    async def match_image(self, n: int) -> list[Spec]:
        specs = []
        for _ in range(n):
            body, content_type = next(self.images)
            specs.append(
                self.target.spec(
                    "POST", "/api/v1/match/image/", self._api_headers(), body=body, content_type=content_type
                )
            )
        return specs

    async def platform_report(self, n: int) -> list[Spec]:
        """A platform's report of one made-up address and one file hash, each with its own
        Idempotency-Key: a new hotline item (or one already filed, one time in ten)."""
        specs = []
        for _ in range(n):
            token = self.rng.getrandbits(64)
            known = token % 10 == 0  # one in ten names an address filed already
            address = f"https://bench.example/p/{token % 5 if known else token:x}"
            body = {
                "external_id": f"bench-{token:x}",
                "incident_type": "other",
                "urls": [address],
                "file_hashes": [{"algorithm": "md5", "value": f"{token:032x}"}],
                "description": "Made up for bench/http.py.",
            }
            headers = {**self._api_headers(), "Idempotency-Key": f"bench-{token:x}"}
            specs.append(self.target.spec("POST", "/api/v1/reports/", headers, json_body=body))
        return specs

    async def platform_notices(self, n: int) -> list[Spec]:
        headers = self._api_headers()
        return [self.target.spec("GET", "/api/v1/notices/?limit=50", headers) for _ in range(n)]

    async def bank_signals(self, n: int) -> list[Spec]:
        """The first page of the bench bank's history (1,000 signals), as a platform starting a copy."""
        url = f"/api/v1/banks/{self.bank_id}/signals/?limit=1000"
        return [self.target.spec("GET", url, self._api_headers()) for _ in range(n)]

    async def report_post(self, n: int) -> list[Spec]:
        """Each post with a fresh form token from its own GET of the form, fetched before the phase."""
        gate = asyncio.Semaphore(2)

        async def token() -> str:
            async with gate:
                page = await self.target.send(self.target.spec("GET", "/en/report/", self.site.headers()))
            return hidden_value(page.text, "form_token")

        tokens = await asyncio.gather(*(token() for _ in range(n)))
        specs = []
        for form_token in tokens:
            # About one child in seven is not safe, or not sure: urgent, as on the queue.
            safe = self.rng.choices(["yes", "no", "not_sure"], weights=[86, 9, 5])[0]
            form = {**REPORT, "safe_now": safe, "form_token": form_token}
            specs.append(self.target.spec("POST", "/en/report/", self.site.headers(post=True), form=form))
        return specs

    def keep_receipt(self, answer: Answer) -> bool:
        text = answer.text
        code = re.search(r"data-reference>([^<]+)<", text)
        passphrase = re.search(r"data-passphrase>([^<]+)<", text)
        if not (code and passphrase):
            return False
        self.receipts.append(Receipt(code.group(1), passphrase.group(1)))
        return True

    async def thread_open(self, n: int) -> list[Spec]:
        if not self.receipts:
            # Measured alone: send a few reports first, to have threads to open.
            for spec in await self.report_post(4):
                self.keep_receipt(await self.target.send(spec))
        specs = []
        for _ in range(n):
            receipt = self.rng.choice(self.receipts)
            form = {"reference": receipt.code, "passphrase": receipt.passphrase}
            specs.append(
                self.target.spec("POST", "/en/report/status/", self.site.headers(post=True), form=form)
            )
        return specs

    async def _open_thread(self) -> tuple[Receipt, str]:
        """A child's report and its open thread's token (a report sent first when none was)."""
        if not self.receipts:
            for spec in await self.report_post(2):
                self.keep_receipt(await self.target.send(spec))
        receipt = self.receipts[0]
        form = {"reference": receipt.code, "passphrase": receipt.passphrase}
        page = await self.target.send(
            self.target.spec("POST", "/en/report/status/", self.site.headers(post=True), form=form)
        )
        return receipt, hidden_value(page.text, "thread_token")

    async def chat_poll(self, n: int) -> list[Spec]:
        """A child's open conversation asking for the messages after its last: none new (204), the
        answer a chat page gets every INTAKE_CHAT_POLL_SECONDS while it waits."""
        _receipt, token = await self._open_thread()
        form = {"thread_token": token, "after": str(2**31 - 1)}
        return [
            self.target.spec("POST", "/en/report/status/updates/", self.site.headers(post=True), form=form)
            for _ in range(n)
        ]

    async def staff_chat_poll(self, n: int) -> list[Spec]:
        """A counsellor's reply page asking for the child's messages after its last: none new (204)."""
        receipt, _token = await self._open_thread()
        url = f"/en/helpline/queue/{receipt.code}/reply/thread/?after={2**31 - 1}"
        return self._get(url, n, self.counsellor_cookie)


def _polls_again(answer: Answer) -> bool:
    """A child's poll says when to ask again (X-Poll-Seconds)."""
    return b"x-poll-seconds:" in answer.head.lower()


def _json_ok(answer: Answer) -> bool:
    return bool(answer.json().get("database") == "ok")


def _json_has(key: str) -> Check:
    return lambda answer: key in answer.json()


def _contains(text: str) -> Check:
    return lambda answer: text in answer.text
