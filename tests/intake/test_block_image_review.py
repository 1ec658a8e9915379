"""The hotline's review of children's hashes: who may decide, what accepting and rejecting do, the
sharing rule only a lead may change, and an audit line for each reading and decision."""

import json

import pytest
from django.test import Client

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditEvent
from childshield.hashing.models import BankSource, HashEntry
from childshield.intake import services
from childshield.intake.models import BlockedImage, BlockedImageState, SelfSubmittedPolicy
from tests.intake.conftest import form_token
from tests.intake.test_block_image import picture

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline(db: None) -> Agency:
    return Agency.objects.create(country="VN", name="National Hotline (test)", kind=AgencyKind.HOTLINE)


@pytest.fixture
def analyst(make_member, hotline):
    return make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)


@pytest.fixture
def lead(make_member, hotline):
    return make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)


def _child_sends(files: list[dict[str, object]]) -> None:
    child = Client()
    token = form_token(child.get("/en/block-image/").content.decode())
    response = child.post(
        "/en/block-image/", {"hashes": json.dumps(files), "form_token": token, "contact_method": "none"}
    )
    assert response.status_code == 200 and "data-reference" in response.content.decode()


def _file_key() -> str:
    image = BlockedImage.objects.order_by("pk").first()
    return f"{image.report_id}-{image.file_number}"


def test_an_analyst_sees_the_waiting_hashes_and_the_reading_is_audited(sign_in, analyst, hotline):
    files = [picture("one"), picture("two", kind="video")]
    _child_sends(files)
    html = sign_in(analyst).get("/en/blocked-images/").content.decode()
    for item in files:
        assert str(item["sha256"]) in html
    assert html.count('name="decision" value="accept"') == 2
    assert AuditEvent.objects.filter(object_type="intake.BlockedImage", action="view").exists()


def test_accepting_a_file_puts_its_hashes_in_the_self_submitted_bank(
    sign_in, analyst, hotline, django_capture_on_commit_callbacks
):
    item = picture("one")
    _child_sends([item, picture("two")])
    client = sign_in(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/blocked-images/", {"file": _file_key(), "decision": "accept"})
    assert response.status_code == 302
    entries = HashEntry.objects.filter(bank__owner=hotline, bank__source=BankSource.SELF_SUBMITTED)
    assert {(e.algorithm, e.value) for e in entries} == {(a, item[a]) for a in ("pdq", "md5", "sha256")}
    assert {e.added_by for e in entries} == {analyst.user}
    accepted = BlockedImage.objects.filter(state=BlockedImageState.ACCEPTED)
    assert accepted.count() == 3 and {i.reviewed_by for i in accepted} == {analyst}
    assert BlockedImage.objects.filter(state=BlockedImageState.PENDING).count() == 3
    assert AuditEvent.objects.filter(object_type="intake.BlockedImage", action="update").count() == 3


def test_rejecting_a_file_shares_nothing(sign_in, analyst, hotline):
    _child_sends([picture("one")])
    sign_in(analyst).post("/en/blocked-images/", {"file": _file_key(), "decision": "reject"})
    assert not HashEntry.objects.exists()
    assert set(BlockedImage.objects.values_list("state", flat=True)) == {BlockedImageState.REJECTED}


def test_a_decided_file_cannot_be_decided_again(sign_in, analyst, hotline):
    _child_sends([picture("one")])
    client = sign_in(analyst)
    key = _file_key()
    client.post("/en/blocked-images/", {"file": key, "decision": "reject"})
    response = client.post("/en/blocked-images/", {"file": key, "decision": "accept"})
    assert response.status_code == 404
    assert not HashEntry.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.COUNSELLOR, Role.HELPLINE_SUPERVISOR, Role.CASE_WORKER, Role.SYSTEM_ADMIN]
)
def test_other_roles_cannot_review(make_member, sign_in, hotline, role):
    helpline = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    member = make_member(email="other@example.org", role=role, agency=helpline)
    _child_sends([picture("one")])
    client = sign_in(member)
    assert client.get("/en/blocked-images/").status_code == 403
    assert client.post("/en/blocked-images/", {"file": _file_key(), "decision": "accept"}).status_code == 403
    assert not HashEntry.objects.exists()


def test_an_analyst_outside_a_hotline_agency_cannot_review(make_member, sign_in, hotline):
    police = Agency.objects.create(country="VN", name="Police (test)", kind=AgencyKind.POLICE)
    member = make_member(email="odd@example.org", role=Role.HOTLINE_ANALYST, agency=police)
    assert sign_in(member).get("/en/blocked-images/").status_code == 403


def test_another_countrys_hotline_neither_sees_nor_decides(make_member, sign_in, hotline):
    _child_sends([picture("one")])
    partner = Agency.objects.create(country="KH", name="Partner Hotline (test)", kind=AgencyKind.HOTLINE)
    other = make_member(email="kh@example.org", role=Role.HOTLINE_ANALYST, agency=partner)
    client = sign_in(other)
    item_sha = BlockedImage.objects.get(algorithm="sha256").value
    assert item_sha not in client.get("/en/blocked-images/").content.decode()
    assert client.post("/en/blocked-images/", {"file": _file_key(), "decision": "accept"}).status_code == 404


def test_hashes_that_came_before_the_country_had_a_hotline_go_to_the_first_one_that_decides(
    make_member, sign_in
):
    _child_sends([picture("one")])
    assert BlockedImage.objects.filter(hotline__isnull=True).count() == 3
    hotline = Agency.objects.create(country="VN", name="New Hotline (test)", kind=AgencyKind.HOTLINE)
    analyst = make_member(email="new@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    sign_in(analyst).post("/en/blocked-images/", {"file": _file_key(), "decision": "accept"})
    assert set(BlockedImage.objects.values_list("hotline", flat=True)) == {hotline.pk}
    assert HashEntry.objects.filter(bank__owner=hotline).count() == 3


def test_a_lead_switches_sharing_at_once_and_an_analyst_cannot(sign_in, client, lead, analyst, hotline):
    assert sign_in(analyst).post("/en/blocked-images/policy/", {"share_at_once": "yes"}).status_code == 403
    client.logout()
    lead_client = sign_in(lead)
    assert 'value="yes"' in lead_client.get("/en/blocked-images/").content.decode()
    lead_client.post("/en/blocked-images/policy/", {"share_at_once": "yes"})
    assert SelfSubmittedPolicy.objects.get(agency=hotline).share_at_once
    assert AuditEvent.objects.filter(object_type="intake.SelfSubmittedPolicy", action="update").exists()
    _child_sends([picture("one")])
    assert HashEntry.objects.filter(bank__owner=hotline).count() == 3
    lead_client.post("/en/blocked-images/policy/", {"share_at_once": "no"})
    assert not SelfSubmittedPolicy.objects.get(agency=hotline).share_at_once


def test_the_review_page_is_in_the_navigation_of_hotline_staff_only(sign_in, analyst, client, counsellor):
    assert 'href="/en/blocked-images/"' in sign_in(analyst).get("/en/account/").content.decode()
    client.logout()
    assert 'href="/en/blocked-images/"' not in sign_in(counsellor).get("/en/account/").content.decode()


def test_the_service_refuses_hashes_of_another_country(make_member, hotline):
    _child_sends([picture("one")])
    partner = Agency.objects.create(country="KH", name="Partner Hotline (test)", kind=AgencyKind.HOTLINE)
    other = make_member(email="kh@example.org", role=Role.HOTLINE_ANALYST, agency=partner)
    with pytest.raises(services.ApplicationError):
        services.blocked_images_decide(acting=other, images=list(BlockedImage.objects.all()), accept=True)


def test_a_staff_reply_sent_twice_with_the_same_form_adds_one_message(sign_in, counsellor, client):
    _child_sends([picture("one")])
    report = services.Report.objects.get()
    staff = sign_in(counsellor)
    page = staff.get(f"/en/reports/{report.reference}/").content.decode()
    token = form_token(page)
    for _ in range(2):
        data = {"body": "We are here.", "form_token": token}
        response = staff.post(f"/en/reports/{report.reference}/", data)
        assert response.status_code == 302
    assert report.messages.count() == 1
    first = services.report_message_from_staff(
        acting=counsellor, report=report, body="Again", idempotency_key="k" * 64
    )
    assert (
        services.report_message_from_staff(
            acting=counsellor, report=report, body="Again", idempotency_key="k" * 64
        )
        == first
    )
    assert report.messages.count() == 2


def test_the_helpline_worker_answering_the_child_sees_how_many_files_wait(sign_in, counsellor):
    _child_sends([picture("one"), picture("two")])
    report = services.Report.objects.get()
    html = sign_in(counsellor).get(f"/en/reports/{report.reference}/").content.decode()
    assert "Files the child asked to block" in html
    assert "2: Waiting for a hotline analyst" in html
    assert str(BlockedImage.objects.first().value) not in html


def test_a_decision_must_be_accept_or_reject(sign_in, analyst, hotline):
    _child_sends([picture("one")])
    response = sign_in(analyst).post("/en/blocked-images/", {"file": _file_key(), "decision": "maybe"})
    assert response.status_code == 400
    assert set(BlockedImage.objects.values_list("state", flat=True)) == {BlockedImageState.PENDING}
