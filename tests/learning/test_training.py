"""Training records: a session recorded with its attendees and scores, scoped to the agency; bad input
refused with a message and nothing written."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditEvent
from childshield.core.errors import ApplicationError
from childshield.learning.models import Attendance, Course, TrainingSession
from childshield.learning.models.training import CourseTopic, add_months
from childshield.learning.services.training import (
    GuestAttendee,
    Scores,
    SessionInput,
    training_session_record,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(db):
    return Agency.objects.create(country="VN", name="Kim Thủy Primary School (test)", kind=AgencyKind.SCHOOL)


@pytest.fixture
def focal_point(make_member, school):
    return make_member(email="focal@example.org", role=Role.FOCAL_POINT, agency=school)


@pytest.fixture
def teacher(make_member, school):
    return make_member(email="teacher@example.org", role=Role.CASE_WORKER, agency=school)


@pytest.fixture
def course():
    return Course.objects.get(topic=CourseTopic.DISCLOSURE)


def _session(acting, course, **more):
    data = SessionInput(
        course=course, held_on=date(2026, 3, 10), place="Commune hall", trainer="Made-up Trainer"
    )
    for key, value in more.items():
        setattr(data, key, value)
    return training_session_record(acting=acting, data=data)


def test_the_four_courses_are_there_with_their_tests():
    assert set(Course.objects.values_list("topic", flat=True)) == set(CourseTopic.values)
    assert all(course.questions.count() == 3 for course in Course.objects.all())


def test_a_session_is_recorded_with_members_guests_children_and_audited(focal_point, teacher, course):
    session = _session(
        focal_point,
        course,
        members={teacher: Scores(pre=1, post=3)},
        guests=[GuestAttendee("Made-up Parent", "parent", Scores(pre=0, post=2))],
        children_count=12,
    )
    assert session.agency == focal_point.agency and list(session.agencies.all()) == [focal_point.agency]
    assert session.children_count == 12
    rows = list(session.attendances.order_by("pk"))
    assert (rows[0].membership, rows[0].pre_score, rows[0].post_score) == (teacher, 1, 3)
    assert (rows[1].name, rows[1].role, rows[1].membership) == ("Made-up Parent", "parent", None)
    assert session.refresher_due == date(2028, 3, 10)
    assert AuditEvent.objects.filter(
        object_type="learning.TrainingSession", object_id=str(session.pk)
    ).exists()


def test_the_refresher_keeps_within_the_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_it_refuses_a_member_not_in_the_sessions_agencies(focal_point, outsider, course):
    with pytest.raises(ApplicationError) as raised:
        _session(focal_point, course, members={outsider: Scores()})
    assert raised.value.code == "not_in_agency"
    assert not TrainingSession.objects.exists()


def test_a_member_of_an_agency_named_on_the_session_may_attend(focal_point, outsider, course):
    session = _session(focal_point, course, members={outsider: Scores()}, agencies=[outsider.agency])
    assert set(session.agencies.all()) == {focal_point.agency, outsider.agency}


@pytest.mark.parametrize("scores", [Scores(pre=4), Scores(post=-1)])
def test_it_refuses_a_score_out_of_range(focal_point, teacher, course, scores):
    with pytest.raises(ApplicationError) as raised:
        _session(focal_point, course, members={teacher: scores})
    assert raised.value.code == "score_out_of_range"
    assert not TrainingSession.objects.exists() and not Attendance.objects.exists()


def test_a_case_worker_may_not_record(teacher, course):
    with pytest.raises(PermissionDenied):
        _session(teacher, course, children_count=3)


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(client, sign_in, focal_point, teacher, course):
    sign_in(focal_point)
    typed = {
        "course": course.pk,
        "held_on": "2026-03-10",
        "place": "Commune hall",
        "trainer": "Made-up Trainer",
        f"attended_{teacher.pk}": "on",
        f"pre_{teacher.pk}": "7",
        "guests": "Made-up Parent, parent, 1, 2\nno comma here",
        "children_count": "4",
    }
    response = client.post(reverse("learning:training_session_new"), typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "At most 3." in page and "Line 2" in page
    assert "Made-up Parent, parent, 1, 2" in page and 'value="7"' in page
    assert not TrainingSession.objects.exists()


def test_a_session_recorded_through_the_form_shows_scores_refresher_and_certificate(
    client, sign_in, focal_point, teacher, course
):
    sign_in(focal_point)
    held_on = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("learning:training_session_new"),
        {
            "course": course.pk,
            "held_on": held_on.isoformat(),
            "place": "Commune hall",
            "trainer": "Made-up Trainer",
            f"attended_{teacher.pk}": "on",
            f"pre_{teacher.pk}": "1",
            f"post_{teacher.pk}": "3",
            "guests": "Made-up Teacher, teacher",
            "children_count": "0",
        },
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "learning:training_session_detail", args=[session.pk]
    )
    detail = client.get(response.url).content.decode()
    assert f'data-refresher-due="{add_months(held_on, 24):%Y-%m-%d}"' in detail
    attendance = session.attendances.get(membership=teacher)
    certificate = client.get(reverse("learning:training_certificate", args=[attendance.pk])).content.decode()
    assert teacher.user.full_name in certificate and "data-certificate" in certificate
    trained = client.get(reverse("learning:training_trained")).content.decode()
    assert teacher.user.full_name in trained and "Made-up Teacher" in trained


def test_another_agencys_session_is_hidden(
    client, sign_in, focal_point, make_member, outsider_agency, course
):
    session = _session(focal_point, course, children_count=5)
    supervisor = make_member(email="other@example.org", role=Role.CASE_SUPERVISOR, agency=outsider_agency)
    sign_in(supervisor)
    assert client.get(reverse("learning:training_session_detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("learning:training_session_list")).content.decode().count("data-session=") == 0


def test_the_session_list_reads_in_few_queries(
    client, sign_in, focal_point, course, django_assert_max_num_queries
):
    for _ in range(5):
        _session(focal_point, course, children_count=2)
    sign_in(focal_point)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("learning:training_session_list"))
    assert response.content.decode().count("data-session=") == 5
