"""A day's mixed traffic on one server (issue 21): 200 people at their own pace, against gunicorn and
PostgreSQL on this machine, through bench/http.py's harness.

    .venv/bin/python bench/http_day.py                    # 5 minutes of load, 10-15 in all (seeding)
    .venv/bin/python bench/http_day.py --minutes 10 --workers 4
    .venv/bin/python bench/http_day.py --quick            # a smoke run: 20 people at 5x the pace, 2 minutes

The harness's own database, redis-server and gunicorn (production settings; `--workers`), with its
data (`--cases` made-up cases, the demo, `--reports` waiting reports, `--hashes` random PDQ hashes),
plus `--counsellors` made-up counsellors of the demo helpline and the `--case-workers` filled case
workers who lead the most open cases, every one signed in as a browser does (password, two-factor
code, agency). Then, for `--minutes`, each person follows a script at their own pace, each waiting
for its page before thinking about the next (think times drawn uniformly, in seconds):

- a child (`--children`, 120): arrives (20-60 after the last child of the slot left), opens the home
  page, (20-60) the report form, (20-60) sends a report in Vietnamese, Khmer or English as children
  write it and stays on the thanks page 20-60 while it asks for replies; is away (60-180); opens the
  status page, (20-60) their thread with the code and secret number, reads it for 20-60 while it asks
  for replies, and if the helpline answered, one in two writes back and reads for 20-60 more. A
  thread page asks `/report/status/updates/` as thread.js does: again after the `X-Poll-Seconds`
  its answer gives (20 s, or 1 s once a counsellor holds the report: a live chat).
- a counsellor (`--counsellors`, 40): the queue page, asking for its rows every 10 s
  (HELPLINE_QUEUE_POLL_SECONDS, with the version shown: 204 when nothing changed); after 20-60 on
  the queue takes the oldest report of this run's children nobody took (or the first unclaimed one
  on the queue page), claims it, writes a reply for 30-90 on the reply page (which asks for the
  thread every 1 s, INTAKE_CHAT_POLL_SECONDS), sends it, stays 10-30, opens the contact form for the
  report, writes the contact for 60-120 (its draft saved twice on the way, as the page does),
  logs it, reads the contact page, and goes back to the queue.
- a case worker (`--case-workers`, 30): the case list, (20-60) one of their open cases, (30-90) adds
  a note, reads the case page again, (20-60) and again from the list.
- a platform (`--platforms`, 10): a one-hash match every 1-5 s (random hashes, half near a banked
  one), one call in 20 a platform report (a made-up address and file hash) instead.

Each person starts at a random moment within their first think time. Each request is timed from
when the person sent it to its last byte, one connection each (bench/http_load.py's client), every
one from 127.0.0.1 with the proxy's headers (each person keeps one made-up address from the
documentation ranges). An error is a 5xx or any status other than the page's, a time-out
(`--timeout`), a cut connection, or a wrong answer: a report post without a code and a secret
number, a claim, reply, contact or note that does not redirect where it should, a page without
what it shows. A person whose step failed starts their script again after a think.

At the end, in the database: every report the children were given a code for (by its code), every
contact logged (by the id in its redirect), the counsellors' replies, the children's messages and
the case notes (by their authors, since the start). The last line printed is JSON: requests,
errors, p50/p95/errors per kind of request, reports_accepted, reports_found, nothing_lost, the
aim's verdict, the people per role, think times, planned and achieved arrival rates, duration,
workers, CPU and load average. Synthetic data only; traffic only to 127.0.0.1.
"""

import sys
from pathlib import Path

# This folder holds bench/http.py, which shares its name with the standard library's `http`: it must
# not come first on the path (see bench/http.py).
BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))
sys.path.append(str(BENCH))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections import deque  # noqa: E402
from collections.abc import Awaitable, Callable  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

import psycopg  # noqa: E402
from http_load import (  # noqa: E402
    Answer,
    Spec,
    TransportError,
    own_cpu_seconds,
    percentile,
    process_tree_cpu_seconds,
)
from http_site import Browser, Site, hidden_value, synthetic_addresses  # noqa: E402

from childshield.intake.references import normalise_reference  # noqa: E402 - no Django needed


def _load_harness() -> Any:
    """bench/http.py, imported by path under another name (its own would be the standard library's)."""
    spec = importlib.util.spec_from_file_location("bench_http", BENCH / "http.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


harness = _load_harness()
log = harness.log


@dataclass(frozen=True)
class Pace:
    """A think time drawn uniformly between `low` and `high` seconds."""

    low: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def draw(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high) * PACE[0]

    def text(self) -> str:
        return f"{self.low:g}-{self.high:g}"


THINK = {
    "child_arrives": Pace(20, 60),  # after the last child of the slot left
    "child_page": Pace(20, 60),  # between a child's pages, and reading a thread
    "child_away": Pace(60, 180),  # between the report and coming back for the answer
    "counsellor_on_queue": Pace(20, 60),  # on the queue between two items
    "counsellor_writes_reply": Pace(30, 90),
    "counsellor_after_reply": Pace(10, 30),
    "counsellor_writes_contact": Pace(60, 120),
    "case_worker_page": Pace(20, 60),
    "case_worker_writes_note": Pace(30, 90),
    "platform_call": Pace(1, 5),
}
PACE = [1.0]  # every think time multiplied by this (--pace; a smoke run's people hurry)
QUEUE_POLL_S = 10.0  # HELPLINE_QUEUE_POLL_SECONDS
REPLY_POLL_S = 1.0  # INTAKE_CHAT_POLL_SECONDS: the reply page's thread
PLATFORM_REPORT_SHARE = 1 / 20
CHILD_ANSWERS_SHARE = 0.5  # children who write back after reading a reply
DRAFT_SAVES = 2  # of a contact being written
CHILD_KINDS = (
    "home",
    "report_form",
    "report_post",
    "status_form",
    "thread_open",
    "thread_poll",
    "child_reply",
)
CHILD_P95_AIM_MS = 300.0
LANGUAGES = (("vi", 60), ("km", 25), ("en", 15))  # the children's; staff pages are in Vietnamese

# What children write, as they write it (made up): short, lowercase, often without accents.
WORDS = {
    "vi": [
        "co 1 nguoi tren zalo doa se dang anh cua em len mang neu em ko chuyen tien. em so lam",
        "anh ấy bắt em gửi ảnh nóng, em không gửi thì anh ấy nói sẽ gửi cho bạn cùng lớp em",
        "em quen 1 anh trong game, anh ay hay tang qua va hen gap em sau gio hoc, em hoi so",
        "bạn em bị người ta lập nick giả dùng ảnh của bạn ấy để nói chuyện bậy với người khác",
        "có người lạ nhắn tin cho em trên tiktok đòi em quay video, em chặn rồi mà vẫn tạo nick mới",
        "trong nhom chat lop co nguoi gui anh cua ban em, moi nguoi cuoi, ban ay khoc ca ngay",
        "em lỡ gửi ảnh cho người yêu qua mạng giờ anh ta đòi tiền, em không dám nói với bố mẹ",
    ],
    "km": [
        "មាននរណាម្នាក់គំរាមថានឹងបង្ហោះរូបខ្ញុំ បើខ្ញុំមិនផ្ញើលុយឲ្យគាត់ ខ្ញុំខ្លាចណាស់",
        "បុរសម្នាក់នៅក្នុង facebook សុំរូបខ្ញុំរាល់ថ្ងៃ ខ្ញុំមិនចង់ផ្ញើទេ",
        "មិត្តភក្តិខ្ញុំត្រូវគេយករូបទៅដាក់ក្នុង group ហើយគេសើចចំអកគាត់",
        "មានបងប្រុសម្នាក់ក្នុងហ្គេមឲ្យកាដូខ្ញុំ ហើយចង់ជួបខ្ញុំក្រោយម៉ោងរៀន",
        "ខ្ញុំបានផ្ញើរូបទៅគេហើយ ឥឡូវគេចង់បានលុយ ខ្ញុំមិនហ៊ានប្រាប់ម៉ាក់ប៉ាទេ",
    ],
    "en": [
        "this guy on tiktok keeps asking me for pics and says hell tell my parents if i dont",
        "someone made a fake acc with my photos and is talking dirty to ppl pretending its me",
        "a man in a game gives me skins and wants to meet after school, is that ok??",
        "my friend's pic got posted in the class group chat, everyone is laughing at her",
        "i sent a photo to someone online and now he wants money or he posts it. pls help",
    ],
}
CHILD_REPLIES = {
    "vi": ["dạ em cảm ơn, em phải làm gì tiếp ạ", "em chan roi a. neu no lai nhan tin thi sao a"],
    "km": ["អរគុណច្រើន ខ្ញុំគួរធ្វើអ្វីបន្ទាប់", "ខ្ញុំបានបិទគាត់ហើយ"],
    "en": ["ok thanks. what do i do now", "i blocked him. what if he makes a new acc"],
}
COUNSELLOR_REPLIES = {
    "vi": "Cảm ơn em đã kể cho chúng tôi. Em không có lỗi. Đừng gửi tiền hay ảnh. Hãy giữ lại tin nhắn.",
    "km": "សូមអរគុណដែលបានប្រាប់យើង។ វាមិនមែនជាកំហុសរបស់អ្នកទេ។ កុំផ្ញើលុយ ឬរូបភាព។",
    "en": "Thank you for telling us. It is not your fault. Do not send money or pictures. Keep the messages.",
}
NOTES = [
    "Gọi điện cho mẹ em, đã hẹn thăm nhà thứ năm. Em đi học bình thường.",
    "Đã liên hệ nhà trường về nhóm chat; cô chủ nhiệm sẽ nói chuyện với lớp.",
    "Home visit done: the child is safe, the family agreed to the safety plan.",
]
HARMS = ["threatened", "asked_for_pictures", "pictures_shared", "grooming", "bullying", "other"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=5.0, help="how long the people work")
    parser.add_argument("--children", type=int, default=120)
    parser.add_argument("--counsellors", type=int, default=40)
    parser.add_argument("--case-workers", type=int, default=30)
    parser.add_argument("--platforms", type=int, default=10)
    harness.add_serving_arguments(parser)
    parser.add_argument(
        "--pace", type=float, default=1.0, help="think times multiplied by this (not the pages' polls)"
    )
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 20 people at 5 times the pace, 2 minutes, small data",
    )
    args = parser.parse_args()
    if args.quick:
        args.minutes, args.children, args.counsellors, args.case_workers, args.platforms = 2.0, 10, 4, 3, 3
        args.hashes, args.reports, args.cases, args.worker_cases, args.pace = 2000, 30, 2000, 50, 0.2
    PACE[0] = args.pace
    return args


def planned_rates(args: argparse.Namespace) -> dict[str, float]:
    """Requests a second each role sends if every page answers at once, from the scripts' mean think
    times (the child's thread polls at 20 s; once held, a live chat's 1 s adds more)."""
    t = {name: pace.mean * args.pace for name, pace in THINK.items()}
    child_cycle = t["child_arrives"] + 3 * t["child_page"] + t["child_away"] + 2 * t["child_page"]
    child_polls = 3 * t["child_page"] / 20  # the thanks page and the thread, every 20 s
    counsellor_cycle = (
        t["counsellor_on_queue"]
        + t["counsellor_writes_reply"]
        + t["counsellor_after_reply"]
        + t["counsellor_writes_contact"]
    )
    counsellor_pages = 10 + t["counsellor_on_queue"] / QUEUE_POLL_S
    counsellor_polls = (t["counsellor_writes_reply"] + t["counsellor_after_reply"]) / REPLY_POLL_S
    case_cycle = 2 * t["case_worker_page"] + t["case_worker_writes_note"]
    return {
        "children": args.children * (5 + child_polls) / child_cycle,
        "counsellors": args.counsellors * (counsellor_pages + counsellor_polls) / counsellor_cycle,
        "case_workers": args.case_workers * 4 / case_cycle,
        "platforms": args.platforms / t["platform_call"],
    }


@dataclass
class Kind:
    """One kind of request's figures."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    slow_at: list[float] = field(default_factory=list)  # seconds into the load of answers over 1 s

    def summary(self) -> dict[str, Any]:
        def ms(value: float) -> float | None:
            return None if math.isnan(value) else round(value, 1)

        return {
            "n": len(self.latencies),
            "p50_ms": ms(percentile(self.latencies, 0.5)),
            "p95_ms": ms(percentile(self.latencies, 0.95)),
            "max_ms": ms(max(self.latencies, default=math.nan)),
            "errors": self.errors,
            "statuses": dict(sorted(self.statuses.items())),
            "over_1s_at_s": [round(at) for at in sorted(self.slow_at)][:30],
        }


@dataclass
class Written:
    """What the run was told was saved, to look for in the database at the end."""

    report_codes: list[str] = field(default_factory=list)
    contact_ids: list[int] = field(default_factory=list)
    replies: int = 0  # counsellors' replies accepted
    child_messages: int = 0
    notes: int = 0
    platform_reports: int = 0
    replies_seen: int = 0  # children who found the helpline's answer in their thread
    claims_lost: int = 0  # claimed by someone else first (not an error: a race)


def header(answer: Answer, name: str) -> str:
    for line in answer.head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name.lower().encode():
            return value.strip().decode("latin-1")
    return ""


def message_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'data-message-id="(\d+)"', html)]


class Day:
    """The people's shared state: the server, the clock, the figures, what was written."""

    def __init__(self, args: argparse.Namespace, site: Site, *, api_key: str, queries: list[str]) -> None:
        self.args = args
        self.site = site
        self.target = site.target
        self.api_key = api_key
        self.queries = queries
        self.rng = random.Random(args.seed)
        self.addresses = synthetic_addresses()
        self.kinds: dict[str, Kind] = {}
        self.written = Written()
        self.waiting: deque[str] = deque()  # this run's reports nobody claimed yet, oldest first
        self.language_of: dict[str, str] = {}
        self.loop = asyncio.get_running_loop()
        self.start = self.loop.time()
        self.end = math.inf
        self.load_max = 0.0

    # The clock ------------------------------------------------------------------------------------

    @property
    def over(self) -> bool:
        return self.loop.time() >= self.end

    async def think(self, seconds: float) -> bool:
        """Wait `seconds`, or until the end; False once the run is over."""
        await asyncio.sleep(max(0.0, min(seconds, self.end - self.loop.time())))
        return not self.over

    async def stay(self, seconds: float, poll: Callable[[], Awaitable[float | None]], every: float) -> bool:
        """Stay on a page for `seconds` while it polls: `poll()` first after `every` seconds, then after
        what each poll returns (None: stop polling). False once the run is over."""
        leave = self.loop.time() + seconds
        wait: float | None = every
        while wait is not None and self.loop.time() + wait < leave:
            if not await self.think(wait):
                return False
            wait = await poll()
        return await self.think(leave - self.loop.time())

    # Requests -------------------------------------------------------------------------------------

    def headers(self, address: str, *, post: bool = False, cookie: str = "") -> dict[str, str]:
        headers = {**self.site.proxy_headers, "X-Forwarded-For": address}
        if post:
            headers["Origin"] = self.site.origin
        if cookie:
            headers["Cookie"] = cookie
        return headers

    async def call(
        self,
        kind: str,
        spec: Spec,
        *,
        status: tuple[int, ...] = (200,),
        check: Callable[[Answer], bool] | None = None,
    ) -> Answer | None:
        """Send one request and count it under `kind`: the answer if right, else None."""
        one = self.kinds.setdefault(kind, Kind())
        sent = self.loop.time()
        answer: Answer | None = None
        try:
            answer = await self.target.send(spec, self.args.timeout)
            code = str(answer.status)
            right = answer.status in status and (check is None or check(answer))
        except TimeoutError:
            code, right = "timeout", False
        except TransportError as error:
            code, right = str(error), False
        except (ValueError, KeyError):  # an answer that is not the JSON it should be
            code, right = "bad-body", False
        one.latencies.append((self.loop.time() - sent) * 1000)
        if one.latencies[-1] > 1000:
            one.slow_at.append(sent - self.start)
        key = code if right or code in ("timeout", "bad-body") or answer is None else f"{code}-wrong"
        one.statuses[key] = one.statuses.get(key, 0) + 1
        if not right:
            one.errors += 1
            return None
        return answer

    def get(self, url: str, address: str, cookie: str = "") -> Spec:
        return self.target.spec("GET", url, self.headers(address, cookie=cookie))

    def post(self, url: str, address: str, form: dict[str, Any], cookie: str = "") -> Spec:
        return self.target.spec("POST", url, self.headers(address, post=True, cookie=cookie), form=form)

    async def guarded(self, script: Awaitable[None]) -> None:
        """A person's script; a page that passed its check but lacks what the next step reads (a
        form's hidden field) counts as a wrong answer, under "unreadable", and the script ends."""
        try:
            await script
        except RuntimeError:
            self.kinds.setdefault("unreadable", Kind()).errors += 1

    # A child --------------------------------------------------------------------------------------

    async def child(self, slot: int) -> None:
        rng = random.Random(f"{self.args.seed}-child-{slot}")
        first = True
        while not self.over:
            arrive = (
                rng.uniform(0, THINK["child_arrives"].high) if first else THINK["child_arrives"].draw(rng)
            )
            first = False
            if not await self.think(arrive):
                return
            await self.guarded(self.child_visit(rng))

    async def child_visit(self, rng: random.Random) -> None:
        language = rng.choices([code for code, _ in LANGUAGES], weights=[w for _, w in LANGUAGES])[0]
        address = next(self.addresses)
        page = THINK["child_page"]
        home = await self.call("home", self.get(f"/{language}/", address), check=_has("/report/"))
        if home is None or not await self.think(page.draw(rng)):
            return
        form = await self.call(
            "report_form", self.get(f"/{language}/report/", address), check=_has('name="form_token"')
        )
        if form is None or not await self.think(page.draw(rng)):
            return
        fields = {
            "about": rng.choices(["me", "friend", "child_i_know"], weights=[75, 20, 5])[0],
            "harms": rng.sample(HARMS, rng.choice([1, 1, 2])),
            "description": rng.choice(WORDS[language]),
            "platform": rng.choice(["zalo", "facebook", "messenger", "tiktok", "game", "instagram"]),
            "url1": rng.choice(["", f"https://chat.example.com/u/made-up-{rng.getrandbits(32):x}"]),
            "happened": rng.choice(["still", "today", "this_week"]),
            "safe_now": rng.choices(["yes", "no", "not_sure"], weights=[86, 9, 5])[0],
            "age_band": rng.choice(["10_12", "13_15", "13_15", "16_17"]),
            "gender": rng.choice(["girl", "girl", "boy"]),
            "contact_method": "none",
            "form_token": hidden_value(form.text, "form_token"),
        }
        sent = await self.call(
            "report_post", self.post(f"/{language}/report/", address, fields), check=_has_receipt
        )
        if sent is None:
            return
        code = re.search(r"data-reference>([^<]+)<", sent.text).group(1)  # type: ignore[union-attr]
        secret = re.search(r"data-passphrase>([^<]+)<", sent.text).group(1)  # type: ignore[union-attr]
        self.written.report_codes.append(code)
        self.waiting.append(code)
        self.language_of[code] = language
        # The thanks page holds the thread: the child reads it while it asks for replies.
        thread = Thread(self, language, address, sent.text)
        if not await self.stay(page.draw(rng), thread.poll, thread.every):
            return
        if not await self.think(THINK["child_away"].draw(rng)):
            return
        status = await self.call(
            "status_form",
            self.get(f"/{language}/report/status/", address),
            check=_has('name="passphrase"'),
        )
        if status is None or not await self.think(page.draw(rng)):
            return
        opened = await self.call(
            "thread_open",
            self.post(f"/{language}/report/status/", address, {"reference": code, "passphrase": secret}),
            check=_has('name="thread_token"'),
        )
        if opened is None:
            return
        thread = Thread(self, language, address, opened.text)
        if not await self.stay(page.draw(rng), thread.poll, thread.every):
            return
        if thread.answered:
            self.written.replies_seen += 1
            if rng.random() < CHILD_ANSWERS_SHARE:
                await thread.write(rng.choice(CHILD_REPLIES[language]))
                await self.stay(page.draw(rng), thread.poll, thread.every)

    # A counsellor ---------------------------------------------------------------------------------

    async def counsellor(self, number: int, cookie: str) -> None:
        rng = random.Random(f"{self.args.seed}-counsellor-{number}")
        address = next(self.addresses)
        desk = Desk(self, cookie, address)
        if not await self.think(rng.uniform(0, QUEUE_POLL_S)):
            return
        while not self.over:
            if not await desk.open_queue():
                if not await self.think(QUEUE_POLL_S):
                    return
                continue
            if not await self.stay(THINK["counsellor_on_queue"].draw(rng), desk.poll_queue, QUEUE_POLL_S):
                return
            await self.guarded(desk.work_one(rng))

    # A case worker --------------------------------------------------------------------------------

    async def case_worker(self, number: int, cookie: str, cases: list[int]) -> None:
        rng = random.Random(f"{self.args.seed}-worker-{number}")
        address = next(self.addresses)
        if not await self.think(rng.uniform(0, THINK["case_worker_page"].high * PACE[0])):
            return
        while not self.over:
            await self.guarded(self.case_work(rng, address, cookie, cases))

    async def case_work(self, rng: random.Random, address: str, cookie: str, cases: list[int]) -> None:
        page = THINK["case_worker_page"]
        listed = await self.call(
            "case_list", self.get("/vi/cases/list/", address, cookie), check=_has("/cases/list/")
        )
        if not await self.think(page.draw(rng)) or listed is None:
            return
        url = f"/vi/cases/{rng.choice(cases)}/"
        opened = await self.call("case_page", self.get(url, address, cookie), check=_has("data-note-add"))
        if not await self.think(THINK["case_worker_writes_note"].draw(rng)) or opened is None:
            return
        form = {
            "body": rng.choice(NOTES),
            "csrfmiddlewaretoken": hidden_value(opened.text, "csrfmiddlewaretoken"),
        }
        saved = await self.call(
            "note_post",
            self.post(f"{url}notes/", address, form, cookie),
            status=(302,),
            check=lambda answer: header(answer, "Location").startswith(url),
        )
        if saved is not None:
            self.written.notes += 1
            await self.call("case_page", self.get(url, address, cookie), check=_has("data-note-add"))
        await self.think(page.draw(rng))

    # A platform -----------------------------------------------------------------------------------

    async def platform(self, number: int) -> None:
        rng = random.Random(f"{self.args.seed}-platform-{number}")
        address = next(self.addresses)
        headers = {**self.headers(address), "Authorization": f"Bearer {self.api_key}"}
        while await self.think(THINK["platform_call"].draw(rng)):
            if rng.random() < PLATFORM_REPORT_SHARE:
                token = rng.getrandbits(64)
                body = {
                    "external_id": f"day-{token:x}",
                    "incident_type": "other",
                    "urls": [f"https://bench.example/day/{token:x}"],
                    "file_hashes": [{"algorithm": "md5", "value": f"{token:032x}"}],
                    "description": "Made up for bench/http_day.py.",
                }
                spec = self.target.spec(
                    "POST",
                    "/api/v1/reports/",
                    {**headers, "Idempotency-Key": f"day-{token:x}"},
                    json_body=body,
                )
                if await self.call("platform_report", spec, status=(201,), check=_json_has("items")):
                    self.written.platform_reports += 1
            else:
                query = {"hashes": [{"algorithm": "pdq", "value": rng.choice(self.queries)}]}
                spec = self.target.spec("POST", "/api/v1/match/hashes/", headers, json_body=query)
                await self.call("match_hash", spec, check=_json_has("results"))

    async def watch_load(self, database: "DatabaseCpu") -> None:
        while not self.over:
            self.load_max = max(self.load_max, os.getloadavg()[0])
            database.sample()
            await asyncio.sleep(min(5.0, max(0.0, self.end - self.loop.time())))


class DatabaseCpu:
    """The CPU of the PostgreSQL backends serving this run's database, when the server runs on this
    machine: each backend's user + system time from /proc, sampled every few seconds (persistent
    connections are closed after DATABASE_CONN_MAX_AGE and others opened, so a backend's last few
    seconds before it closes can be missed: a lower bound)."""

    def __init__(self) -> None:
        self.connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.sample(start=True)

    def sample(self, *, start: bool = False) -> None:
        rows = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        for (pid,) in rows:
            seconds = process_tree_cpu_seconds(pid)
            if start:
                self.first[pid] = seconds
            self.last[pid] = max(self.last.get(pid, 0.0), seconds)

    def seconds(self) -> float:
        self.sample()
        self.connection.close()
        return sum(last - self.first.get(pid, 0.0) for pid, last in self.last.items())


class Thread:
    """A child's thread page: it asks for messages after the last it shows, again after the answer's
    X-Poll-Seconds, as thread.js does, and can send a message."""

    def __init__(self, day: Day, language: str, address: str, html: str) -> None:
        self.day, self.language, self.address = day, language, address
        self.token = hidden_value(html, "thread_token")
        self.form_token = hidden_value(html, "form_token")
        ids = message_ids(html)
        self.after = max(ids, default=0)
        self.answered = 'class="from-staff" data-message-id="' in html.replace(
            'data-message-id="welcome"', ""
        )
        poll = re.search(r'data-poll-seconds="(\d+)"', html)
        self.every = float(poll.group(1)) if poll else 20.0

    async def poll(self) -> float | None:
        form = {"thread_token": self.token, "after": str(self.after)}
        answer = await self.day.call(
            "thread_poll",
            self.day.post(f"/{self.language}/report/status/updates/", self.address, form),
            status=(200, 204),
            check=lambda answer: bool(header(answer, "X-Poll-Seconds")),
        )
        if answer is None:
            return None
        if answer.status == 200:
            self.after = max([self.after, *message_ids(answer.text)])
            if 'class="from-staff" data-message-id="' in answer.text.replace('data-message-id="welcome"', ""):
                self.answered = True
        return float(header(answer, "X-Poll-Seconds"))

    async def write(self, body: str) -> None:
        form = {"thread_token": self.token, "form_token": self.form_token, "body": body}
        answer = await self.day.call(
            "child_reply",
            self.day.post(f"/{self.language}/report/status/reply/", self.address, form),
            check=_has('name="thread_token"'),
        )
        if answer is not None:
            self.day.written.child_messages += 1
            self.after = max([self.after, *message_ids(answer.text)])
            self.token = hidden_value(answer.text, "thread_token")
            self.form_token = hidden_value(answer.text, "form_token")


class Desk:
    """A counsellor's browser: the queue page and its polls, and working one report."""

    def __init__(self, day: Day, cookie: str, address: str) -> None:
        self.day, self.cookie, self.address = day, cookie, address
        self.state: dict[str, str] = {}
        self.csrf = ""
        self.unclaimed: list[str] = []

    def _read_queue(self, html: str) -> None:
        state = re.search(r'<div id="queue-state" hidden>(.*?)</div>', html)
        self.state = dict(re.findall(r'name="(\w+)" value="([^"]*)"', state.group(1) if state else ""))
        self.unclaimed = re.findall(r'action="/vi/helpline/queue/([^/"]+)/claim/"', html)
        if "csrfmiddlewaretoken" in html:
            self.csrf = hidden_value(html, "csrfmiddlewaretoken")

    async def open_queue(self) -> bool:
        answer = await self.day.call(
            "queue", self.day.get("/vi/helpline/", self.address, self.cookie), check=_has('id="queue-state"')
        )
        if answer is not None:
            self._read_queue(answer.text)
        return answer is not None

    async def poll_queue(self) -> float | None:
        query = "&".join(f"{name}={value}" for name, value in self.state.items())
        answer = await self.day.call(
            "queue_poll",
            self.day.get(f"/vi/helpline/queue/rows/?{query}", self.address, self.cookie),
            status=(200, 204),
            check=lambda answer: answer.status == 204 or 'id="queue-state"' in answer.text,
        )
        if answer is not None and answer.status == 200:
            self._read_queue(answer.text)
        return QUEUE_POLL_S

    def _next_report(self) -> str | None:
        if self.day.waiting:
            return self.day.waiting.popleft()
        return self.unclaimed.pop(0) if self.unclaimed else None

    async def work_one(self, rng: random.Random) -> None:
        day, cookie, address = self.day, self.cookie, self.address
        code = self._next_report()
        if code is None or not self.csrf:
            return
        reference = normalise_reference(code)
        reply_url = f"/vi/helpline/queue/{reference}/reply/"
        claimed = await day.call(
            "claim",
            day.post(
                f"/vi/helpline/queue/{reference}/claim/", address, {"csrfmiddlewaretoken": self.csrf}, cookie
            ),
            status=(302,),
            check=lambda answer: (
                header(answer, "Location").endswith("/reply/")
                or header(answer, "Location").endswith("/helpline/")
            ),
        )
        if claimed is None:
            return
        if not header(claimed, "Location").endswith("/reply/"):
            day.written.claims_lost += 1
            return
        page = await self.reply_page(reply_url)
        if page is None:
            return
        after = _thread_after(page.text)

        async def poll_thread() -> float | None:
            nonlocal after
            answer = await day.call(
                "reply_poll",
                day.get(f"{reply_url}thread/?after={after}", address, cookie),
                status=(200, 204),
            )
            if answer is not None and answer.status == 200:
                after = max([after, *message_ids(answer.text)])
            return REPLY_POLL_S

        if not await day.stay(THINK["counsellor_writes_reply"].draw(rng), poll_thread, REPLY_POLL_S):
            return
        form = {
            "body": COUNSELLOR_REPLIES[day.language_of.get(code, "vi")],
            "once": hidden_value(page.text, "once"),
            "csrfmiddlewaretoken": hidden_value(page.text, "csrfmiddlewaretoken"),
        }
        sent = await day.call(
            "reply_post",
            day.post(reply_url, address, form, cookie),
            status=(302,),
            check=lambda answer: header(answer, "Location").endswith(reply_url),
        )
        if sent is None:
            return
        day.written.replies += 1
        if await self.reply_page(reply_url) is None:
            return
        if not await day.stay(THINK["counsellor_after_reply"].draw(rng), poll_thread, REPLY_POLL_S):
            return
        contact_url = f"/vi/helpline/contacts/new/?report={reference}"
        contact = await day.call(
            "contact_form", day.get(contact_url, address, cookie), check=_has('name="summary"')
        )
        if contact is None:
            return
        csrf = hidden_value(contact.text, "csrfmiddlewaretoken")
        categories = (
            re.findall(r'name="categories" value="(\d+)"[^>]*checked', contact.text)
            or re.findall(r'name="categories" value="(\d+)"', contact.text)[:1]
        )
        fields: dict[str, Any] = {
            "channel": "web",
            "caller_type": "child",
            "age_band": "unknown",
            "gender": "unknown",
            "ethnicity": "unknown",
            "disability": "unknown",
            "categories": categories,
            "summary": "Trẻ bị đe doạ tung ảnh; đã trả lời trong luồng tin nhắn, hướng dẫn chặn và báo cáo.",
            "notes": "Em không gửi tiền. Hẹn em quay lại trang nếu người đó nhắn tiếp.",
            "actions": ["counselling", "information"],
            "duration_minutes": "15",
            "draft_token": hidden_value(contact.text, "draft_token"),
            "csrfmiddlewaretoken": csrf,
        }
        writing = THINK["counsellor_writes_contact"].draw(rng)
        for _ in range(DRAFT_SAVES):
            if not await day.think(writing / (DRAFT_SAVES + 1)):
                return
            await day.call(
                "contact_draft",
                day.post(f"/vi/helpline/contacts/draft/?report={reference}", address, fields, cookie),
                check=_has("data-draft-saved"),
            )
        if not await day.think(writing / (DRAFT_SAVES + 1)):
            return
        logged = await day.call(
            "contact_post",
            day.post(contact_url, address, fields, cookie),
            status=(302,),
            check=lambda answer: (
                re.search(r"/helpline/contacts/\d+/$", header(answer, "Location")) is not None
            ),
        )
        if logged is None:
            return
        location = header(logged, "Location")
        day.written.contact_ids.append(int(location.rstrip("/").rsplit("/", 1)[1]))
        await day.call("contact_page", day.get(location, address, cookie), check=_has("data-report-link"))

    async def reply_page(self, url: str) -> Answer | None:
        return await self.day.call(
            "reply_page", self.day.get(url, self.address, self.cookie), check=_has('name="once"')
        )


def _thread_after(html: str) -> int:
    found = re.search(r'id="thread-after" name="after" value="(\d+)"', html)
    return int(found.group(1)) if found else 0


def _has(text: str) -> Callable[[Answer], bool]:
    return lambda answer: text in answer.text


def _has_receipt(answer: Answer) -> bool:
    return "data-reference>" in answer.text and "data-passphrase>" in answer.text


def _json_has(key: str) -> Callable[[Answer], bool]:
    return lambda answer: key in answer.json()


@dataclass
class Seeded:
    api_key: str
    queries: list[str]
    counsellors: list[Any]  # StaffLogin
    workers: list[tuple[Any, list[int]]]  # (StaffLogin, open case ids)
    counsellor_members: list[int]
    worker_members: list[int]


def seed(args: argparse.Namespace) -> Seeded:
    bank, _logins = harness.seed(args)
    import http_seed

    from childshield.hashing.index import hashes_to_hex

    counsellors = http_seed.bench_counsellors(args.counsellors)
    workers = http_seed.bench_case_workers(args.case_workers)
    if len(workers) < args.case_workers:
        raise SystemExit(f"only {len(workers)} filled case workers lead open cases: use more --cases")
    started = time.perf_counter()
    counsellor_logins = http_seed.staff_logins(counsellors)
    worker_logins = http_seed.staff_logins([member for member, _ in workers])
    log(f"{len(counsellors)} counsellors and {len(workers)} case workers given passwords and authenticators")
    log(f"({time.perf_counter() - started:.0f} s); case workers' open cases: {[len(c) for _, c in workers]}")
    return Seeded(
        api_key=bank.api_key,
        queries=hashes_to_hex(harness.make_queries(bank.hashes, args.seed)),
        counsellors=counsellor_logins,
        workers=list(zip(worker_logins, [cases for _, cases in workers], strict=True)),
        counsellor_members=[member.pk for member in counsellors],
        worker_members=[member.pk for member, _ in workers],
    )


def sign_in_all(site: Site, logins: list[Any]) -> list[str]:
    """Each account signed in as a browser does, four at a time (each costs the server a password hash)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda login: Browser(site).sign_in(login), logins))


async def work(
    args: argparse.Namespace,
    day: Day,
    seeded: Seeded,
    cookies: dict[str, list[str]],
    database: DatabaseCpu,
) -> float:
    """Every person's script until the end; returns the seconds the load lasted."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    day.start, day.end = started, started + args.minutes * 60
    people = [day.watch_load(database)]
    people += [day.child(slot) for slot in range(args.children)]
    people += [day.counsellor(n, cookie) for n, cookie in enumerate(cookies["counsellors"])]
    people += [
        day.case_worker(n, cookie, cases)
        for n, (cookie, (_login, cases)) in enumerate(zip(cookies["workers"], seeded.workers, strict=True))
    ]
    people += [day.platform(n) for n in range(args.platforms)]
    # Requests still out at the end are waited for (each at most --timeout).
    await asyncio.wait_for(asyncio.gather(*people), timeout=args.minutes * 60 + args.timeout + 30)
    return loop.time() - started


def look_in_database(written: Written, seeded: Seeded, since: datetime) -> dict[str, dict[str, int]]:
    """What the run was told was saved, and what the database holds of it."""
    from childshield.cases.models import CaseNote
    from childshield.helpline.models import Contact
    from childshield.intake.models import Report, ReportMessage, Sender
    from childshield.intake.references import normalise_reference

    references = {normalise_reference(code) for code in written.report_codes}
    found = Report.objects.filter(reference__in=references).count()
    contacts = Contact.objects.filter(pk__in=written.contact_ids).count()
    replies = ReportMessage.objects.filter(
        sender=Sender.STAFF, author_id__in=seeded.counsellor_members, created_at__gte=since
    ).count()
    child_messages = ReportMessage.objects.filter(
        sender=Sender.REPORTER, report__reference__in=references, created_at__gte=since
    ).count()
    notes = CaseNote.objects.filter(author_id__in=seeded.worker_members, created_at__gte=since).count()
    return {
        "reports": {"accepted": len(written.report_codes), "distinct": len(references), "found": found},
        "contacts": {"accepted": len(written.contact_ids), "found": contacts},
        "replies": {"accepted": written.replies, "found": replies},
        "child_messages": {"accepted": written.child_messages, "found": child_messages},
        "case_notes": {"accepted": written.notes, "found": notes},
    }


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return ""


def main() -> None:
    args = parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    started = time.monotonic()
    uptime_before, load_before = uptime(), os.getloadavg()
    log(f"before: {uptime_before}")
    with harness.serving(args, seed) as served:
        seeded: Seeded = served.seeded
        cookies = {
            "counsellors": sign_in_all(served.site, seeded.counsellors),
            "workers": sign_in_all(served.site, [login for login, _ in seeded.workers]),
        }
        log(f"{len(cookies['counsellors'])} counsellors and {len(cookies['workers'])} case workers signed in")
        since = datetime.now(UTC)
        client_cpu, server_cpu = own_cpu_seconds(), process_tree_cpu_seconds(served.server_pid)
        database = DatabaseCpu()
        log(
            f"{args.minutes:g} minutes: {args.children} children, {args.counsellors} counsellors, "
            f"{args.case_workers} case workers, {args.platforms} platforms"
        )

        async def run() -> tuple[Day, float]:
            day = Day(args, served.site, api_key=seeded.api_key, queries=seeded.queries)
            return day, await work(args, day, seeded, cookies, database)

        day, seconds = asyncio.run(run())
        client_cpu = own_cpu_seconds() - client_cpu
        server_cpu = process_tree_cpu_seconds(served.server_pid) - server_cpu
        database_cpu = database.seconds()
        writes = look_in_database(day.written, seeded, since)
    cpu = {"client": client_cpu, "server": server_cpu, "database": database_cpu}
    report(args, day, writes, seconds, cpu, load_before, uptime_before, started)


def report(
    args: argparse.Namespace,
    day: Day,
    writes: dict[str, dict[str, int]],
    seconds: float,
    cpu: dict[str, float],
    load_before: tuple[float, float, float],
    uptime_before: str,
    started: float,
) -> None:
    kinds = {name: day.kinds[name].summary() for name in sorted(day.kinds)}
    requests = sum(one["n"] for one in kinds.values())
    errors = sum(one["errors"] for one in kinds.values())
    print()
    print(f"{'kind':<16} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6}  statuses")
    for name, one in kinds.items():
        print(
            f"{name:<16} {one['n']:>6} {one['p50_ms']:>8} {one['p95_ms']:>8} {one['max_ms']:>8} "
            f"{one['errors']:>6}  {one['statuses']}"
        )
    for name, counts in writes.items():
        print(f"{name:<16} {counts}")
    child_p95 = {name: kinds[name]["p95_ms"] for name in CHILD_KINDS if name in kinds}
    slow = sorted(name for name, p95 in child_p95.items() if p95 is None or p95 >= CHILD_P95_AIM_MS)
    nothing_lost = all(counts["found"] == counts["accepted"] for counts in writes.values()) and (
        writes["reports"]["distinct"] == writes["reports"]["accepted"]
    )
    planned = planned_rates(args)
    summary: dict[str, Any] = {
        "harness": "bench/http_day.py",
        "commit": harness.commit_measured(),
        "argv": sys.argv[1:],
        "requests": requests,
        "errors": errors,
        "p95_ms": {name: one["p95_ms"] for name, one in kinds.items()},
        "reports_accepted": writes["reports"]["accepted"],
        "reports_found": writes["reports"]["found"],
        "nothing_lost": nothing_lost,
        "aim": {
            "no_errors": errors == 0,
            "child_p95_under_ms": CHILD_P95_AIM_MS,
            "child_pages_missing_it": slow,
            "nothing_lost": nothing_lost,
            "met": errors == 0 and not slow and nothing_lost,
        },
        "kinds": kinds,
        "writes": writes,
        "replies_seen_by_children": day.written.replies_seen,
        "claims_lost_to_a_colleague": day.written.claims_lost,
        "config": {
            "people": {
                "children": args.children,
                "counsellors": args.counsellors,
                "case_workers": args.case_workers,
                "platforms": args.platforms,
            },
            "think_s": {name: pace.text() for name, pace in THINK.items()},
            "queue_poll_s": QUEUE_POLL_S,
            "reply_page_poll_s": REPLY_POLL_S,
            "platform_report_share": PLATFORM_REPORT_SHARE,
            "minutes": args.minutes,
            "pace": args.pace,
            "settings": args.settings,
            "workers": args.workers,
            "cores": os.cpu_count(),
            "cases": args.cases,
            "waiting_reports": args.reports,
            "hashes": args.hashes,
        },
        "planned_rps": {name: round(rate, 2) for name, rate in planned.items()},
        "planned_rps_total": round(sum(planned.values()), 1),
        "achieved_rps": round(requests / seconds, 1),
        "seconds": round(seconds),
        # CPU over the load: gunicorn's master and workers, PostgreSQL's backends of this database
        # (a lower bound), and this client's; in cores (seconds a second) and per request.
        "cpu_cores": {name: round(value / seconds, 2) for name, value in cpu.items()},
        "cpu_ms_per_request": {
            name: round(value * 1000 / max(requests, 1), 1) for name, value in cpu.items()
        },
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_max": round(day.load_max, 2),
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        "uptime_before": uptime_before,
        "uptime_after": uptime(),
        "elapsed_s": round(time.monotonic() - started),
    }
    print(json.dumps(summary, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
