"""docs/api.md's examples run as written, against a live server, with a key of every scope."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from childshield.accounts.models import Agency, AgencyKind
from childshield.hashing.models import ApiScope
from childshield.platforms.services.credentials import platform_credential_create

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"^```(sh|python)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def examples(language):
    return [code for lang, code in BLOCK.findall(DOC.read_text()) if lang == language]


@pytest.fixture
def environment(live_server, transactional_db):
    Agency.objects.create(country="VN", name="National Hotline (test)", kind=AgencyKind.HOTLINE)
    _platform, _key, secret = platform_credential_create(
        name="Docs App (test)", country="VN", scopes=list(ApiScope.values)
    )
    return {**os.environ, "CHILDSHIELD_URL": live_server.url, "CHILDSHIELD_KEY": secret}


def test_the_docs_show_curl_and_python():
    assert any("curl" in code for code in examples("sh"))
    assert list(filter(calls, examples("python")))
    assert verify_snippet()


def verify_snippet():
    """The receiver's check of a webhook's signature, as docs/api.md shows it."""
    [code] = [code for code in examples("python") if code.startswith("# verify")]
    namespace = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    return namespace["verify"]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_every_curl_example_succeeds(environment):
    for code in (code for code in examples("sh") if code.lstrip().startswith("curl")):
        # As written, but failing on an error answer (the docs leave the flag out for readability).
        command = code.replace("curl -sS", "curl -sS --fail-with-body", 1)
        done = subprocess.run(
            ["sh", "-c", command], env=environment, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, (code, done.stdout, done.stderr)
        assert '"code"' not in done.stdout, done.stdout


def calls(code):
    return "CHILDSHIELD_URL" in code


def test_every_python_example_succeeds(environment):
    for code in filter(calls, examples("python")):
        done = subprocess.run(
            [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, (code, done.stdout, done.stderr)
        assert "P-" in done.stdout
