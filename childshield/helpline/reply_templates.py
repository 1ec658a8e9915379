"""Saved replies to people who reported, in Vietnamese, Khmer and English, shipped as data.

They are written for children and free of blame (data/reply_templates.json); a counsellor picks one,
changes what fits the child, and sends it.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TEMPLATES_FILE = Path(__file__).resolve().parent / "data" / "reply_templates.json"
LANGUAGES = ("vi", "km", "en")


@dataclass(frozen=True)
class ReplyTemplate:
    code: str
    titles: dict[str, str]
    bodies: dict[str, str]

    def title(self, language: str) -> str:
        return self.titles.get(language[:2]) or self.titles["en"]

    def body(self, language: str) -> str:
        return self.bodies.get(language[:2]) or self.bodies["en"]


@cache
def reply_templates() -> tuple[ReplyTemplate, ...]:
    data = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
    return tuple(
        ReplyTemplate(code=entry["code"], titles=dict(entry["title"]), bodies=dict(entry["body"]))
        for entry in data["templates"]
    )


def reply_template(code: str) -> ReplyTemplate | None:
    return next((template for template in reply_templates() if template.code == code), None)
