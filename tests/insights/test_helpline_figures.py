"""The helplines' CHI figures for publication: the same tables as the helpline's confidential submission,
small counts hidden and the file marked so; who may download them, and for which helplines."""

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditAction, AuditEvent
from childshield.core.periods import Period
from childshield.helpline import selectors as helpline_selectors
from childshield.insights import selectors
from tests.helpline.conftest import chi_file, chi_values, log_contact

pytestmark = pytest.mark.django_db

MARCH = Period(2026, 3)


@pytest.fixture
def helpline_supervisor(make_member, helpline_agency):
    # tests/insights/conftest.py's `supervisor` is the cases' one.
    return make_member(
        email="hl-supervisor@example.org", role=Role.HELPLINE_SUPERVISOR, agency=helpline_agency
    )


@pytest.fixture
def manager(make_member):
    ngo = Agency.objects.create(country="VN", name="Programme NGO", kind=AgencyKind.NGO)
    return make_member(email="manager@example.org", role=Role.PROGRAMME_MANAGER, agency=ngo)


def test_the_published_version_hides_the_small_counts_the_helpline_submits_exactly(
    march, helpline_supervisor
):
    exact_text = helpline_selectors.figures_export(acting=helpline_supervisor, period=MARCH)
    published_text = selectors.helpline_figures_published(acting=helpline_supervisor, period=MARCH)
    exact, published = chi_values(exact_text), chi_values(published_text)
    # Two girls called in March: CHI is told 2, the public "<5".
    assert exact["gender", "girl"] == "2"
    assert published["gender", "girl"] == "<5"
    # The same tables, cell for cell, from the same code; only what is shown differs.
    assert list(exact) == list(published)
    assert exact["contact_type", "total"] == published["contact_type", "total"] == "11"
    confidential, _rows = chi_file(exact_text)
    for_publication, _rows = chi_file(published_text)
    assert confidential.startswith("CONFIDENTIAL")
    assert for_publication.startswith("For publication: small counts hidden.")
    assert "Counts under 5 are shown as “<5”" in for_publication


def test_small_counts_are_shown_as_under_five_and_cannot_be_recovered_from_the_total(
    march, helpline_supervisor
):
    values = chi_values(selectors.helpline_figures_published(acting=helpline_supervisor, period=MARCH))
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


def test_the_threshold_is_a_setting_and_the_file_names_it(march, helpline_supervisor, settings):
    settings.FIGURES_SUPPRESS_BELOW = 10
    text = selectors.helpline_figures_published(acting=helpline_supervisor, period=MARCH)
    values = chi_values(text)
    assert values["contact_type", "counselling"] == "<10"
    assert values["gender", "total"] == "<10"
    marking, _rows = chi_file(text)
    assert "Counts under 10 are shown as “<10”" in marking


def test_a_manager_counts_every_helpline_of_the_country_and_a_supervisor_only_theirs(
    march, manager, helpline_supervisor, make_member
):
    abroad = Agency.objects.create(country="KH", name="Cambodian helpline", kind=AgencyKind.HELPLINE)
    cambodian = make_member(email="kh@example.org", role=Role.COUNSELLOR, agency=abroad)
    log_contact(cambodian, "phone", "boy", "13_15", ["bullying"])
    # The fixture's month: 11 contacts of the helpline and 1 of another helpline of Viet Nam.
    country = chi_values(selectors.helpline_figures_published(acting=manager, period=MARCH))
    own = chi_values(selectors.helpline_figures_published(acting=helpline_supervisor, period=MARCH))
    assert country["contact_type", "total"] == "12"
    assert own["contact_type", "total"] == "11"


def test_a_manager_downloads_the_published_figures_and_the_export_is_audited(march, manager, sign_in):
    client = sign_in(manager)
    page = client.get("/en/insights/helpline-figures/").content.decode()
    this_month = timezone.localdate().strftime("%Y-%m")
    assert f'href="/en/insights/helpline-figures/{this_month}.csv"' in page
    assert f'href="/en/insights/helpline-figures/{timezone.localdate().year}.csv"' in page
    assert "For publication: small counts hidden." in page
    assert "every helpline of your country" in page
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

    response = client.get("/en/insights/helpline-figures/2026-03.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="helpline-figures-2026-03-published.csv"' in response["Content-Disposition"]
    marking, _rows = chi_file(response.content.decode())
    assert marking.startswith("For publication")
    assert chi_values(response.content.decode())["gender", "girl"] == "<5"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor_id == str(manager.user.pk)
    assert event.reason == "CHI figures 2026-03, for publication (small counts hidden)"
    assert client.get("/en/insights/helpline-figures/2026-13.csv").status_code == 404
    assert client.get("/en/insights/helpline-figures/2026-Q1.csv").status_code == 404
    assert "-Q" not in page


def test_a_helpline_supervisor_sees_both_versions_and_a_counsellor_neither(
    helpline_supervisor, counsellor, client, sign_in
):
    sign_in(helpline_supervisor)
    page = client.get("/en/insights/helpline-figures/").content.decode()
    assert "Contacts of your helpline" in page
    assert client.get("/en/insights/helpline-figures/2026.csv").status_code == 200
    assert client.get("/en/helpline/figures/2026.csv").status_code == 200
    client.logout()

    sign_in(counsellor)
    assert client.get("/en/insights/helpline-figures/").status_code == 403
    assert client.get("/en/insights/helpline-figures/2026.csv").status_code == 403
    assert client.get("/en/helpline/figures/2026.csv").status_code == 403


def test_a_manager_may_not_download_the_confidential_export(manager, sign_in):
    client = sign_in(manager)
    assert client.get("/en/helpline/figures/").status_code == 403
    assert client.get("/en/helpline/figures/2026-03.csv").status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
