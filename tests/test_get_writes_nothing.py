"""A GET writes nothing but the audit of what it read: every staff page, as every demo account.

Each demo account signs in and crawls the staff side from its home page, breadth first, following
same-site links (`<a href>`, `hx-get`, GET forms) a few times per URL pattern. Every SQL statement of
every request is captured; an INSERT, UPDATE or DELETE into any table but the audit's fails the test.

It crawls twice: right after installation (the demo's agencies and accounts, no records yet), where
a page that installs or creates something the first time it is opened shows itself; then with the
whole demo (`manage.py seed_demo`), where pages have records to show. Every GET-able staff page in
the URLconf must be reached by some role, or be listed in NOT_REACHED with the reason.
"""

import uuid
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from pytest_django import DjangoDbBlocker

from childshield.accounts.models import Agency, Membership, User
from childshield.demo.accounts import ACCOUNTS, AGENCIES
from childshield.demo.services import demo_seed
from childshield.intake.models import Report
from childshield.places.models import AgencyArea, Area
from childshield.settings.demo_secrets import DEMO_PASSWORD
from tests.access_matrix.urlconf import allowed_methods
from tests.read_only import domain_writes

# The crawl runs once for the module (in its own transaction); the tests only read what it found.
pytestmark = pytest.mark.django_db


# Staff pages no demo account reaches by following links, and why each is left out.
NOT_REACHED = {
    "learning:version_review": "linked only for a version sent for review; the demo has none",
    "accounts:two_factor_verify": "asked only of someone with a confirmed authenticator; the demo has none",
    "accounts:member_two_factor_reset": "linked only for members with two-factor on; the demo has none",
    "accounts:recovery_codes": "linked from the security page only with two-factor on; the demo has none",
    "cases:attachment_download": "the demo's cases have no attachments",
    "hotline:evidence_frame": "the demo's hotline items have no evidence files",
    "hotline:evidence_file": "the demo's hotline items have no evidence files",
    # A picture is an <img>, not a link: the crawler follows links, and the page shows none until asked.
    "hotline:received_image_file": "a picture loads as an image of its page; the crawler fetches no images",
    "hotline:package_download": "the demo has no referral packages",
    "helpline:queue_reply": "linked from the queue only for a report one holds; the demo holds none",
    "helpline:queue_reply_thread": "asked only by the reply page's poll, and no reply page is reached",
    "learning:poster_print": "the demo has no posters (made in tests/learning/test_posters.py)",
    "operations:subject_request_detail": "the demo has no data-subject requests",
    "operations:subject_request_identity": "the demo has no data-subject requests",
    "operations:subject_request_find": "the demo has no data-subject requests",
    "operations:subject_request_export": "the demo has no data-subject requests",
    "operations:subject_request_export_json": "the demo has no data-subject requests",
}


def entry_points() -> list[str]:
    """Pages the demo has records for but that no demo account reaches by a link: they are opened
    from a claimed report in the queue (which takes a POST) or by people granted every country's reports."""
    report = Report.objects.order_by("pk").first()
    return [reverse("intake:report_list")] + (
        [reverse("intake:report_detail", args=[report.reference])] if report else []
    )


START = "/en/account/"
VISITS_PER_PATTERN = 3
REQUESTS_PER_ROLE = 250
# Not pages of the staff side: Django's admin (its own app, not ours) and the sign-out form.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_VIEWS = {"accounts:sign_out", "set_language"}


@dataclass(frozen=True)
class Write:
    role: str
    pattern: str  # view name and route
    url: str
    table: str
    statement: str


@dataclass
class Crawl:
    writes: list[Write] = field(default_factory=list)
    reached: dict[str, set[str]] = field(default_factory=dict)  # view name -> roles
    staff_pages: set[str] = field(default_factory=set)
    stored: dict[str, set[str]] = field(default_factory=dict)  # view name -> roles it was cacheable for


class _Links(HTMLParser):
    """Same-page links a person (or htmx) follows with a GET."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, bool]] = []  # (url, asked by htmx)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in values and "hreflang" not in values:
            self.links.append((values["href"], False))
        if tag == "form" and values.get("method", "get").lower() == "get" and "action" in values:
            self.links.append((values["action"], False))
        if "hx-get" in values:
            self.links.append((values["hx-get"], True))


def _same_site(base: str, href: str) -> str | None:
    """The path and query of `href` if it is a page of the English staff side, else None."""
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(f"http://testserver{base}", href))
    if parts.scheme not in {"http", "https"} or parts.netloc != "testserver":
        return None  # external
    if not parts.path.startswith("/en/"):
        return None  # another language (the language links), static files, the API
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _view_name(path: str) -> tuple[str, str] | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name, match.route


def _body(response: HttpResponse | StreamingHttpResponse) -> bytes:
    # Streamed downloads run their queries while the body is read.
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return response.content


def _crawl_as(client: Client, role: str, crawl: Crawl, starts: list[str]) -> None:
    queue: deque[tuple[str, bool]] = deque([(url, False) for url in [START, *starts]])
    seen: set[str] = set()
    visits: dict[str, int] = {}
    requests = 0
    while queue and requests < REQUESTS_PER_ROLE:
        url, htmx = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        resolved = _view_name(url)
        if resolved is None:
            continue
        view_name, route = resolved
        if view_name in SKIPPED_VIEWS or view_name.split(":")[0] in SKIPPED_NAMESPACES:
            continue
        if visits.get(view_name, 0) >= VISITS_PER_PATTERN:
            continue
        visits[view_name] = visits.get(view_name, 0) + 1
        requests += 1
        headers = {"HX-Request": "true"} if htmx else {}
        # Each page sees the world as it was before the crawl: what one GET wrote (triaged, installed,
        # created) cannot hide the same write by the next page. The query log is capped (9,000), and
        # a capture past the cap sees nothing: it starts empty for every page.
        connection.queries_log.clear()
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            response = client.get(url, headers=headers)
            body = _body(response)
            transaction.set_rollback(True)
        for table, statement in domain_writes(captured.captured_queries):
            crawl.writes.append(Write(role, f"{view_name} ({route})", url, table, statement))
        crawl.reached.setdefault(view_name, set()).add(role)
        if "no-store" not in response.get("Cache-Control", ""):
            crawl.stored.setdefault(f"{view_name} ({route})", set()).add(role)
        if response.status_code in {301, 302, 303, 307, 308}:
            target = _same_site(url, response["Location"])
            if target:
                queue.append((target, False))
        elif response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            parser = _Links()
            parser.feed(body.decode("utf-8", errors="replace"))
            for href, by_htmx in parser.links:
                target = _same_site(url, href)
                if target and target not in seen:
                    queue.append((target, by_htmx))


def _signed_in(email: str) -> Client:
    client = Client()
    response = client.post("/en/account/sign-in/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{email} could not sign in"
    return client


def _crawl_every_account(crawl: Crawl, world: str, starts: list[str]) -> None:
    for account in ACCOUNTS:
        client = _signed_in(account.email)
        memberships = list(Membership.objects.filter(user__email=account.email).order_by("pk"))
        for membership in memberships:
            role = f"[{world}] {account.email.split('@')[0]}"
            if len(memberships) > 1:
                # Someone in two agencies crawls as each of them.
                client.post("/en/account/acting-for/", {"membership": membership.pk})
                role = f"{role} for {membership.agency.name}"
            _crawl_as(client, role, crawl, starts)


def _install_the_demo_people() -> None:
    """What an installation holds before anyone works in it: the shipped places and helplines, and
    the demo's agencies and accounts as seed_demo makes them, without any of its records."""
    call_command("load_reference_data", stdout=StringIO())
    agencies = {}
    for spec in AGENCIES:
        agencies[spec.key] = Agency.objects.create(country="VN", name=spec.name, kind=spec.kind)
        areas = Area.objects.filter(code__in=spec.area_codes)
        assert len(areas) == len(spec.area_codes), f"{spec.name}: unknown area codes"
        AgencyArea.objects.bulk_create(AgencyArea(agency=agencies[spec.key], area=area) for area in areas)
    for account in ACCOUNTS:
        user = User.objects.create_user(
            email=account.email,
            password=DEMO_PASSWORD,
            full_name=account.full_name,
            is_staff=account.is_staff,
            is_superuser=account.is_staff,
        )
        for agency_key, role in account.memberships:
            Membership.objects.create(user=user, agency=agencies[agency_key], role=role)


@pytest.fixture(scope="module")
def crawl(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Crawl:
    """Every demo account's crawl, after installation and with the demo, in a transaction rolled back."""
    result = Crawl()
    with django_db_blocker.unblock(), transaction.atomic():
        result.staff_pages = staff_pages(Client())
        with transaction.atomic():
            _install_the_demo_people()
            _crawl_every_account(result, "just installed", starts=[])
            transaction.set_rollback(True)
        demo_seed(figures=False)
        _crawl_every_account(result, "demo", starts=entry_points())
        transaction.set_rollback(True)
    return result


def test_a_get_writes_nothing_but_the_audit_of_what_it_read(crawl):
    assert crawl.reached, "the crawl reached no page at all"
    found: dict[tuple[str, str], list[Write]] = {}
    for write in crawl.writes:
        found.setdefault((write.pattern, write.table), []).append(write)
    lines = [
        f"{pattern} writes to {table} as {', '.join(sorted({write.role for write in writes}))}; "
        f"e.g. {writes[0].url}: {writes[0].statement[:120]}"
        for (pattern, table), writes in sorted(found.items())
    ]
    assert not lines, "these GETs write (move the write to a POST, a task, or the seeding):\n" + "\n".join(
        lines
    )


def test_no_page_a_signed_in_member_opens_may_be_stored_by_a_browser_or_proxy(crawl):
    assert crawl.reached, "the crawl reached no page at all"
    lines = [f"{pattern} as {', '.join(sorted(roles))}" for pattern, roles in sorted(crawl.stored.items())]
    assert not lines, "these pages are sent without Cache-Control: no-store:\n" + "\n".join(lines)


# The staff side of the URLconf -------------------------------------------------------------------------


_PLACEHOLDERS = {"int": 2_147_483_000, "str": "x", "slug": "x", "path": "x", "uuid": uuid.UUID(int=0)}


def _url_of(name: str, pattern: URLPattern) -> str:
    """A URL for the pattern with made-up arguments: enough to ask who may open it."""
    kwargs = {
        key: _PLACEHOLDERS.get(type(converter).__name__.removesuffix("Converter").lower(), "x")
        for key, converter in pattern.pattern.converters.items()
    }
    return reverse(name, kwargs=kwargs)


def _get_patterns() -> dict[str, URLPattern]:
    """Every GET-able page under a language prefix, by view name."""
    found: dict[str, URLPattern] = {}

    def walk(patterns: list[object], namespace: str, localised: bool) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
                prefixed = localised or type(pattern.pattern).__name__ == "LocalePrefixPattern"
                walk(pattern.url_patterns, inner, prefixed)
            elif isinstance(pattern, URLPattern) and pattern.name and localised:
                methods = allowed_methods(pattern.callback)
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if (methods is None or "GET" in methods) and namespace not in SKIPPED_NAMESPACES:
                    found[name] = pattern

    walk(get_resolver().url_patterns, "", False)
    return found


def staff_pages(client: Client) -> set[str]:
    """The GET-able pages that send a visitor who is not signed in to the sign-in page."""
    sign_in = reverse("accounts:sign_in")
    staff = set()
    for name, pattern in _get_patterns().items():
        response = client.get(_url_of(name, pattern))
        if response.status_code == 302 and response["Location"].startswith(sign_in):
            staff.add(name)
    return staff


def test_the_staff_pages_are_found_in_the_urlconf(crawl):
    assert {"cases:case_detail", "helpline:queue", "hotline:item_list", "accounts:home"} <= crawl.staff_pages
    # Visitors' pages and POST-only views are not staff pages to crawl.
    assert not {"intake:report", "public:home", "accounts:sign_in", "cases:status_change"} & crawl.staff_pages


def test_every_staff_page_is_reached_by_some_demo_account(crawl):
    missed = sorted(crawl.staff_pages - set(crawl.reached) - set(NOT_REACHED))
    assert not missed, (
        "no demo account reaches these staff pages by following links: link them from a page, "
        f"add demo data that shows them, or list them in NOT_REACHED with the reason: {missed}"
    )
    stale = sorted(set(NOT_REACHED) & set(crawl.reached))
    assert not stale, f"these pages are reached now; take them off NOT_REACHED: {stale}"
    unknown = sorted(set(NOT_REACHED) - crawl.staff_pages)
    assert not unknown, f"NOT_REACHED names pages that are not staff pages (any more): {unknown}"
