"""Who gets what from every URL: each role, in its own agency and in another, against the answer the
declared permissions and record rules give (issue 14).

The URL patterns are walked from the root resolver; every one must have a row in
`tests/access_matrix/table.py`, which says what kind of URL it is and how to fill its arguments with
one's own and another agency's records. The expected answer is derived from that row, the
permission the view declares (`@staff_view(perm)`) and the grants (`may`): a visitor is sent to sign
in, a member without the permission gets 403, a record outside the member's scope 404, and their own
200. The actors are the demo's accounts plus a second helpline in the same country, a second social
work office, a helpline and a hotline in another country, the police, and a platform's API key.

POSTs are made only where they must be refused, and each must write nothing (tests/read_only.py).
Everything runs once for the module, in a transaction rolled back at the end.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.http import StreamingHttpResponse
from django.test import Client
from pytest_django import DjangoDbBlocker

from childshield.accounts.acting import staff_access
from childshield.accounts.models import Role
from childshield.accounts.selectors import SESSION_MEMBERSHIP_KEY
from childshield.core.public import is_public_page
from childshield.demo.services import demo_seed
from childshield.hashing.api import ApiKeyAuthentication, MayMatch
from tests.access_matrix import rules
from tests.access_matrix.expect import Answers, answer_of, expected
from tests.access_matrix.table import ROWS, WILDCARD_NAMESPACES, Kind, Row, row_for
from tests.access_matrix.targets import Target
from tests.access_matrix.urlconf import LANGUAGES, Pattern, url_patterns
from tests.access_matrix.world import Actor, World, world_build
from tests.read_only import domain_writes

pytestmark = pytest.mark.django_db

# Django's admin and the mail webhooks decide on the account (is_staff) or a shared secret alone, never
# on a role or an agency: these actors stand for everyone there (a visitor, a member who is not staff,
# the system administrator who is; test_only_system_administrators_may_use_the_admin_site).
ACCOUNT_ONLY_KINDS = {Kind.ADMIN, Kind.MAIL_WEBHOOK}
ACCOUNT_ONLY_ACTORS = {"visitor", "case worker", "system admin"}
ANOTHER_SITE = "https://elsewhere.example"
# Every kind of URL but the providers' webhooks, which tests of their own ask.
OUR_KINDS = frozenset(Kind) - {Kind.MAIL_WEBHOOK, Kind.CHAT_WEBHOOK}


@dataclass(frozen=True)
class Asked:
    kind: Kind
    pattern: str
    target: str
    actor: str
    method: str
    url: str
    expected: Answers
    answer: str
    writes: tuple[str, ...] = ()

    @property
    def language(self) -> str:
        prefix = self.url.split("/")[1]
        return prefix if prefix in LANGUAGES else ""

    @property
    def wrong(self) -> bool:
        return self.answer not in self.expected or bool(self.writes)

    def line(self) -> str:
        wrote = f", and wrote to {', '.join(sorted(set(self.writes)))}" if self.writes else ""
        about = f"{self.pattern}, {self.target}" if self.target else self.pattern
        return (
            f"{self.method} {self.url} [{about}] as {self.actor}: "
            f"expected {' or '.join(sorted(self.expected))}, got {self.answer}{wrote}"
        )


@dataclass
class Matrix:
    asked: list[Asked] = field(default_factory=list)
    unfilled: list[str] = field(default_factory=list)
    # The role of every actor whose account may use Django's admin site (is_staff).
    admin_site_roles: dict[str, str] = field(default_factory=dict)

    def of(
        self, method: str, languages: Iterable[str] = ("en", ""), kinds: Iterable[Kind] = OUR_KINDS
    ) -> list[Asked]:
        """What was asked with `method` of these kinds of URL, under these language prefixes ("":
        URLs without one)."""
        return [
            asked
            for asked in self.asked
            if asked.method == method and asked.language in languages and asked.kind in kinds
        ]


def _client(actor: Actor) -> Client:
    client = Client(raise_request_exception=False)
    if actor.user is not None:
        client.force_login(actor.user, backend="django.contrib.auth.backends.ModelBackend")
        if actor.membership is not None:
            session = client.session
            session[SESSION_MEMBERSHIP_KEY] = actor.membership.pk
            session.save()
    return client


def _headers(actor: Actor) -> dict[str, str]:
    return {"Authorization": f"Bearer {actor.api_key}"} if actor.api_key else {}


class _Effective:
    """The statements of a request that changed something: a conditional UPDATE or DELETE that
    matched no row, or an INSERT that failed (a claim someone else holds), changed nothing. (SQLite
    counts the rows of an INSERT … RETURNING only once they are read: one that ran inserted.)"""

    def __init__(self) -> None:
        self.queries: list[dict[str, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        result = execute(sql, params, many, context)
        if context["cursor"].rowcount != 0 or " RETURNING " in sql.upper():
            self.queries.append({"sql": sql})
        return result


def _ask(client: Client, method: str, url: str, **kwargs: Any) -> tuple[str, tuple[str, ...]]:
    """One request in a savepoint rolled back after it: what it answered and what it wrote."""
    effective = _Effective()
    with transaction.atomic(), connection.execute_wrapper(effective):
        response = client.get(url, **kwargs) if method == "GET" else client.post(url, **kwargs)
        if isinstance(response, StreamingHttpResponse):
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return answer_of(response), tuple(table for table, _ in domain_writes(effective.queries))


def _post_body(row: Row, world: World, actor: Actor, target: Target) -> dict[str, Any]:
    data = row.post(world, actor, target) if row.post else {}
    return {"data": data, "content_type": "application/json"} if row.post_as_json else {"data": data}


def _targets(row: Row, pattern: Pattern, world: World) -> list[Target] | None:
    if row.targets is not None:
        return row.targets(world)
    if not pattern.arguments:
        return [Target("", {})]
    if pattern.name.split(":", 1)[0] in WILDCARD_NAMESPACES:
        # Those apps decide access before they look at a record: a record of the page's model (any
        # id for the others), and an app's label for the admin's app pages.
        record_id = _admin_record_id(pattern.route)
        return [
            Target("", {arg: "accounts" if arg == "app_label" else record_id for arg in pattern.arguments})
        ]
    return None


def _admin_record_id(route: str) -> str:
    parts = route.split("/")
    try:
        model = apps.get_model(parts[1], parts[2]) if parts[0] == "admin" and len(parts) > 3 else None
    except LookupError:
        model = None
    record = model._default_manager.order_by("pk").first() if model is not None else None
    return str(record.pk) if record is not None else "1"


def _category(actor: Actor) -> str:
    if actor.api_key:
        return "revoked key" if actor.api_key_revoked else "key"
    if not actor.signed_in:
        return "visitor"
    return "member" if actor.membership is not None else "no agency"


def _ask_everything(world: World) -> Matrix:
    """Every URL, filled with each of its row's targets, asked by every actor.

    A GET of a page is asked by every actor: that is the role matrix. A POST, or a GET of a URL that
    only takes POSTs, is asked by every actor whom a record rule refuses (by one of each kind of
    member the case rule tells apart, for a case); where the door alone answers (signing in, the
    acting agency, the view's permission, the method: one decorator for every staff page), by one
    actor of each kind (visitor, no agency, member) for each such answer of the URL.
    """
    matrix = Matrix()
    matrix.admin_site_roles = {
        actor.name: actor.membership.role if actor.membership else ""
        for actor in world.actors
        if actor.user is not None and actor.user.is_staff
    }
    clients = {actor.name: _client(actor) for actor in world.actors}

    def ask(
        row: Row,
        pattern: Pattern,
        target: Target,
        who: str,
        method: str,
        url: str,
        answers: Answers,
        client: Client,
        **request: Any,
    ) -> None:
        answer, writes = _ask(client, method, url, **request)
        matrix.asked.append(
            Asked(row.kind, pattern.name, target.label, who, method, url, answers, answer, writes)
        )

    for pattern in url_patterns():
        row = row_for(pattern.name)
        if row is None:
            continue  # test_every_url_pattern_has_a_row says so
        targets = _targets(row, pattern, world)
        if targets is None:
            matrix.unfilled.append(pattern.name)
            continue
        actors = [
            actor
            for actor in world.actors
            if (row.kind not in ACCOUNT_ONLY_KINDS or actor.name in ACCOUNT_ONLY_ACTORS)
            # An API key is for the match API; anywhere else its request is a visitor's, asked there.
            and (not actor.api_key or row.kind in (Kind.API, Kind.PLATFORM_API))
        ]
        door_asked: set[tuple[str, Answers, str]] = set()
        for number, target in enumerate(targets):
            url = pattern.url(target.kwargs) + (f"?{target.query}" if target.query else "")
            case_asked: set[tuple[Answers, tuple[object, ...]]] = set()
            for method in ("GET", "POST") if pattern.takes_post and target.posts else ("GET",):
                every_actor = method == "GET" and pattern.takes_get
                for actor in actors:
                    expectation = expected(row, pattern, actor, target, method)
                    if expectation is None:
                        continue
                    if not every_actor and not expectation.by_record:
                        door = (method, expectation.answers, _category(actor))
                        if door in door_asked:
                            continue
                        door_asked.add(door)
                    elif method == "POST" and row.kind == Kind.CASE and actor.membership is not None:
                        # The case rule answers members alike alike: one refused POST of each kind.
                        alike = (expectation.answers, rules.case_alike(actor.membership, target.record))
                        if alike in case_asked:
                            continue
                        case_asked.add(alike)
                    body = _post_body(row, world, actor, target) if method == "POST" else {}
                    client = clients[actor.name]
                    ask(
                        row,
                        pattern,
                        target,
                        actor.name,
                        method,
                        url,
                        expectation.answers,
                        client,
                        headers=_headers(actor),
                        **body,
                    )
            visitor = clients["visitor"]
            if pattern.localised and number == 0:
                # A visitor gets the same answers under every language prefix.
                expectation = expected(row, pattern, world.actor("visitor"), target, "GET")
                assert expectation is not None
                for language in LANGUAGES[1:]:
                    localised = pattern.url(target.kwargs, language)
                    ask(row, pattern, target, "visitor", "GET", localised, expectation.answers, visitor)
            if row.cross_site_refused:
                refused = frozenset({"403"})
                who = "a page of another site"
                ask(
                    row,
                    pattern,
                    target,
                    who,
                    "POST",
                    url,
                    refused,
                    visitor,
                    data={},
                    headers={"Origin": ANOTHER_SITE},
                )
    return matrix


@pytest.fixture(scope="module")
def matrix(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Matrix:
    # Thousands of refusals are the point here, not news: Django's log of each (with its traceback)
    # would only slow the matrix down. Errors (500) are still logged.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            demo_seed(figures=False)
            result = _ask_everything(world_build())
            transaction.set_rollback(True)
    finally:
        request_log.setLevel(level)
    return result


# The table against the URLconf ---------------------------------------------------------------------


def test_every_url_pattern_has_a_row():
    patterns = url_patterns()
    missing = sorted(f"{p.name} ({p.route})" for p in patterns if row_for(p.name) is None)
    assert not missing, (
        "these URL patterns have no row in tests/access_matrix/table.py; add one saying who may open "
        "them:\n" + "\n".join(missing)
    )
    names = {p.name for p in patterns}
    namespaces = {name.split(":", 1)[0] for name in names}
    stale = sorted(
        name
        for name in ROWS
        if name not in names and not (name.endswith(":*") and name.removesuffix(":*") in namespaces)
    )
    assert not stale, f"these rows name URLs that no longer exist: {stale}"


def test_each_row_is_the_kind_of_url_its_view_says_and_asks_for_its_permission():
    wrong = []
    for pattern in url_patterns():
        row = row_for(pattern.name)
        if row is None:
            continue
        access = staff_access(pattern.callback)
        view_class = getattr(pattern.callback, "cls", None)
        if access is not None:
            kind = Kind.CASE if access.perm is None else Kind.STAFF
        elif is_public_page(pattern.callback):
            kind = Kind.PUBLIC
        elif view_class is not None and MayMatch in getattr(view_class, "permission_classes", []):
            kind = Kind.API
        elif view_class is not None and getattr(view_class, "authentication_classes", None) == [
            ApiKeyAuthentication
        ]:
            kind = Kind.PLATFORM_API
        else:
            # Unmarked views: the row's kind says how they guard themselves, with the reason.
            if row.kind in (Kind.STAFF, Kind.CASE, Kind.API, Kind.PLATFORM_API) or (
                row.kind == Kind.PUBLIC and not row.reason
            ):
                wrong.append(f"{pattern.name}: the row says {row.kind}, the view carries no such mark")
            continue
        if row.kind != kind:
            wrong.append(f"{pattern.name}: the row says {row.kind}, the view is {kind}")
        elif access is not None and row.perm != access.perm:
            wrong.append(f"{pattern.name}: the row says {row.perm!r}, the view asks for {access.perm!r}")
    assert not wrong, "\n".join(wrong)


def test_only_system_administrators_may_use_the_admin_site(matrix):
    """The admin's rows ask a few accounts only (it never looks at roles or agencies); that holds as
    long as no other account may use it."""
    assert set(matrix.admin_site_roles.values()) == {Role.SYSTEM_ADMIN}, matrix.admin_site_roles


def test_every_url_with_arguments_says_how_to_fill_them(matrix):
    assert not matrix.unfilled, f"these rows need `targets` for their URL's arguments: {matrix.unfilled}"


# The answers -------------------------------------------------------------------------------------------


def test_every_role_gets_from_every_page_what_the_rules_give(matrix):
    asked = matrix.of("GET")
    assert len(asked) > 1000, "the matrix asked too little to mean anything"
    wrong = [one.line() for one in asked if one.wrong]
    assert not wrong, f"{len(wrong)} answers contradict the declared rules:\n" + "\n".join(wrong)


def test_every_staff_page_opens_for_someone_the_rules_let_in(matrix):
    """A row whose every actor is refused would check refusals only: the world must hold someone
    each page lets in, with a record of their own."""
    opened = {one.pattern for one in matrix.of("GET") if one.expected == {"200"} and one.answer == "200"}
    staff_pages = {
        pattern.name
        for pattern in url_patterns()
        if (row := row_for(pattern.name)) is not None
        and row.kind in (Kind.STAFF, Kind.CASE)
        and pattern.takes_get
    }
    assert not staff_pages - opened, (
        f"nobody the rules let in opened these pages: {sorted(staff_pages - opened)}"
    )


def test_a_post_that_must_be_refused_is_refused_and_writes_nothing(matrix):
    asked = matrix.of("POST")
    assert len(asked) > 500, "the matrix posted too little to mean anything"
    wrong = [one.line() for one in asked if one.wrong]
    assert not wrong, f"{len(wrong)} posts were not refused as the rules say, or wrote:\n" + "\n".join(wrong)


def test_the_mail_webhooks_turn_away_whoever_lacks_their_secret(matrix):
    """Only the mail provider holding the shared secret may post delivery events; everyone else is
    refused (401, or 400 for a malformed event), signed in or not."""
    asked = [*matrix.of("GET", kinds={Kind.MAIL_WEBHOOK}), *matrix.of("POST", kinds={Kind.MAIL_WEBHOOK})]
    assert asked
    wrong = [one.line() for one in asked if one.wrong]
    assert not wrong, f"{len(wrong)} answers of the mail webhooks:\n" + "\n".join(wrong)


def test_the_chat_webhooks_turn_away_whoever_lacks_the_providers_secret(matrix):
    """Only the provider (its signature or secret) may post messages to a chat channel; everyone else,
    signed in or not, is refused and nothing is stored."""
    asked = [*matrix.of("GET", kinds={Kind.CHAT_WEBHOOK}), *matrix.of("POST", kinds={Kind.CHAT_WEBHOOK})]
    assert asked
    wrong = [one.line() for one in asked if one.wrong]
    assert not wrong, f"{len(wrong)} answers of the chat webhooks:\n" + "\n".join(wrong)


def test_a_visitor_gets_the_same_answers_under_every_language_prefix(matrix):
    asked = matrix.of("GET", languages=LANGUAGES[1:], kinds=frozenset(Kind))
    assert {a.url.split("/")[1] for a in asked} == set(LANGUAGES[1:])
    wrong = [one.line() for one in asked if one.wrong]
    assert not wrong, "\n".join(wrong)


def test_another_helplines_supervisor_neither_releases_nor_hands_over_a_held_report(matrix):
    """Issue 14, finding 4: a claim belongs to the claiming counsellor's helpline; a supervisor of
    another helpline of the same country may not release it or hand it over."""
    asked = [
        one
        for one in matrix.of("POST")
        if one.pattern in {"helpline:queue_release", "helpline:queue_hand_over"}
        and (one.actor, one.target)
        in {
            ("helpline supervisor (helpline 2)", "report held by the counsellor"),
            ("helpline supervisor", "report held by helpline 2's counsellor"),
        }
    ]
    assert len(asked) == 4
    wrong = [one.line() for one in asked if one.wrong]
    assert not wrong, "\n".join(wrong)
