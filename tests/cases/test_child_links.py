"""A child is known only to their agencies: the duplicate check, link requests and their answers."""

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings

from childshield.accounts.models import Agency, Membership, Role
from childshield.audit.models import AuditEvent
from childshield.cases.models import Case, Child, ChildLinkRequest
from childshield.cases.models.children import LinkRequestStatus
from childshield.cases.selectors.opening import duplicate_check
from childshield.cases.services.links import link_ask_from_case, link_request_accept, link_request_decline
from childshield.cases.services.opening import case_open
from childshield.core.errors import ApplicationError
from childshield.outbox.models import OutboxItem
from childshield.places.models import Area
from tests.cases.conftest import child_input
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_supervisor(make_member: Callable[..., Membership], school_agency: Agency) -> Membership:
    return make_member(email="head@example.org", role=Role.CASE_SUPERVISOR, agency=school_agency)


@pytest.fixture
def known(focal_point, open_case):
    """A case at the school: the child the social worker's new case may be about."""
    return open_case(focal_point)


def client_of(membership: Membership) -> Client:
    client = Client()
    response = client.post("/en/account/sign-in/", {"username": membership.user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def open_for(worker, commune, **kwargs):
    return case_open(
        acting=worker,
        child=kwargs.pop("child", None) or child_input(commune, full_name="Nguyen Thi Hoa"),
        risk_level="medium",
        harm_types=["grooming"],
        **kwargs,
    )


def test_the_check_finds_names_in_any_order_without_diacritics_and_a_year_either_side(worker, known, commune):
    def found(name, year):
        check = duplicate_check(acting=worker, name=name, birth_year=year, area=commune)
        return check.elsewhere_count

    assert found("Nguyễn Thị Hoa", 2012) == 1
    assert found("nguyen thi hoa", 2012) == 1  # no diacritics, no capitals
    assert found("Hoa Nguyen Thi", 2012) == 1  # given name first
    assert found("Thị Hoa Nguyễn", 2011) == 1  # and a year earlier
    assert found("Nguyen Thi Hoa", 2013) == 1  # a year later
    assert found("Nguyen Thi Hoa", 2014) == 0  # two years is another child
    assert found("Nguyen Thi Hong", 2012) == 0
    assert found("Nguyen Hoa", 2012) == 0  # a word missing is not the same name


def test_the_check_finds_a_child_recorded_under_the_area_a_merger_replaced(
    worker, focal_point, open_case, commune
):
    merged = Area.objects.create(
        code="VN44-LT-NEW",
        country="VN",
        level=Area.Level.COMMUNE,
        parent=commune.parent,
        name_en="New Kim Thuy",
    )
    old = Area.objects.create(
        code="VN44-LT-OLD",
        country="VN",
        level=Area.Level.COMMUNE,
        parent=commune.parent,
        name_en="Old Thuy",
        valid_to="2025-06-30",
        replaced_by=merged,
    )
    open_case(focal_point, child=child_input(old))

    # Recorded under the old commune; looked for under the commune it was merged into, and back.
    def found(area):
        check = duplicate_check(acting=worker, name="Nguyễn Thị Hoa", birth_year=2012, area=area)
        return check.elsewhere_count

    assert (found(merged), found(old), found(commune)) == (1, 1, 0)


def test_an_opener_elsewhere_learns_nothing_and_cannot_attach_to_the_child(worker, known, commune):
    check = duplicate_check(acting=worker, name="Nguyen Thi Hoa", birth_year=2012, area=commune)
    assert check.known == [] and check.elsewhere_count == 1
    with pytest.raises(ApplicationError) as refused:
        open_for(worker, commune, existing_child=known.child)
    assert refused.value.code == "forbidden"
    assert Case.objects.count() == 1


def test_each_check_is_audited_and_counted_per_member(worker, known, commune):
    before = AuditEvent.objects.filter(object_type="cases.Child", action="view").count()
    with override_settings(CASES_DUPLICATE_CHECKS_PER_HOUR=2):
        duplicate_check(acting=worker, name="Nguyen Thi Hoa", birth_year=2012, area=commune)
        duplicate_check(acting=worker, name="Someone Else", birth_year=2012, area=commune)
        with pytest.raises(ApplicationError) as refused:
            duplicate_check(acting=worker, name="Nguyen Thi Hoa", birth_year=2012, area=commune)
    assert refused.value.code == "rate_limited"
    events = AuditEvent.objects.filter(object_type="cases.Child", action="view").order_by("pk")
    assert [e.reason for e in events[before:]] == [
        "duplicate check: 0 known, 1 elsewhere",
        "duplicate check: 0 known, 0 elsewhere",
    ]
    assert all(e.actor_id == str(worker.user.pk) for e in events[before:])
    cache.clear()


def test_a_focal_point_without_case_opening_cannot_check(make_member, social_agency, commune, known):
    counsellor = make_member(email="reader@example.org", role=Role.PROGRAMME_MANAGER, agency=social_agency)
    with pytest.raises(PermissionDenied):
        duplicate_check(acting=counsellor, name="Nguyen Thi Hoa", birth_year=2012, area=commune)


def test_asking_accepting_links_the_case_to_the_known_child(worker, known, school_supervisor, commune):
    case = open_for(worker, commune, duplicates_acknowledged=True, ask_link=True, link_note="Same school")
    [request] = ChildLinkRequest.objects.all()
    assert (request.case, request.child, request.holding_agency) == (case, known.child, known.agency)
    assert request.note == "Same school" and request.status == LinkRequestStatus.PENDING
    # The school's supervisors hear of it by e-mail, with nothing about the child in it.
    key = f":child-link-{request.pk}-{school_supervisor.pk}"
    [mail] = OutboxItem.objects.filter(idempotency_key__endswith=key)
    assert "Hoa" not in mail.payload["body"] and mail.payload["to"] == ["head@example.org"]
    made = case.child

    link_request_accept(acting=school_supervisor, request=request)
    case.refresh_from_db()
    made.refresh_from_db()
    assert case.child_id == known.child_id
    assert made.merged_into_id == known.child_id  # kept, never found again as a possible duplicate
    assert Child.objects.filter(pk=made.pk).exists()
    again = duplicate_check(acting=worker, name="Nguyen Thi Hoa", birth_year=2012, area=commune)
    assert [k.child for k in again.known] == [known.child] and again.elsewhere_count == 0
    reasons = set(AuditEvent.objects.values_list("reason", flat=True))
    assert {"child link asked", "child link accepted", "case linked to a known child"} <= reasons
    with pytest.raises(ApplicationError, match="already been answered"):
        link_request_accept(acting=school_supervisor, request=request)


def test_declining_needs_a_reason_the_worker_sees_on_the_case(worker, known, school_supervisor, commune):
    case = open_for(worker, commune, duplicates_acknowledged=True, ask_link=True)
    request = ChildLinkRequest.objects.get()
    with pytest.raises(ApplicationError, match="Say why"):
        link_request_decline(acting=school_supervisor, request=request, reason=" ")
    link_request_decline(acting=school_supervisor, request=request, reason="Another girl, older")
    page = client_of(worker).get(f"/en/cases/{case.pk}/").content.decode()
    start = page.index("data-link-requests")
    links = page[start : page.index("</section>", start)]
    assert 'data-link-request="declined"' in links and "Another girl, older" in links
    # Never which agency was asked (it is on the page only among the agencies a service may name).
    assert known.agency.name not in links and f"/cases/{known.pk}/" not in page
    with pytest.raises(ApplicationError, match="already been answered"):
        link_request_decline(acting=school_supervisor, request=request, reason="again")


def test_only_a_supervisor_of_the_agency_asked_may_read_or_answer(
    worker, known, school_supervisor, supervisor, focal_point, commune
):
    open_for(worker, commune, duplicates_acknowledged=True, ask_link=True)
    request = ChildLinkRequest.objects.get()
    # The social office's own supervisor: another agency, 404; the school's focal point: no permission.
    assert client_of(supervisor).get(f"/en/cases/links/{request.pk}/").status_code == 404
    assert client_of(focal_point).get(f"/en/cases/links/{request.pk}/").status_code == 403
    with pytest.raises(ApplicationError, match="Only the agency asked"):
        link_request_accept(acting=supervisor, request=request)
    page = client_of(school_supervisor).get(f"/en/cases/links/{request.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nguyen Thi Hoa" in text and known.number in text  # the two records, to compare
    assert AuditEvent.objects.filter(reason="child link read", object_id=str(request.pk)).count() == 1


def test_the_supervisor_answers_through_the_pages(worker, known, school_supervisor, commune):
    open_for(worker, commune, duplicates_acknowledged=True, ask_link=True)
    request = ChildLinkRequest.objects.get()
    client = client_of(school_supervisor)
    home = client.get("/en/cases/").content.decode()
    assert "data-link-requests-waiting" in home and "1 request to link" in home
    assert f"/en/cases/links/{request.pk}/" in client.get("/en/cases/links/").content.decode()
    refused = client.post(f"/en/cases/links/{request.pk}/", {"answer": "decline", "reason": ""})
    assert refused.status_code == 400 and "Say why you decline" in refused.content.decode()
    done = client.post(f"/en/cases/links/{request.pk}/", {"answer": "accept"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == LinkRequestStatus.ACCEPTED
    again = client.post(f"/en/cases/links/{request.pk}/", {"answer": "accept"})
    assert again.status_code == 409 and "already been answered" in again.content.decode()


def test_a_link_for_a_child_already_linked_is_refused(worker, known, school_supervisor, commune):
    case = open_for(worker, commune, duplicates_acknowledged=True, ask_link=True)
    first = ChildLinkRequest.objects.get()
    # A second request for the same case and child while the first waits
    with pytest.raises(ApplicationError, match="already been asked"):
        link_ask_from_case(acting=worker, case=case)
    link_request_accept(acting=school_supervisor, request=first)
    case.refresh_from_db()
    # The case now concerns the known child: asking again finds nobody else to ask.
    with pytest.raises(ApplicationError, match="nothing to ask"):
        link_ask_from_case(acting=worker, case=case)
    stray = ChildLinkRequest.objects.create(
        case=case, child=known.child, holding_agency=known.agency, requested_by=worker
    )
    with pytest.raises(ApplicationError, match="already concerns that child"):
        link_request_accept(acting=school_supervisor, request=stray)


def test_the_worker_can_ask_from_the_case_page_later(worker, known, school_supervisor, commune):
    case = open_for(worker, commune, duplicates_acknowledged=True)
    assert not ChildLinkRequest.objects.exists()
    client = client_of(worker)
    page = client.get(f"/en/cases/{case.pk}/").content.decode()
    assert "Ask other agencies whether they know this child" in page
    response = client.post(f"/en/cases/{case.pk}/link/", {"link-note": "Her caregiver is Nam"})
    assert response.status_code == 302
    request = ChildLinkRequest.objects.get()
    assert (request.child, request.note) == (known.child, "Her caregiver is Nam")


def test_asking_when_no_other_agency_knows_the_child_is_refused(worker, commune):
    with pytest.raises(ApplicationError, match="nothing to ask"):
        open_for(worker, commune, duplicates_acknowledged=True, ask_link=True)
    assert not Case.objects.exists()
