"""The printable summary and the case's own audit trail."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.services.break_glass import break_glass_open
from tests.cases.summary_case import CLOSING_NOTE, EVERY_HEADING, FOLLOW_UP, WISHES, case_with_every_section

pytestmark = pytest.mark.django_db


def test_the_printable_summary_names_its_reader_and_is_recorded_as_an_export(worker, open_case, sign_in):
    case = open_case(worker)
    page = sign_in(worker).get(f"/en/cases/{case.pk}/summary/").content.decode()
    assert "Confidential · Test Worker · Commune Social Work Office" in page
    assert "Nguyễn Thị Hoa" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT,
        object_type="cases.Case",
        object_id=str(case.pk),
        actor_id=str(worker.user.pk),
    ).exists()


def test_an_outsider_cannot_print_a_case(worker, outsider, open_case, sign_in):
    case = open_case(worker)
    assert sign_in(outsider).get(f"/en/cases/{case.pk}/summary/").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_lead_worker_sees_who_read_the_case_break_glass_included(
    worker, system_admin, open_case, sign_in
):
    case = open_case(worker)
    break_glass_open(acting=system_admin, case=case, reason="Court order 7/2026 for the hearing")
    page = sign_in(worker).get(f"/en/cases/{case.pk}/").content.decode()
    trail = page[page.index("data-audit-trail") :]
    assert "sysadmin@example.org" in trail and "Court order 7/2026" in trail
    assert "worker@example.org" in trail


@pytest.fixture
def hospital_worker(make_member):
    hospital = Agency.objects.create(country="VN", name="Provincial Hospital (test)", kind=AgencyKind.HEALTH)
    return make_member(email="nurse@example.org", role=Role.CASE_WORKER, agency=hospital)


@pytest.fixture
def full(worker, supervisor, hospital_worker, commune):
    return case_with_every_section(
        worker=worker, supervisor=supervisor, hospital_worker=hospital_worker, area=commune
    ).case


def _headings(page):
    return [part.split("</h2>", 1)[0] for part in page.split("<h2>")[1:]]


def _last_export(case):
    return AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="cases.Case", object_id=str(case.pk)
    ).latest("id")


def test_the_summary_prints_every_section_the_lead_worker_may_see(full, worker, sign_in):
    page = sign_in(worker).get(f"/en/cases/{full.pk}/summary/").content.decode()
    assert _headings(page) == EVERY_HEADING
    for text in ("Lò Thị Mai", "Lò Văn Sơn", "in force", "Provincial Hospital (test)", WISHES, FOLLOW_UP):
        assert text in page
    assert "The child is safe and the plan&#x27;s goals are met" in page and CLOSING_NOTE in page
    # The assessment's answers read as their labels, as on the case page.
    assert 'data-assessment="comprehensive"' in page
    assert _last_export(full).reason == (
        "printable case summary: child,harm,consent,assessments,wishes,services,referrals,follow_ups,closure"
    )


def test_the_reader_chooses_the_sections_and_the_audit_names_them(full, supervisor, sign_in):
    page = (
        sign_in(supervisor)
        .get(f"/en/cases/{full.pk}/summary/?section=consent&section=wishes")
        .content.decode()
    )
    assert _headings(page) == ["Consent", "What the child wants"]
    assert WISHES in page and FOLLOW_UP not in page and "A man met in a game" not in page
    # The form offers every section the reader may see, ticking the chosen ones.
    assert page.count('name="section"') == len(EVERY_HEADING)
    assert page.count(" checked>") == 2
    assert _last_export(full).reason == "printable case summary: consent,wishes"


def test_a_referred_agency_prints_only_what_the_referral_shared(full, hospital_worker, sign_in):
    client = sign_in(hospital_worker)
    page = client.get(f"/en/cases/{full.pk}/summary/").content.decode()
    assert _headings(page) == ["The child", "Service plan", "Referrals"]
    for hidden in ("Lò Thị Mai", "Lò Văn Sơn", WISHES, FOLLOW_UP, CLOSING_NOTE, "A man met in a game"):
        assert hidden not in page
    # Asking for the sections in the URL does not print them.
    asked = "&".join(
        f"section={code}" for code in ("consent", "assessments", "wishes", "follow_ups", "closure", "harm")
    )
    page = client.get(f"/en/cases/{full.pk}/summary/?{asked}").content.decode()
    assert _headings(page) == []
    for hidden in ("Lò Văn Sơn", WISHES, FOLLOW_UP, CLOSING_NOTE, "Purpose:", "in force"):
        assert hidden not in page
    assert _last_export(full).reason == "printable case summary: -"
