"""CHI figures: counts of a hand-built month, small-cell suppression, who may download them, the audit."""

import csv
import io
from datetime import datetime

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditAction, AuditEvent
from childshield.helpline import selectors
from childshield.helpline.figures import Cell, Period, suppress
from childshield.helpline.models import Category
from childshield.helpline.services.contacts import ContactDetails, contact_log, contact_log_quick

pytestmark = pytest.mark.django_db

MARCH = timezone.make_aware(datetime(2026, 3, 10, 12, 0))
APRIL = timezone.make_aware(datetime(2026, 4, 2, 9, 0))


def _log(acting, channel, gender, age_band, codes, started_at=MARCH):
    contact_log(
        acting=acting,
        details=ContactDetails(
            channel=channel,
            gender=gender,
            age_band=age_band,
            categories=list(Category.objects.filter(code__in=codes)),
            summary="Made up for a test.",
            started_at=started_at,
        ),
    )


@pytest.fixture
def march(counsellor, make_member):
    """Five counselling and six one-click contacts in March 2026, one in April, one of another helpline."""
    _log(counsellor, "phone", "girl", "13_15", ["online.sextortion", "mental_health.anxiety"])
    _log(counsellor, "phone", "girl", "13_15", ["online.sextortion"])
    _log(counsellor, "chat", "boy", "16_17", ["online.grooming", "online.sextortion"])
    _log(counsellor, "chat", "another", "unknown", ["bullying"])
    _log(counsellor, "sms", "unknown", "10_12", ["violence.physical"])
    for channel, kind in [("phone", "silent")] * 3 + [("phone", "hang_up")] * 2 + [("chat", "thank_you")]:
        contact_log_quick(acting=counsellor, channel=channel, kind=kind, started_at=MARCH)
    _log(counsellor, "phone", "girl", "7_9", ["family"], started_at=APRIL)
    other = Agency.objects.create(country="VN", name="Another helpline", kind=AgencyKind.HELPLINE)
    stranger = make_member(email="stranger@example.org", role=Role.COUNSELLOR, agency=other)
    _log(stranger, "phone", "boy", "13_15", ["bullying"])


def _table(text: str) -> dict[tuple[str, str], str]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return {(row["table"], row["item"]): row["value"] for row in rows}


def test_the_csv_of_a_month_matches_the_hand_counted_totals(march, supervisor, settings):
    settings.FIGURES_SUPPRESS_BELOW = 0
    text = selectors.figures_export(acting=supervisor, period=Period(2026, 3))
    assert text.splitlines()[0] == "period,table,item,label,value"
    assert text.splitlines()[1] == "2026-03,contact_type,total,Total,11"
    values = _table(text)
    expected = {
        ("contact_type", "counselling"): "5",
        ("contact_type", "silent"): "3",
        ("contact_type", "hang_up"): "2",
        ("contact_type", "wrong_number"): "0",
        ("contact_type", "prank"): "0",
        ("contact_type", "thank_you"): "1",
        ("channel", "total"): "11",
        ("channel", "phone"): "7",
        ("channel", "chat"): "3",
        ("channel", "sms"): "1",
        ("channel", "email"): "0",
        ("gender", "total"): "5",
        ("gender", "girl"): "2",
        ("gender", "boy"): "1",
        ("gender", "another"): "1",
        ("gender", "unknown"): "1",
        ("age_band", "13_15"): "2",
        ("age_band", "16_17"): "1",
        ("age_band", "10_12"): "1",
        ("age_band", "unknown"): "1",
        ("age_band", "7_9"): "0",
        ("category", "total"): "5",
        ("category", "online"): "3",
        ("category", "mental_health"): "1",
        ("category", "bullying"): "1",
        ("category", "violence"): "1",
        ("category", "family"): "0",
        ("category.online", "total"): "3",
        ("category.online", "online.sextortion"): "3",
        ("category.online", "online.grooming"): "1",
        ("category.online", "online.images_shared"): "0",
        ("category.mental_health", "mental_health.anxiety"): "1",
    }
    assert {key: values[key] for key in expected} == expected
    assert "Non-binary" in text

    year = _table(selectors.figures_export(acting=supervisor, period=Period(2026)))
    assert year["contact_type", "total"] == "12"
    assert year["category", "family"] == "1"


def test_small_counts_are_shown_as_under_five_and_cannot_be_recovered_from_the_total(march, supervisor):
    values = _table(selectors.figures_export(acting=supervisor, period=Period(2026, 3)))
    # 11 contacts: counselling 5 is shown; silent 3, hang-up 2, thank-you 1 and the zeros are "<5".
    assert values["contact_type", "total"] == "11"
    assert values["contact_type", "counselling"] == "5"
    assert values["contact_type", "silent"] == "<5"
    assert values["contact_type", "thank_you"] == "<5"
    # Phone 7 is the only large channel: alone it would give chat + sms + the rest = 4, so it is hidden.
    assert values["channel", "phone"] == "[c]"
    assert values["channel", "chat"] == "<5"
    assert values["gender", "girl"] == "<5"
    assert "2" not in {values["gender", item] for item in ["girl", "boy", "another", "unknown"]}


def test_one_small_cell_is_always_hidden_with_another():
    cells = [Cell("a", "A", 3), Cell("b", "B", 10), Cell("c", "C", 20)]
    total = Cell("total", "Total", 33)
    suppress(cells, total, below=5)
    assert [cell.shown for cell in cells] == ["<5", "[c]", "20"]
    assert total.shown == "33"


def test_small_cells_that_add_up_to_less_than_the_threshold_take_another_with_them():
    cells = [Cell("a", "A", 1), Cell("b", "B", 2), Cell("c", "C", 40), Cell("d", "D", 50)]
    suppress(cells, Cell("total", "Total", 93), below=5)
    assert [cell.shown for cell in cells] == ["<5", "<5", "[c]", "50"]

    cells = [Cell("a", "A", 2), Cell("b", "B", 3), Cell("c", "C", 40)]
    suppress(cells, Cell("total", "Total", 45), below=5)
    assert [cell.shown for cell in cells] == ["<5", "<5", "40"]


def test_the_threshold_is_a_setting(march, supervisor, settings):
    settings.FIGURES_SUPPRESS_BELOW = 10
    values = _table(selectors.figures_export(acting=supervisor, period=Period(2026, 3)))
    assert values["contact_type", "counselling"] == "<10"
    assert values["gender", "total"] == "<10"


def test_a_supervisor_downloads_the_figures_and_the_export_is_audited(march, supervisor, sign_in):
    client = sign_in(supervisor)
    page = client.get("/en/helpline/figures/").content.decode()
    this_month = timezone.localdate().strftime("%Y-%m")
    assert f'href="/en/helpline/figures/{this_month}.csv"' in page
    assert f'href="/en/helpline/figures/{timezone.localdate().year}.csv"' in page
    response = client.get("/en/helpline/figures/2026-03.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="helpline-figures-2026-03.csv"' in response["Content-Disposition"]
    assert response.content.decode().splitlines()[1] == "2026-03,contact_type,total,Total,11"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor_id == str(supervisor.user.pk) and event.reason == "CHI figures 2026-03"
    assert client.get("/en/helpline/figures/2026-13.csv").status_code == 404


def test_a_counsellor_cannot_download_the_figures(counsellor, sign_in):
    client = sign_in(counsellor)
    assert client.get("/en/helpline/figures/").status_code == 403
    assert client.get("/en/helpline/figures/2026-03.csv").status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
