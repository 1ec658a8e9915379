"""The one error shape of the API: RFC 9457 problem details, with a stable `code`."""

from typing import Any

PROBLEM_TYPE = "https://childshield.example/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_body(status: int, code: str, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
