"""The helpline's CHI submission: exact counts of a hand-built month, marked confidential, who may download
it, the audit; and the suppression the version for publication applies (tests/insights/)."""

import pytest
from django.utils import timezone

from childshield.audit.models import AuditAction, AuditEvent
from childshield.core.periods import Period
from childshield.helpline import selectors
from childshield.helpline.figures import Cell, suppress
from tests.helpline.conftest import chi_file, chi_values

pytestmark = pytest.mark.django_db


def test_the_csv_of_a_month_matches_the_hand_counted_totals(march, supervisor):
    text = selectors.figures_export(acting=supervisor, period=Period(2026, 3))
    assert text.splitlines()[1] == "period,table,item,label,value"
    assert text.splitlines()[2] == "2026-03,contact_type,total,Total,11"
    values = chi_values(text)
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

    year = chi_values(selectors.figures_export(acting=supervisor, period=Period(2026)))
    assert year["contact_type", "total"] == "12"
    assert year["category", "family"] == "1"


def test_the_export_keeps_every_small_count_exact_whatever_the_threshold(march, supervisor, settings):
    settings.FIGURES_SUPPRESS_BELOW = 10
    values = chi_values(selectors.figures_export(acting=supervisor, period=Period(2026, 3)))
    # What the version for publication shows as "<10" or hides: CHI is sent the counts themselves.
    assert values["contact_type", "counselling"] == "5"
    assert values["contact_type", "thank_you"] == "1"
    assert values["channel", "phone"] == "7"
    assert values["gender", "girl"] == "2"
    assert not any(value.startswith("<") or value == "[c]" for value in values.values())


def test_the_file_says_in_its_first_row_that_it_is_confidential(march, supervisor):
    marking, rows = chi_file(selectors.figures_export(acting=supervisor, period=Period(2026, 3)))
    assert marking.startswith("CONFIDENTIAL: exact counts")
    assert "Do not publish" in marking
    assert rows[0]["table"] == "contact_type"


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


def test_a_supervisor_downloads_the_confidential_figures_and_the_export_is_audited(
    march, supervisor, sign_in
):
    client = sign_in(supervisor)
    page = client.get("/en/helpline/figures/").content.decode()
    this_month = timezone.localdate().strftime("%Y-%m")
    assert f'href="/en/helpline/figures/{this_month}.csv"' in page
    assert f'href="/en/helpline/figures/{timezone.localdate().year}.csv"' in page
    assert "exact counts" in page and "Confidential." in page
    assert "submission to Child Helpline International (CHI) only: do not publish them" in page
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

    response = client.get("/en/helpline/figures/2026-03.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="helpline-figures-2026-03-confidential.csv"' in response["Content-Disposition"]
    marking, _rows = chi_file(response.content.decode())
    assert marking.startswith("CONFIDENTIAL")
    assert chi_values(response.content.decode())["gender", "girl"] == "2"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor_id == str(supervisor.user.pk)
    assert event.agency_id == str(supervisor.agency.pk)
    assert event.reason == "CHI figures 2026-03, exact counts (confidential)"
    assert client.get("/en/helpline/figures/2026-13.csv").status_code == 404
    # CHI counts by month and year: a quarter is no CHI period, and the page offers none.
    assert client.get("/en/helpline/figures/2026-Q1.csv").status_code == 404
    assert "-Q" not in page


def test_the_marking_is_in_the_language_of_the_person_downloading(march, supervisor, sign_in):
    client = sign_in(supervisor, language="vi")
    marking, _rows = chi_file(client.get("/vi/helpline/figures/2026-03.csv").content.decode())
    assert marking.startswith("MẬT")


def test_a_counsellor_cannot_download_the_figures(counsellor, sign_in):
    client = sign_in(counsellor)
    assert client.get("/en/helpline/figures/").status_code == 403
    assert client.get("/en/helpline/figures/2026-03.csv").status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
