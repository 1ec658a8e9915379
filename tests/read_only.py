"""What a read may write, for every test that checks a GET writes nothing but the audit of what it read."""

import re
from collections.abc import Iterable

# Tables a GET may write to, and why.
ALLOWED_TABLES = {
    "audit_auditevent": "the audit of what was read",
    # An API call made with a key is recorded with it (hashing.ApiCall), a read or a refusal alike.
    "hashing_apicall": "the record of a call made with an API key",
    # Not the page's doing: Django's session middleware saves the session it was handed when the
    # session changed (its expiry, the acting membership, a message), which is the sign-in's bookkeeping.
    "django_session": "the sign-in session's own bookkeeping",
}

WRITE = re.compile(r"""^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+[`"]?(\w+)""", re.I)


def domain_writes(queries: Iterable[dict[str, str]]) -> list[tuple[str, str]]:
    """(table, statement) of every write among captured `queries` but those ALLOWED_TABLES explains."""
    writes = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and match.group(1).lower() not in ALLOWED_TABLES:
            writes.append((match.group(1).lower(), query["sql"]))
    return writes
