"""Under gunicorn with the repository's gunicorn.conf.py, the workers share the host's one match index,
written before they start, and keep their own changes on top of it."""

import subprocess
import sys
from pathlib import Path

import httpx
import numpy as np
import pytest
from django.db import connection

from childshield.accounts.models import Agency, AgencyKind
from childshield.hashing import index_files, services
from childshield.hashing.models import Algorithm
from tests.fault.servers import Process, django_env, free_port, wait_for

from .conftest import random_pdq

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def database_url() -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    return f"postgresql://{settings.get('USER') or 'postgres'}{password}@{host}:{port}/{settings['NAME']}"


class Gunicorn(Process):
    def __init__(self, env: dict[str, str]) -> None:
        super().__init__("gunicorn")
        self.port = free_port()
        self.env = env

    def start(self) -> None:
        # No -c: gunicorn reads ./gunicorn.conf.py from the repository's root by itself.
        self.spawn(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"], self.env
        )
        wait_for(self.workers_ready, seconds=120, what="both workers ready")

    def workers_ready(self) -> bool:
        if not self.running:
            raise RuntimeError(f"gunicorn exited:\n{self.output()}")
        return self.output().count("Ready in") == 2

    def children(self) -> dict[int, str]:
        assert self.popen is not None
        found = subprocess.run(["pgrep", "-P", str(self.popen.pid)], capture_output=True, text=True)
        return {
            int(pid): Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
            for pid in found.stdout.split()
        }


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("other processes must see the test database: PostgreSQL only")


def test_the_workers_map_the_one_index_written_before_they_started(
    postgres, analyst, bank, make_member, tmp_path
):
    rng = np.random.default_rng(40)
    banked = services.entry_add(
        actor=analyst, bank=bank, algorithm=Algorithm.PDQ, value=random_pdq(rng), quality=90
    )
    platform = Agency.objects.create(country="VN", name="Platform (gunicorn test)", kind=AgencyKind.PLATFORM)
    admin = make_member(email="admin@example.org", role="system_admin", agency=platform)
    _key, secret = services.api_key_issue(actor=admin, agency=platform, name="uploads")
    host_dir = tmp_path / "match-index"
    server = Gunicorn(django_env(DATABASE_URL=database_url(), HASHING_INDEX_DIR=str(host_dir)))
    server.start()
    try:
        generation = index_files.current_name(host_dir)
        assert generation is not None
        children = server.children()
        workers = [pid for pid, argv in children.items() if "match_index" not in argv]
        assert len(workers) == 2
        assert any("match_index --follow" in argv for argv in children.values())  # the indexer runs beside
        for pid in workers:  # each maps the host's files: one copy in the page cache, none of its own
            assert (
                str(host_dir / generation / "index" / "hashes.npy") in Path(f"/proc/{pid}/maps").read_text()
            )

        later = services.entry_add(
            actor=analyst, bank=bank, algorithm=Algorithm.PDQ, value=random_pdq(rng), quality=90
        )
        client = httpx.Client(
            base_url=f"http://127.0.0.1:{server.port}", headers={"Authorization": f"Bearer {secret}"}
        )
        for entry in [banked, later] * 2:  # each worker in turn, most likely
            response = client.post(
                "/api/v1/match/hashes/", json={"hashes": [{"algorithm": "pdq", "value": entry.value}]}
            )
            assert response.status_code == 200, response.text
            assert [m["entry"] for m in response.json()["results"][0]["matches"]] == [entry.pk]
    finally:
        server.stop()
