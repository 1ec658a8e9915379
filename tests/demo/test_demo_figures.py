"""The demo's synthetic figures: enough records for the national figures to show, kept out of the demo
accounts' own queue and case lists, and seeded once.

The demo is seeded once for this module (the `demo` fixture); each test sees it fresh."""

import html
import re

import pytest

from childshield.accounts.models import Membership
from childshield.cases.models import Case
from childshield.demo.figures import REPORT_KEY_PREFIX, demo_figures_seed
from childshield.demo.figures_cases import OFFICE_NAME
from childshield.helpline.models import Contact
from childshield.hotline.models import ContentItem
from childshield.intake.models import Report
from childshield.settings.demo_secrets import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

DEMO_FIGURES = True  # tests/conftest.py: this module's demo is seeded with its figures

TABLE = re.compile(r'<div class="table-wrap figure-table".*?</div>', re.DOTALL)
SHOWN = re.compile(r'<th scope="row">[^<]*</th><td>([^<]*)</td>')
SEVERAL_ROWS = "A record may count in several rows"


def _signed_in(client, email: str):
    response = client.post("/en/account/sign-in/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def _counts() -> tuple[int, ...]:
    return (
        Report.objects.count(),
        Contact.objects.count(),
        Case.objects.count(),
        ContentItem.objects.count(),
    )


def test_seeding_the_figures_again_adds_nothing(demo):
    before = _counts()
    assert before[0] > 3000 and before[1] > 8000 and before[2] > 1200 and before[3] > 600
    made = demo_figures_seed()
    assert made.total == 0
    assert _counts() == before


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
