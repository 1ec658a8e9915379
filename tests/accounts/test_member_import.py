"""Importing members from a CSV file: a preview of every line and its problems, then all or nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from childshield.accounts.models import Membership, Role, User
from childshield.accounts.services import membership_create
from childshield.audit.models import AuditAction, AuditEvent
from childshield.outbox.models import OutboxItem

pytestmark = pytest.mark.django_db

URL = "/en/account/members/import/"


@pytest.fixture
def agency_admin(make_member, social_agency):
    return make_member(email="admin@example.org", role=Role.AGENCY_ADMIN, agency=social_agency)


def _csv(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("members.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def _upload(client, *lines: str):
    return client.post(URL, {"file": _csv(*lines)})


def _line(html: str, number: int) -> str:
    """The preview's row for one line of the file."""
    return re.search(rf'<tr data-line="{number}">(.*?)</tr>', html, re.S).group(1)


def _digest(html: str) -> str:
    return re.search(r'name="digest" value="([0-9a-f]{64})"', html).group(1)


def _written() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.filter(action=AuditAction.CREATE).count(),
        OutboxItem.objects.count(),
    )


def test_the_preview_lists_each_problem_by_line_and_writes_nothing(
    client, sign_in, agency_admin, worker, outsider_agency
):
    sign_in(agency_admin)
    own = agency_admin.agency.short_code
    before = _written()
    response = _upload(
        client,
        "email,full_name,agency,role,languages",
        f"new.one@example.org,New One,{own},case_worker,vi",
        "new.two@example.org,New Two,NOPE,case_worker,",
        f"new.three@example.org,New Three,{own},juggler,",
        f"new.four@example.org,New Four,{own},system_admin,",
        f"new.five@example.org,New Five,{outsider_agency.short_code},case_worker,",
        f"not-an-address,Six,{own},case_worker,",
        f"{worker.user.email},,{own},case_worker,",
        f"new.six@example.org,New Six,{own},Case supervisor,xx",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "New person, invited by e-mail" in _line(html, 2)
    assert "Problems" in html and "errorlist" not in _line(html, 2)
    assert "No agency has the short code NOPE" in _line(html, 3)
    assert "is not a role" in _line(html, 4)
    assert "You cannot give the role" in _line(html, 5)
    assert "only to your own agency" in _line(html, 6)
    assert "is not an e-mail address" in _line(html, 7)
    assert "already has that role in this agency" in _line(html, 8)
    assert "Already has it" in _line(html, 8)
    # The English label is read as the role; an unknown language code is a problem.
    assert "Case supervisor" in _line(html, 9) and "Unknown language code: xx" in _line(html, 9)
    assert "nothing is imported" in html
    assert 'name="digest"' not in html
    assert _written() == before


def test_the_same_member_twice_is_reported_on_both_lines(client, sign_in, agency_admin):
    sign_in(agency_admin)
    own = agency_admin.agency.short_code
    html = _upload(
        client,
        "email,full_name,agency,role",
        f"twice@example.org,Twice,{own},case_worker",
        f"other@example.org,Other,{own},case_worker",
        f"TWICE@example.org,Twice,{own},Case worker",
    ).content.decode()
    assert "Line 4 repeats this member." in _line(html, 2)
    assert "This member is on line 2 already." in _line(html, 4)
    assert "errorlist" not in _line(html, 3)
    assert not User.objects.filter(email__in=["twice@example.org", "other@example.org"]).exists()


def test_import_applies_the_previewed_file_and_queues_one_invitation_per_new_person(
    client, sign_in, agency_admin, worker, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(agency_admin)
    own = agency_admin.agency.short_code
    preview = _upload(
        client,
        "E-mail;Full name;Agency;Role;Languages",
        f"first@example.org;First Person;{own};case_worker;vi en",
        f"first@example.org;First Person;{own};focal_point;",
        f"{worker.user.email};;{own};case_supervisor;",
    ).content.decode()
    assert "New people: 1; new roles for people already here: 1" in preview
    assert "New role for a person already here" in _line(preview, 4)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"digest": _digest(preview)})
    assert response.status_code == 302
    first = User.objects.get(email="first@example.org")
    assert first.full_name == "First Person" and first.languages == ["vi", "en"]
    assert not first.has_usable_password()
    assert set(first.memberships.values_list("role", flat=True)) == {Role.CASE_WORKER, Role.FOCAL_POINT}
    assert Membership.objects.filter(user=worker.user, role=Role.CASE_SUPERVISOR, is_active=True).exists()
    assert (
        AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="accounts.Membership").count() == 3
    )
    # One invitation for the one new person, through the outbox; the existing person gets none.
    assert [message.to for message in mailoutbox] == [["first@example.org"]]
    assert "/en/account/invitation/" in mailoutbox[0].body
    # The file is used up: importing it again is refused.
    again = client.post(URL, {"digest": _digest(preview)}, follow=True).content.decode()
    assert "Upload the file again" in again
    assert Membership.objects.filter(user=first).count() == 2


def test_a_file_changed_between_preview_and_import_is_refused(client, sign_in, agency_admin):
    sign_in(agency_admin)
    own = agency_admin.agency.short_code
    checked = _upload(
        client, "email,full_name,agency,role", f"a@example.org,A,{own},case_worker"
    ).content.decode()
    # Another upload (another tab) replaces the file held for the import.
    _upload(client, "email,full_name,agency,role", f"b@example.org,B,{own},hotline_lead")
    before = _written()
    response = client.post(URL, {"digest": _digest(checked)}, follow=True)
    assert "This is not the file you checked" in response.content.decode()
    assert _written() == before


def test_members_added_meanwhile_make_the_import_refused_whole(client, sign_in, agency_admin, rf):
    sign_in(agency_admin)
    own = agency_admin.agency.short_code
    preview = _upload(
        client,
        "email,full_name,agency,role",
        f"c@example.org,C,{own},case_worker",
        f"d@example.org,D,{own},case_worker",
    ).content.decode()
    membership_create(
        acting=agency_admin,
        agency=agency_admin.agency,
        email="d@example.org",
        full_name="D",
        role=Role.CASE_WORKER,
        request=rf.get("/"),
    )
    before = _written()
    html = client.post(URL, {"digest": _digest(preview)}).content.decode()
    assert "The members changed since the preview" in html
    assert "already has that role in this agency" in _line(html, 3)
    assert _written() == before
    assert not User.objects.filter(email="c@example.org").exists()


def test_the_template_file_names_the_columns_and_the_admins_agency(client, sign_in, agency_admin):
    sign_in(agency_admin)
    response = client.get(URL + "members.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "email,full_name,agency,role,languages"
    assert f",{agency_admin.agency.short_code},case_worker," in lines[1]


def test_the_template_file_imports_as_it_is(client, sign_in, agency_admin):
    sign_in(agency_admin)
    template = client.get(URL + "members.csv").content
    html = client.post(URL, {"file": SimpleUploadedFile("members.csv", template)}).content.decode()
    assert 'name="digest"' in html


def test_a_file_that_is_not_utf8_is_refused_with_a_way_forward(client, sign_in, agency_admin):
    sign_in(agency_admin)
    upload = SimpleUploadedFile("members.csv", "email,full_name\nnguyễn@example.org".encode("utf-16"))
    html = client.post(URL, {"file": upload}).content.decode()
    assert "CSV UTF-8" in html


def test_members_import_is_for_member_managers_only(client, sign_in, worker):
    sign_in(worker)
    assert client.get(URL).status_code == 403
