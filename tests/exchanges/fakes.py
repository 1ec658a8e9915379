"""Local imitations of the exchanges, built from python-threatexchange's clients: the requests each
client makes (paths, parameters, headers) and the answers its dataclasses and parsers read.

They run as threads in the test process, on 127.0.0.1 and a port the system picks, and keep what
they were asked and sent so that tests can look. Their hashes are random 256-bit values.
Where the clients leave a meaning open (which records a start time includes, what nextSetTimestamp
is), the fakes choose one and say so; the real services may differ.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


def random_pdq() -> str:
    return secrets.token_hex(32)


@dataclass
class Asked:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"


class FakeServer:
    """An HTTP server whose `answer` the subclasses write; `fail_next(n, times)` answers the n-th
    following request (1: the next) with a server error, `times` times in a row (the clients retry)."""

    prefix = ""

    def __init__(self) -> None:
        self.asked: list[Asked] = []
        self._fail_at: int | None = None
        self._fail_times = 0
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                asked = Asked(
                    self.command,
                    parts.path,
                    {key: values[-1] for key, values in parse_qs(parts.query).items()},
                    {key.lower(): value for key, value in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )
                answer = fake._answer(asked)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = do_PUT = _serve

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.prefix}"

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def fail_next(self, nth: int = 1, *, times: int = 5) -> None:
        with self._lock:
            self._fail_at = len(self.asked) + nth
            self._fail_times = times

    def _answer(self, asked: Asked) -> Answer:
        with self._lock:
            self.asked.append(asked)
            if self._fail_at is not None and len(self.asked) >= self._fail_at and self._fail_times > 0:
                self._fail_times -= 1
                return Answer(500, b'{"error": "made to fail"}')
            return self.answer(asked)

    def answer(self, asked: Asked) -> Answer:
        raise NotImplementedError


def _json(status: int, data: object) -> Answer:
    return Answer(status, json.dumps(data).encode())


# StopNCII ------------------------------------------------------------------------------------------


@dataclass
class StopNCIIRecord:
    value: str
    status: str = "Active"
    modified: int = 0
    signal_type: str = "ImagePDQ"


class FakeStopNCII(FakeServer):
    """GET /v1/FetchHashes and POST /v1/SubmitHashes, as StopNCIIAPI calls them.

    Keys: `Ocp-Apim-Subscription-Key` on every call, `x-functions-key` per endpoint. A fetch returns
    the records modified at or after `startTimestamp`, oldest first, `page_size` at a time, with
    `nextPageToken` the offset of the next page and `nextSetTimestamp` one past the newest record
    returned so far (this fake's reading: the time to start from next). Submitted hashes become
    Active records (so another member's fetch sees them).
    """

    prefix = "/v1"
    SUBSCRIPTION = "sub-key-for-tests"
    FETCH_KEY = "fetch-key-for-tests"
    SUBMIT_KEY = "submit-key-for-tests"

    def __init__(self, page_size: int = 2) -> None:
        super().__init__()
        self.page_size = page_size
        self.records: list[StopNCIIRecord] = []
        self.clock = 100
        self.submitted: list[dict[str, Any]] = []

    def add(self, value: str, status: str = "Active", signal_type: str = "ImagePDQ") -> None:
        self.clock += 1
        self.records = [record for record in self.records if record.value != value]
        self.records.append(StopNCIIRecord(value, status, self.clock, signal_type))

    def credentials(self) -> dict[str, str]:
        return {
            "subscription_key": self.SUBSCRIPTION,
            "fetch_function_key": self.FETCH_KEY,
            "submit_function_key": self.SUBMIT_KEY,
        }

    def _authorised(self, asked: Asked, key: str) -> bool:
        return (
            asked.headers.get("ocp-apim-subscription-key") == self.SUBSCRIPTION
            and asked.headers.get("x-functions-key") == key
        )

    def answer(self, asked: Asked) -> Answer:
        if asked.method == "GET" and asked.path == "/v1/FetchHashes":
            if not self._authorised(asked, self.FETCH_KEY):
                return _json(
                    401, {"statusCode": 401, "message": "Access denied due to invalid subscription key."}
                )
            return self._fetch(asked)
        if asked.method == "POST" and asked.path == "/v1/SubmitHashes":
            if not self._authorised(asked, self.SUBMIT_KEY):
                return _json(
                    401, {"statusCode": 401, "message": "Access denied due to invalid subscription key."}
                )
            body = json.loads(asked.body)
            assert body["count"] == len(body["hashRecords"])
            for record in body["hashRecords"]:
                # python-threatexchange 1.2.17 sends str(StopNCIISignalType.ImagePDQ): take either form.
                signal_type = str(record["signalType"]).removeprefix("StopNCIISignalType.")
                assert {feedback["feedbackValue"] for feedback in record["CSPFeedbacks"]} <= {"Blocked"}
                self.submitted.append({**record, "signalType": signal_type})
                self.add(record["hashValue"], signal_type=signal_type)
            return _json(200, {})
        return _json(404, {"message": "Resource not found"})

    def _fetch(self, asked: Asked) -> Answer:
        start = int(asked.query.get("startTimestamp", 0))
        size = min(int(asked.query.get("pageSize", 800)), self.page_size)
        offset = int(asked.query.get("nextPageToken") or 0)
        chosen = sorted((r for r in self.records if r.modified >= start), key=lambda r: (r.modified, r.value))
        page = chosen[offset : offset + size]
        more = offset + size < len(chosen)
        seen = chosen[: offset + size]
        return _json(
            200,
            {
                "count": len(page),
                "nextPageToken": str(offset + size) if more else None,
                "nextSetTimestamp": (max(r.modified for r in seen) + 1) if seen else start,
                "hasMoreRecords": more,
                "hashRecords": [
                    {
                        "lastModtimestamp": record.modified,
                        "signalType": record.signal_type,
                        "hashValue": record.value,
                        "hashStatus": record.status,
                        "caseNumbers": {"case-1": record.status},
                        "CSPFeedbacks": [],
                    }
                    for record in page
                ],
            },
        )


# NCMEC ---------------------------------------------------------------------------------------------

_DATE = "%Y-%m-%dT%H:%M:%SZ"


def _seconds(text: str) -> int:
    # The client formats its times with datetime.fromtimestamp (local time), marked Z: read them back so.
    return int(datetime.strptime(text, _DATE).timestamp())


def client_time_text(seconds: int) -> str:
    """A time as the NCMEC client writes it."""
    return datetime.fromtimestamp(seconds).strftime(_DATE)


@dataclass
class NCMECEntry:
    id: int
    value: str
    at: int
    member_id: int = 42
    deleted: bool = False


class FakeNCMEC(FakeServer):
    """GET /npo/v2/status and /npo/v2/entries?from=…&to=…, as NCMECHashAPI calls them (basic auth).

    Entries whose time is in [from, to) come `page_size` at a time, as `<image>` (or `<deletedImage>`,
    with no fingerprints) under `<images maxTimestamp=…>`; `<paging><next>` is a path under the base
    address with start, size and max, which the client follows as it is.
    """

    prefix = "/npo"
    USER = "hotline-test"
    PASSWORD = "password-for-tests"
    NS = "https://hashsharing.ncmec.org/hashsharing/v2"

    def __init__(self, page_size: int = 2) -> None:
        super().__init__()
        self.page_size = page_size
        self.entries: list[NCMECEntry] = []
        self.next_id = 1000

    def add(self, value: str, at: int) -> NCMECEntry:
        self.next_id += 1
        entry = NCMECEntry(self.next_id, value, at)
        self.entries.append(entry)
        return entry

    def delete(self, entry: NCMECEntry, at: int) -> None:
        self.entries.remove(entry)
        self.entries.append(NCMECEntry(entry.id, "", at, entry.member_id, deleted=True))

    def credentials(self) -> dict[str, str]:
        return {"username": self.USER, "password": self.PASSWORD}

    def answer(self, asked: Asked) -> Answer:
        expected = "Basic " + base64.b64encode(f"{self.USER}:{self.PASSWORD}".encode()).decode()
        if asked.headers.get("authorization") != expected:
            return Answer(401, b"<error>Unauthorized</error>", "application/xml")
        if asked.path == "/npo/v2/status":
            root = ET.Element("status", xmlns=self.NS)
            ET.SubElement(root, "member", id="42").text = "Test hotline"
            return Answer(200, ET.tostring(root), "application/xml")
        if asked.path == "/npo/v2/entries":
            return self._entries(asked)
        return Answer(404, b"<error>Not found</error>", "application/xml")

    def _entries(self, asked: Asked) -> Answer:
        start, end = _seconds(asked.query["from"]), _seconds(asked.query["to"])
        chosen = sorted((e for e in self.entries if start <= e.at < end), key=lambda e: e.id)
        offset = int(asked.query.get("start", 0))
        page = chosen[offset : offset + self.page_size]
        root = ET.Element("queryResult", xmlns=self.NS)
        if page:
            images = ET.SubElement(
                root, "images", count=str(len(page)), maxTimestamp=client_time_text(max(e.at for e in page))
            )
            for entry in page:
                node = ET.SubElement(images, "deletedImage" if entry.deleted else "image")
                ET.SubElement(node, "id").text = str(entry.id)
                ET.SubElement(node, "member", id=str(entry.member_id)).text = "Test member"
                if not entry.deleted:
                    ET.SubElement(node, "classification").text = "A1"
                    fingerprints = ET.SubElement(node, "fingerprints")
                    ET.SubElement(fingerprints, "md5").text = secrets.token_hex(16)
                    ET.SubElement(fingerprints, "pdq").text = entry.value
        if offset + self.page_size < len(chosen):
            paging = ET.SubElement(root, "paging")
            ET.SubElement(paging, "next").text = (
                f"/v2/entries?from={asked.query['from']}&to={asked.query['to']}"
                f"&start={offset + self.page_size}&size={self.page_size}&max={len(chosen)}"
            )
        return Answer(200, ET.tostring(root), "application/xml")


# ThreatExchange ------------------------------------------------------------------------------------


@dataclass
class ThreatUpdate:
    id: int
    value: str
    at: int
    should_delete: bool = False
    type: str = "HASH_PDQ"


@dataclass
class FakeThreatExchangeState:
    updates: list[ThreatUpdate] = field(default_factory=list)
    uploaded: list[dict[str, str]] = field(default_factory=list)


class FakeThreatExchange(FakeServer):
    """GET /v26.0/<group>/threat_updates/ and POST /v26.0/threat_descriptors/, as ThreatExchangeAPI
    calls them (the token as `access_token` in the query).

    Updates at or after `start_time`, of the asked `types`, oldest first, `page_size` at a time, with
    `paging.next` a whole URL; an upload answers `{"success": true, "id": …}` and becomes an update
    of the privacy group it names. A wrong token gets the Graph API's 400 OAuthException.
    """

    prefix = "/v26.0"
    TOKEN = "1234567890|" + "t" * 24
    GROUP = "303636684709969"

    def __init__(self, page_size: int = 2) -> None:
        super().__init__()
        self.page_size = page_size
        self.state = FakeThreatExchangeState()
        self.clock = 1_600_000_000
        self.next_id = 5000

    def add(self, value: str, *, type: str = "HASH_PDQ") -> ThreatUpdate:
        self.clock += 1
        self.next_id += 1
        update = ThreatUpdate(self.next_id, value, self.clock, type=type)
        self.state.updates.append(update)
        return update

    def delete(self, update: ThreatUpdate) -> None:
        self.clock += 1
        update.should_delete, update.at = True, self.clock

    def credentials(self) -> dict[str, str]:
        return {"access_token": self.TOKEN}

    def answer(self, asked: Asked) -> Answer:
        if asked.query.get("access_token") != self.TOKEN:
            return _json(
                400,
                {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}},
            )
        if asked.method == "GET" and asked.path == f"/v26.0/{self.GROUP}/threat_updates/":
            return self._updates(asked)
        if asked.method == "POST" and asked.path == "/v26.0/threat_descriptors/":
            form = {key: values[-1] for key, values in parse_qs(asked.body.decode()).items()}
            params = {**asked.query, **form}
            params.pop("access_token", None)
            for required in ("indicator", "type", "description", "share_level", "status", "privacy_type"):
                if not params.get(required):
                    return _json(
                        400, {"error": {"message": f"missing {required}", "type": "GraphMethodException"}}
                    )
            if params["privacy_members"] != self.GROUP:
                return _json(400, {"error": {"message": "not a member", "type": "GraphMethodException"}})
            self.state.uploaded.append(params)
            update = self.add(params["indicator"], type=params["type"])
            return _json(200, {"success": True, "id": str(update.id)})
        return _json(404, {"error": {"message": "Unknown path", "type": "GraphMethodException"}})

    def _updates(self, asked: Asked) -> Answer:
        start = int(asked.query.get("start_time") or 0)
        types = set(asked.query.get("types", "").split(",")) - {""}
        chosen = sorted(
            (u for u in self.state.updates if u.at >= start and (not types or u.type in types)),
            key=lambda u: (u.at, u.id),
        )
        offset = int(asked.query.get("after", 0))
        size = min(int(asked.query.get("limit") or self.page_size), self.page_size)
        page = chosen[offset : offset + size]
        data: dict[str, Any] = {
            "data": [
                {
                    "id": str(u.id),
                    "indicator": u.value,
                    "type": u.type,
                    "last_updated": str(u.at),
                    "should_delete": u.should_delete,
                }
                for u in page
            ]
        }
        if offset + size < len(chosen):
            data["paging"] = {
                "next": f"{self.url}/{self.GROUP}/threat_updates/?access_token={self.TOKEN}"
                f"&start_time={start}&types={','.join(sorted(types))}&limit={size}&after={offset + size}"
            }
        return _json(200, data)
