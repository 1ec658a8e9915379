"""Demo training: one made-up session the school's focal point gave, so the training pages show a
session, its scores, a certificate and who is trained."""

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

FOCAL_POINT_EMAIL = "focal.point@demo.childshield.test"
PLACE = "School hall (demo)"


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
            trainer="Made-up Trainer",
            members={focal: Scores(pre=2, post=3)},
            guests=[GuestAttendee("Made-up Teacher", "teacher", Scores(pre=1, post=3))],
            children_count=25,
        ),
    )
    return 1
