"""The demo: every agency kind of the pilot, one account per role, seeded again without change; its
synthetic figures: enough records for the national figures to show, kept out of the demo accounts' own
queue and case lists, and seeded once.

The demo, with its figures, is seeded once for this module (the `demo` fixture: seeding the figures
takes minutes, so every test that reads them is here); each test sees it fresh."""

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command

from childshield.accounts.models import Agency, AgencyKind, Membership, Role, User
from childshield.accounts.navigation import navigation_for
from childshield.cases.models import Case
from childshield.demo.accounts import ACCOUNTS
from childshield.demo.figures import REPORT_KEY_PREFIX
from childshield.demo.figures_cases import OFFICE_NAME
from childshield.helpline.models import Contact
from childshield.hotline.models import ContentItem
from childshield.insights.scope import figures_scope
from childshield.intake.models import Report
from childshield.settings.demo_secrets import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

# `manage.py seed_demo` seeds the figures too: this module's demo has them, so a second seed adds nothing.
DEMO_FIGURES = True  # tests/conftest.py: this module's demo is seeded with its figures

TABLE = re.compile(r'<div class="table-wrap figure-table".*?</div>', re.DOTALL)
SHOWN = re.compile(r'<th scope="row">[^<]*</th><td>([^<]*)</td>')
SEVERAL_ROWS = "A record may count in several rows"
PAIR_ROW = re.compile(r'<tr data-pair="[^"]+"><th scope="row">([^<]+)</th><td>(.*?)</td></tr>')


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_every_agency_kind_of_the_pilot_and_one_account_per_role(demo):
    kinds = set(Agency.objects.values_list("kind", flat=True))
    assert {
        AgencyKind.SCHOOL,
        AgencyKind.SOCIAL_SERVICES,
        AgencyKind.HELPLINE,
        AgencyKind.HOTLINE,
        AgencyKind.HEALTH,
        AgencyKind.POLICE,
        AgencyKind.NGO,
        AgencyKind.PLATFORM,
    } <= kinds
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)


def test_seeding_twice_changes_nothing_and_says_so(demo):
    user = User.objects.get(email="counsellor@demo.childshield.test")
    user.set_password("changed-by-the-person-1")
    user.save()
    counts = (Agency.objects.count(), User.objects.count(), Membership.objects.count())
    records = _records()
    assert records[0] > 3000 and records[1] > 8000 and records[2] > 1200 and records[3] > 600
    output = _seed()
    assert "already there (nothing changed)" in output
    assert (Agency.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    # The figures' thousands of records too.
    assert _records() == records
    assert User.objects.get(pk=user.pk).check_password("changed-by-the-person-1")


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda account: account.email.split("@")[0])
def test_each_demo_account_signs_in_and_sees_the_pages_of_its_role(demo, client, account):
    response = client.post("/en/account/sign-in/", {"username": account.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    home = client.get("/en/account/")
    if len(account.memberships) > 1:
        # Someone in two agencies first chooses which one they act for.
        assert "Choose the agency you act for" in home.content.decode()
        first = Membership.objects.filter(user__email=account.email).order_by("pk").first()
        client.post("/en/account/acting-for/", {"membership": first.pk})
        home = client.get("/en/account/")
    html = home.content.decode()
    membership = home.wsgi_request.membership
    assert membership is not None
    assert f'data-role="{membership.role}"' in html
    for item in navigation_for(membership):
        page = client.get(f"/en/{_path(item.url_name)}")
        assert page.status_code == 200, item.url_name
    hidden = {"accounts:members", "accounts:agencies"} - {
        item.url_name for item in navigation_for(membership)
    }
    for url_name in hidden:
        assert client.get(f"/en/{_path(url_name)}").status_code == 403


def _path(url_name: str) -> str:
    from django.urls import reverse

    return reverse(url_name).split("/", 2)[2]


def test_the_demo_has_a_programme_manager_for_one_province(demo):
    limited = Membership.objects.get(user__email="province.manager@demo.childshield.test")
    national = Membership.objects.get(user__email="programme.manager@demo.childshield.test")
    province = figures_scope(limited).province
    assert province is not None and province.code == "VN45"
    assert figures_scope(national).province is None


def _records() -> tuple[int, ...]:
    return (
        Report.objects.count(),
        Contact.objects.count(),
        Case.objects.count(),
        ContentItem.objects.count(),
    )


def _signed_in(client, email: str):
    response = client.post("/en/account/sign-in/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def test_most_national_figures_of_this_year_are_shown_not_suppressed(demo, client):
    page = _signed_in(client, "programme.manager@demo.childshield.test").get("/en/insights/indicators/")
    assert page.status_code == 200
    tables = TABLE.findall(page.content.decode())
    single = [table for table in tables if SEVERAL_ROWS not in table]
    assert len(tables) > len(single) > 20
    cells = [html.unescape(cell).strip() for table in single for cell in SHOWN.findall(table)]
    numbers = [cell for cell in cells if cell.isdigit()]
    assert set(cells) - set(numbers) <= {"<5", "[c]"}
    assert len(numbers) >= 0.7 * len(cells), f"{len(numbers)} of {len(cells)} cells shown"


def test_the_counsellors_queue_holds_only_the_demos_own_reports(demo, client):
    queue = _signed_in(client, "counsellor@demo.childshield.test").get("/en/helpline/").content.decode()
    figures = Report.objects.filter(idempotency_key__startswith=REPORT_KEY_PREFIX)
    assert figures.count() == 3000
    assert "DEMA-2345" in queue  # the demo's own child, still waiting for an answer
    shown = set(re.findall(r"[A-Z0-9]{4}-[A-Z0-9]{4}", queue))
    assert not shown & {report.display_reference for report in figures}


@pytest.mark.parametrize(
    "email", ["case.worker@demo.childshield.test", "case.supervisor@demo.childshield.test"]
)
def test_the_demo_case_lists_hold_no_figures_case(demo, client, email):
    membership = Membership.objects.filter(user__email=email, agency__name__contains="Lệ Thủy").get()
    client = _signed_in(client, email)
    client.post("/en/account/acting-for/", {"membership": membership.pk})
    page = client.get("/en/cases/list/").content.decode()
    listed = set(re.findall(r'data-case="([^"]+)"', page))
    assert listed, "the demo's own cases are listed"
    offices = [OFFICE_NAME.format(number=number) for number in range(1, 7)]
    figures = set(Case.objects.filter(agency__name__in=offices).values_list("number", flat=True))
    assert len(figures) == 1200
    assert not listed & figures
    assert listed <= set(Case.objects.exclude(agency__name__in=offices).values_list("number", flat=True))


def test_the_demo_refers_its_figures_cases_between_agencies_so_pairs_have_figures(demo, client):
    """Every figures case is referred by its office (social services) to a partner agency (health, an
    NGO, the police; some to two): the pairs of kinds of agency show how many each sent, and a rate
    only where every count it is made of shows — for at least one of them."""
    offices = [OFFICE_NAME.format(number=number) for number in range(1, 7)]
    from childshield.cases.models import Referral

    referred = Referral.objects.filter(from_agency__name__in=offices)
    assert referred.values("case").distinct().count() > 1000
    assert referred.values("from_agency", "to_agency").distinct().count() == 18
    page = _signed_in(client, "programme.manager@demo.childshield.test").get("/en/insights/indicators/")
    table = page.content.decode().split('data-indicator="C12d"', 1)[1].split("</table>", 1)[0]
    rows = {
        html.unescape(name): [html.unescape(cell) for cell in cells.split("</td><td>")]
        for name, cells in PAIR_ROW.findall(table)
    }
    for partner in ("Health", "NGO", "Police"):
        sent, accepted, completed, declined, *_rest, rate, _in_time = rows[f"Social services → {partner}"]
        assert sent.isdigit() and int(sent) > 50
        assert rate.endswith("%") == all(cell.isdigit() for cell in (accepted, completed, declined))
    # The answers are counted per pair for the country, by quarter and year: at least one pair's
    # acceptance rate shows (with every answer a month, or a province, they were all hidden).
    assert any(
        rows[f"Social services → {partner}"][-2].endswith("%") for partner in ("Health", "NGO", "Police")
    )
