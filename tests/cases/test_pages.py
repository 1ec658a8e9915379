"""The case pages as a worker uses them: through the test client, signed in through the real page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.models import Case, Child
from childshield.cases.models.cases import CaseStatus
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.referrals import ReferralStatus
from childshield.cases.services.details import case_update
from childshield.cases.services.follow_ups import followup_add
from childshield.cases.services.referrals import referral_accept, referral_send
from childshield.directory.models import ServiceKind
from tests.cases.conftest import child_input

pytestmark = pytest.mark.django_db


def test_an_outsider_gets_not_found_for_a_case_url(worker, outsider, open_case, sign_in):
    case = open_case(worker)
    client = sign_in(outsider)
    response = client.get(f"/en/cases/{case.pk}/")
    assert response.status_code == 404
    assert "Hoa" not in response.content.decode()
    for path in ("edit/", "refer/", "close/"):
        assert client.get(f"/en/cases/{case.pk}/{path}").status_code == 404
    assert client.post(f"/en/cases/{case.pk}/notes/", {"body": "x"}).status_code == 404


def test_the_lead_worker_reads_the_case_and_the_reading_is_audited(worker, open_case, sign_in):
    case = open_case(worker)
    client = sign_in(worker)
    page = client.get(f"/en/cases/{case.pk}/").content.decode()
    assert "Nguyễn Thị Hoa" in page and "Sextortion" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_type="cases.Case",
        object_id=str(case.pk),
        actor_id=str(worker.user.pk),
    ).exists()


def test_a_referred_agency_sees_only_the_shared_sections(
    focal_point, worker, open_case, social_agency, sign_in
):
    case = open_case(focal_point)
    referral = referral_send(
        acting=focal_point,
        case=case,
        to_agency=social_agency,
        services=[ServiceKind.MHPSS],
        consent=case.consents.get(),
        sections=[ShareSection.HARM],
    )
    referral_accept(acting=worker, referral=referral)
    page = sign_in(worker).get(f"/en/cases/{case.pk}/").content.decode()
    assert "Sextortion" in page
    assert "Hoa" not in page
    assert "0912" not in page
    assert "not shared with your agency" in page
    assert 'id="notes"' not in page


def test_the_case_list_costs_the_same_queries_for_one_case_or_many(worker, open_case, commune, sign_in):
    client = sign_in(worker)
    open_case(worker)
    client.get("/en/cases/list/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/en/cases/list/").status_code == 200
    for index in range(12):
        case = open_case(worker, child=child_input(commune, full_name=f"Child {index}"))
        followup_add(
            acting=worker, case=case, due_on=timezone.localdate() - timedelta(days=1), assignee=worker
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/en/cases/list/")
    assert response.content.decode().count("data-case=") == 13
    assert len(many) == len(few)


def test_the_case_list_finds_a_child_by_name_without_accents(worker, open_case, commune, sign_in):
    open_case(worker)
    open_case(worker, child=child_input(commune, full_name="Trần Văn Bình"))
    page = sign_in(worker).post("/en/cases/list/", {"child_name": "nguyen thi HOA"}).content.decode()
    assert "Nguyễn Thị Hoa" in page and "Bình" not in page


def test_a_name_search_is_posted_and_a_name_in_the_address_is_ignored(worker, open_case, commune, sign_in):
    open_case(worker)
    open_case(worker, child=child_input(commune, full_name="Trần Văn Bình"))
    client = sign_in(worker)
    page = client.get("/en/cases/list/", {"child_name": "binh"}).content.decode()
    assert 'method="post"' in page and page.count("data-case=") == 2
    found = client.post("/en/cases/list/", {"child_name": "binh"}).content.decode()
    assert found.count("data-case=") == 1 and "Trần Văn Bình" in found


def test_the_pages_of_a_name_search_keep_the_name_out_of_the_address(worker, open_case, commune, sign_in):
    for index in range(27):
        open_case(worker, child=child_input(commune, full_name=f"Phạm Thu {index}"))
    client = sign_in(worker)
    first = client.post("/en/cases/list/", {"child_name": "pham thu"}).content.decode()
    assert first.count("data-case=") == 25
    assert 'form="case-search" name="page" value="2"' in first and "child_name=" not in first
    second = client.post("/en/cases/list/", {"child_name": "pham thu", "page": "2"}).content.decode()
    assert second.count("data-case=") == 2


def test_the_case_list_filters_by_risk_status_and_overdue(worker, open_case, commune, sign_in):
    high = open_case(worker, risk_level="high")
    low = open_case(worker, child=child_input(commune, full_name="Lê Cúc"), risk_level="low")
    followup_add(acting=worker, case=low, due_on=timezone.localdate() - timedelta(days=3), assignee=worker)
    client = sign_in(worker)
    assert f'data-case="{high.number}"' in client.get("/en/cases/list/", {"risk": "high"}).content.decode()
    overdue = client.get("/en/cases/list/", {"overdue": "on"}).content.decode()
    assert f'data-case="{low.number}"' in overdue and f'data-case="{high.number}"' not in overdue
    by_number = client.get("/en/cases/list/", {"number": high.number}).content.decode()
    assert by_number.count("data-case=") == 1


def open_form(area, **fields):
    """The case-opening form as a worker fills it in for a girl of the commune."""
    return {
        "sex": "female",
        "gender": "girl",
        "area": area.pk,
        "harm_types": ["grooming"],
        "risk_level": "medium",
        "wg_seeing": "none",
        **fields,
    }


def test_opening_a_case_through_the_form_warns_of_a_possible_duplicate_without_naming_it(
    worker, focal_point, open_case, commune, sign_in
):
    existing = open_case(focal_point)
    client = sign_in(worker)
    form = open_form(commune, full_name="Nguyen Thi Hoa", date_of_birth="2012-03-14")
    response = client.post("/en/cases/open/", form)
    assert response.status_code == 400
    page = response.content.decode()
    hint = page[page.index("data-duplicates") : page.index("</section>", page.index("data-duplicates"))]
    assert "may be known to another agency" in hint and "data-known-elsewhere" in hint
    # Nothing of the other agency's case: not its number, its agency, its status or its child's id
    # (the agency is on the page only as one of every agency consent may name).
    assert existing.number not in page and "Kim Thuy School" not in hint and "(Open)" not in hint
    assert f'value="{existing.child_id}"' not in page and "data-known-child" not in page
    assert Case.objects.count() == 1
    # Naming that child anyway (its id guessed) is refused, and nothing is opened.
    response = client.post("/en/cases/open/", {**form, "same_child": existing.child_id})
    assert response.status_code == 400
    assert "only when you can open one of their cases" in response.content.decode()
    assert Case.objects.count() == 1 and Child.objects.count() == 1


def test_a_child_whose_case_the_opener_can_open_is_shown_and_can_be_chosen(
    worker, open_case, commune, sign_in
):
    existing = open_case(worker)
    client = sign_in(worker)
    # the same names in another order, born a year later
    form = open_form(commune, full_name="Hoa Nguyen Thi", date_of_birth="2013-01-02")
    page = client.post("/en/cases/open/", form).content.decode()
    assert existing.number in page and "data-known-child" in page
    response = client.post("/en/cases/open/", {**form, "same_child": existing.child_id})
    assert response.status_code == 302
    assert Child.objects.count() == 1
    assert Case.objects.filter(lead_worker=worker, child=existing.child).count() == 2


def test_opening_a_case_without_the_childs_assent_keeps_what_was_typed(
    worker, commune, outsider_agency, sign_in
):
    response = sign_in(worker).post(
        "/en/cases/open/",
        {
            "full_name": "Phạm Thu",
            "estimated_age": "13",
            "sex": "female",
            "gender": "girl",
            "area": commune.pk,
            "harm_types": ["sextortion"],
            "risk_level": "high",
            "summary": "Threats on Zalo",
            "record_consent": "on",
            "purpose": "Counselling",
            "consent_agencies": [outsider_agency.pk],
            "sections": ["harm"],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "child&#x27;s own agreement" in page
    assert "Threats on Zalo" in page and 'value="Phạm Thu"' in page
    assert Case.objects.count() == 0


def test_a_stale_edit_is_refused_and_the_typed_text_is_kept(worker, supervisor, open_case, sign_in):
    case = open_case(worker, supervisor=supervisor)
    case_update(
        acting=supervisor,
        case=case,
        version=case.version,
        risk_level="high",
        harm_types=["sextortion"],
        risk_reasons="",
        summary="Supervisor's version",
    )
    response = sign_in(worker).post(
        f"/en/cases/{case.pk}/edit/",
        {
            "version": 1,
            "harm_types": ["grooming"],
            "risk_level": "low",
            "summary": "My careful notes",
            "risk_reasons": "",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this case" in page and "My careful notes" in page
    case.refresh_from_db()
    assert case.summary == "Supervisor's version"


def test_an_illegal_status_change_is_explained(worker, open_case, sign_in):
    case = open_case(worker)
    response = sign_in(worker).post(
        f"/en/cases/{case.pk}/status/", {"version": case.version, "to_status": CaseStatus.FOLLOW_UP}
    )
    assert response.status_code == 400
    assert "cannot go from “Open” to “Follow-up”" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_the_receiving_agency_accepts_from_its_inbox(
    focal_point, worker, supervisor, open_case, social_agency, sign_in
):
    case = open_case(focal_point)
    referral = referral_send(
        acting=focal_point,
        case=case,
        to_agency=social_agency,
        services=[ServiceKind.CASE_MANAGEMENT],
        consent=case.consents.get(),
        sections=[ShareSection.IDENTITY, ShareSection.PROFILE, ShareSection.HARM],
    )
    client = sign_in(worker)
    inbox = client.get("/en/cases/referrals/").content.decode()
    assert f'data-referral="{referral.pk}"' in inbox
    assert "Hoa" not in inbox
    response = client.post(
        f"/en/cases/referrals/{referral.pk}/", {"answer": "accept", "supervisor": supervisor.pk}
    )
    assert response.status_code == 302 and response["Location"] == f"/en/cases/{case.pk}/"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_the_inbox_of_another_agency_does_not_hold_the_referral(
    focal_point, outsider, open_case, social_agency, sign_in
):
    case = open_case(focal_point)
    referral = referral_send(
        acting=focal_point,
        case=case,
        to_agency=social_agency,
        services=[ServiceKind.MHPSS],
        consent=case.consents.get(),
        sections=[ShareSection.HARM],
    )
    client = sign_in(outsider)
    assert client.get(f"/en/cases/referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/en/cases/referrals/{referral.pk}/", {"answer": "accept"}).status_code == 404


def test_an_administrator_does_not_see_the_case_pages_in_the_navigation(system_admin, sign_in):
    page = sign_in(system_admin).get("/en/account/").content.decode()
    assert "/en/cases/list/" not in page
    assert "/en/cases/break-glass/" in page
    assert sign_in(system_admin).get("/en/cases/list/").status_code == 403


def test_the_worker_home_is_in_the_navigation(worker, sign_in):
    page = sign_in(worker).get("/en/cases/").content.decode()
    assert 'href="/en/cases/" aria-current="page"' in page


def test_the_worker_home_costs_the_same_queries_for_one_case_or_many(worker, open_case, commune, sign_in):
    client = sign_in(worker)
    first = open_case(worker, risk_level="high")
    followup_add(acting=worker, case=first, due_on=timezone.localdate(), assignee=worker)
    client.get("/en/cases/")
    with CaptureQueriesContext(connection) as few:
        client.get("/en/cases/")
    for index in range(8):
        case = open_case(worker, child=child_input(commune, full_name=f"Child {index}"), risk_level="high")
        followup_add(acting=worker, case=case, due_on=timezone.localdate(), assignee=worker)
        followup_add(
            acting=worker, case=case, due_on=timezone.localdate() - timedelta(days=2), assignee=worker
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/en/cases/").content.decode()
    assert page.count("data-case=") == 18  # nine high-risk rows and nine of mine
    assert len(many) == len(few)
