"""The demo's embedded database under children reporting at the same moment: 20 reports sent at
once to a server like `make demo`'s (runserver, threads, a SQLite file) are all saved, none answered
with an error. The suite's in-memory database cannot show this: a file database is made here."""

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from tests.fault.servers import ROOT, Process, django_env, free_port, wait_for
from tests.intake.conftest import GOOD_REPORT, form_token, receipt_of

CHILDREN = 20


@pytest.fixture
def demo_server(tmp_path: Path):
    database = tmp_path / "demo.sqlite3"
    env = django_env(
        DJANGO_SETTINGS_MODULE="childshield.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        DEBUG="false",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = Process("demo")
    server.spawn([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], env)
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(answers, seconds=60, what="the demo server answering")
    yield base, database
    server.stop()


def test_twenty_children_reporting_at_the_same_moment_are_all_saved(demo_server):
    base, database = demo_server
    client = httpx.Client(base_url=base, headers={"Origin": base}, timeout=60)
    # Each child has the form open (a token each), then all press "Send" together.
    tokens = [form_token(client.get("/en/report/").text) for _ in range(CHILDREN)]
    start = threading.Barrier(CHILDREN)
    answers: list[httpx.Response] = []

    def send(token: str) -> None:
        with httpx.Client(base_url=base, headers={"Origin": base}, timeout=60) as own:
            start.wait()
            answers.append(own.post("/en/report/", data={**GOOD_REPORT, "form_token": token}))

    threads = [threading.Thread(target=send, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(answer.status_code for answer in answers) == [200] * CHILDREN
    codes = {receipt_of(answer.text).code.replace("-", "") for answer in answers}
    with sqlite3.connect(database) as connection:
        saved = {row[0] for row in connection.execute("SELECT reference FROM intake_report")}
    assert len(codes) == CHILDREN and codes == saved
