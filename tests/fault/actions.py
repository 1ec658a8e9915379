"""What the fault tests do as people would, over HTTP, and how they count what went out."""

import re
from pathlib import Path

import httpx


def message_ids(mail_dir: Path) -> list[str]:
    """Every message written, by its Message-ID (a file may hold several)."""
    return [
        match.group(1)
        for path in sorted(mail_dir.iterdir())
        for match in re.finditer(r"^Message-ID: (\S+)$", path.read_text(), re.MULTILINE)
    ]


def ask_for_password_reset(client: httpx.Client, email: str) -> None:
    page = client.get("/en/account/password-reset/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    response = client.post(
        "/en/account/password-reset/", data={"email": email, "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302, response.text[:1000]
