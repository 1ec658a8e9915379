"""What each actor must be answered, derived from the row's kind, the view's declared permission and
the grants (through `may`), and the row's record rule; never from what the code answers today."""

from dataclasses import dataclass

from django.http import HttpResponseBase

from childshield.accounts.acting import staff_access
from childshield.accounts.permissions import may
from childshield.hashing.permissions import HashPerm
from tests.access_matrix.rules import HIDDEN, OK
from tests.access_matrix.table import ADMIN_SIGN_IN, REDIRECT, SIGN_IN, Kind, Row
from tests.access_matrix.targets import Target
from tests.access_matrix.urlconf import Pattern
from tests.access_matrix.world import Actor

Answers = frozenset[str]
# The admin lets its own staff in; what it then shows (a list, a form, "no such record") is its own.
ADMIN_INSIDE = frozenset({"200", REDIRECT, "403", "404"})
MAIL_REFUSAL = frozenset({"400", "401", "403"})


def answer_of(response: HttpResponseBase) -> str:
    """The answer as the matrix writes it: the status, with a redirect told by where it leads."""
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        path = location.split("://", 1)[-1].split("/", 1)[-1] if "://" in location else location.lstrip("/")
        parts = path.split("/")
        if len(parts) > 2 and parts[1:3] == ["account", "sign-in"]:
            return SIGN_IN
        if len(parts) > 2 and parts[1:3] == ["admin", "login"]:
            return ADMIN_SIGN_IN
        return REDIRECT
    return str(response.status_code)


@dataclass(frozen=True)
class Expectation:
    """The answers an actor may get, and whether a record rule decides them (rather than the door:
    signing in, the acting agency, the view's permission, the method)."""

    answers: Answers
    by_record: bool = False


def _at_door(*answers: str) -> Expectation:
    return Expectation(frozenset(answers))


def expected(row: Row, pattern: Pattern, actor: Actor, target: Target, method: str) -> Expectation | None:
    """What `actor` may be answered to `method` on this URL; None for a POST the actor may make (the
    matrix never makes those: they would change the demo that every row reads)."""
    if row.kind in (Kind.PUBLIC, Kind.SIGN_IN_FLOW):
        if method == "POST":
            return None
        if not pattern.takes_get:
            return _at_door("405")
        if target.answer:
            return _at_door(target.answer)
        return _at_door(row.signed_in if actor.signed_in else row.visitor)
    if row.kind == Kind.SIGNED_IN:
        if not actor.signed_in:
            return _at_door(SIGN_IN)
        if method == "POST":
            return None
        return _at_door("200" if pattern.takes_get else "405")
    if row.kind in (Kind.STAFF, Kind.CASE):
        return _staff(row, pattern, actor, target, method)
    if row.kind == Kind.API:
        return _api(pattern, actor, method)
    if row.kind == Kind.PLATFORM_API:
        return _platform_api(pattern, actor, target, method)
    if row.kind == Kind.ADMIN:
        return _admin(pattern, actor, method)
    if row.kind == Kind.MAIL_WEBHOOK:
        # Without the providers' secret nobody gets in, signed in or not: a GET is not a webhook, a
        # POST without the secret is refused (401, or 400 for a malformed one).
        return _at_door("405") if method == "GET" else Expectation(MAIL_REFUSAL)
    if row.kind == Kind.CHAT_WEBHOOK:
        # A channel whose provider sends no GET handshake (Telegram): a GET is not a webhook; a POST
        # without the provider's secret is refused, signed in or not.
        return _at_door("405") if method == "GET" else _at_door("403")
    raise AssertionError(f"no derivation for {row.kind}")


def _staff(row: Row, pattern: Pattern, actor: Actor, target: Target, method: str) -> Expectation | None:
    if not actor.signed_in:
        return _at_door(SIGN_IN)
    member = actor.membership
    if member is None:
        return _at_door("403")  # signed in, acting for no agency
    access = staff_access(pattern.callback)
    assert access is not None
    if access.perm is not None and not may(member, access.perm):
        return _at_door("403")
    if method == "GET" and not pattern.takes_get:
        return _at_door("405")
    rule = (row.post_rule or row.rule) if method == "POST" else row.rule
    verdict = rule(member, target.record) if rule is not None and target.record is not None else OK
    if verdict is OK:
        return None if method == "POST" else Expectation(frozenset({"200"}), by_record=rule is not None)
    if verdict is HIDDEN:
        return Expectation(frozenset({"404"}), by_record=True)
    return Expectation(row.refused, by_record=True)


def _api(pattern: Pattern, actor: Actor, method: str) -> Expectation | None:
    if actor.api_key_revoked:
        return _at_door("401")
    may_call = bool(actor.api_key) or may(actor.membership, HashPerm.MATCH)
    if not may_call:
        # No credentials at all: 401 with the Bearer challenge; a session without the grant: 403.
        return _at_door("403" if actor.signed_in else "401")
    if method == "POST":
        return None
    return _at_door("200" if pattern.takes_get else "405")


def _platform_api(pattern: Pattern, actor: Actor, target: Target, method: str) -> Expectation | None:
    # Only a live key opens the door: a staff session is no credential here (401, as no credentials).
    if actor.api_key_revoked or not actor.api_key:
        return _at_door("401")
    if method == "POST":
        return None
    if not pattern.takes_get:
        return _at_door("405")
    if target.record is not None:
        return Expectation(frozenset({target.answer}), by_record=True)
    return _at_door("200")


def _admin(pattern: Pattern, actor: Actor, method: str) -> Expectation | None:
    is_staff = actor.user is not None and actor.user.is_staff
    if pattern.name == "admin:login":
        return None if method == "POST" else _at_door(REDIRECT if is_staff else "200")
    if pattern.name == "admin:logout":
        if method == "POST":
            return None
        # The admin sends anyone who is not its staff to its index (and from there to its sign-in).
        return _at_door("405" if is_staff else REDIRECT)
    if not is_staff:
        return _at_door(ADMIN_SIGN_IN)
    return None if method == "POST" else Expectation(ADMIN_INSIDE)
