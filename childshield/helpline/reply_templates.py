"""The saved replies shipped with childshield (data/reply_templates.json), in Vietnamese, Khmer and English.

They are loaded into `ReplyTemplate` rows by a migration; supervisors then edit them as data. This
module only reads the shipped file: for tests and for a database emptied since migrating.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TEMPLATES_FILE = Path(__file__).resolve().parent / "data" / "reply_templates.json"
LANGUAGES = ("vi", "km", "en")


@dataclass(frozen=True)
class ShippedReply:
    code: str
    titles: dict[str, str]
    bodies: dict[str, str]

    def title(self, language: str) -> str:
        return self.titles.get(language[:2]) or self.titles["en"]

    def body(self, language: str) -> str:
        return self.bodies.get(language[:2]) or self.bodies["en"]


@cache
def reply_templates() -> tuple[ShippedReply, ...]:
    data = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
    return tuple(
        ShippedReply(code=entry["code"], titles=dict(entry["title"]), bodies=dict(entry["body"]))
        for entry in data["templates"]
    )
