"""Demo training: the school's focal point's sessions, so the training pages show a session, its
scores, a certificate and who is trained, and the programme's figure (T1) has this year's made-up
attendances in every province, as a national programme's would."""

from datetime import timedelta

from django.utils import timezone

from childshield.accounts.models import Membership, Role
from childshield.learning.models import Course, TrainingSession
from childshield.learning.models.training import CourseTopic
from childshield.learning.services.training import (
    GuestAttendee,
    Scores,
    SessionInput,
    training_session_record,
)
from childshield.places.models import Area

FOCAL_POINT_EMAIL = "focal.point@demo.childshield.test"
PLACE = "School hall (demo)"
# One session this year in each current province, each course in turn: teachers, parents and community
# members (made-up names) with the focal point, so the figure shows a number for every province.
PROVINCE_PLACE = "Province training hall (demo)"
GUEST_ROLES = ("teacher", "parent", "community member", "village health worker")
GUESTS_A_SESSION = 6


def demo_training_seed() -> int:
    """Records the demo's session once; 1 when it was made now, 0 when it was there."""
    focal = (
        Membership.objects.select_related("agency", "user")
        .filter(user__email=FOCAL_POINT_EMAIL, role=Role.FOCAL_POINT)
        .first()
    )
    if focal is None or TrainingSession.objects.filter(agency=focal.agency, place=PLACE).exists():
        return 0
    training_session_record(
        acting=focal,
        data=SessionInput(
            course=Course.objects.get(topic=CourseTopic.DISCLOSURE),
            held_on=timezone.localdate() - timedelta(days=30),
            place=PLACE,
            area=Area.objects.filter(agencies__agency=focal.agency).order_by("level", "code").first(),
            trainer="Made-up Trainer",
            members={focal: Scores(pre=2, post=3)},
            guests=[GuestAttendee("Made-up Teacher", "teacher", Scores(pre=1, post=3))],
            children_count=25,
        ),
    )
    _sessions_across_the_country(focal)
    return 1


def _sessions_across_the_country(focal: Membership) -> None:
    """A session in each current province, on days spread over this year up to today."""
    courses = list(Course.objects.order_by("pk"))
    provinces = Area.objects.filter(
        country=focal.agency.country, level=Area.Level.PROVINCE, valid_to__isnull=True
    ).order_by("code")
    today = timezone.localdate()
    days_this_year = (today - today.replace(month=1, day=1)).days + 1
    for number, province in enumerate(provinces):
        guests = [
            GuestAttendee(
                f"Made-up Guest {province.code}-{guest}",
                GUEST_ROLES[guest % len(GUEST_ROLES)],
                Scores(pre=1, post=3),
            )
            for guest in range(GUESTS_A_SESSION)
        ]
        training_session_record(
            acting=focal,
            data=SessionInput(
                course=courses[number % len(courses)],
                held_on=today - timedelta(days=(number * 11) % days_this_year),
                place=PROVINCE_PLACE,
                trainer="Made-up Trainer",
                area=province,
                members={focal: Scores(pre=2, post=3)},
                guests=guests,
            ),
        )
