"""Every write of training records: a session recorded with its attendance and test scores."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.learning.models import Attendance, Course, TrainingSession
from childshield.learning.permissions import LearningPerm
from childshield.learning.training_selectors import course_max_score
from childshield.places.models import Area


@dataclass(frozen=True)
class Scores:
    pre: int | None = None
    post: int | None = None


@dataclass(frozen=True)
class GuestAttendee:
    """A teacher, parent or community member without an account: a name and a role only."""

    name: str
    role: str
    scores: Scores = Scores()


@dataclass
class SessionInput:
    course: Course
    held_on: date
    place: str
    trainer: str
    area: Area | None = None
    # Agencies whose staff attended besides the recording one (always included).
    agencies: list[Agency] = field(default_factory=list)
    members: dict[Membership, Scores] = field(default_factory=dict)
    guests: list[GuestAttendee] = field(default_factory=list)
    children_count: int = 0


def _check_scores(scores: Scores, *, who: str, max_score: int) -> None:
    for value in (scores.pre, scores.post):
        if value is not None and not 0 <= value <= max_score:
            raise ApplicationError(
                _("%(who)s: a score must be between 0 and %(max)s.") % {"who": who, "max": max_score},
                code="score_out_of_range",
            )


@transaction.atomic
def training_session_record(*, acting: Membership, data: SessionInput) -> TrainingSession:
    """Records a session of the acting member's agency, with who attended and their scores.

    Refuses a member not working for one of the session's agencies, a score outside the test's
    range, a day in the future and a course no longer offered: nothing is written then.
    """
    require(acting, LearningPerm.TRAINING_RECORD)
    if not data.course.is_active:
        raise ApplicationError(_("This course is no longer offered."), code="course_inactive")
    if data.held_on > timezone.localdate():
        raise ApplicationError(_("A session is recorded once it has taken place."), code="future")
    if data.children_count < 0:
        raise ApplicationError(_("The number of children cannot be negative."), code="children_count")
    if not data.members and not data.guests and not data.children_count:
        raise ApplicationError(_("Say who attended: members, other people or children."), code="empty")
    agencies = {agency.pk: agency for agency in data.agencies} | {acting.agency_id: acting.agency}
    max_score = course_max_score(data.course)
    for member, scores in data.members.items():
        if member.agency_id not in agencies or not member.is_active:
            raise ApplicationError(
                _("%(name)s does not work for an agency of this session.") % {"name": member.user.full_name},
                code="not_in_agency",
            )
        _check_scores(scores, who=member.user.full_name, max_score=max_score)
    for guest in data.guests:
        if not guest.name.strip() or not guest.role.strip():
            raise ApplicationError(_("Each other attendee needs a name and a role."), code="guest")
        _check_scores(guest.scores, who=guest.name, max_score=max_score)

    session = TrainingSession.objects.create(
        course=data.course,
        held_on=data.held_on,
        place=data.place.strip(),
        area=data.area,
        trainer=data.trainer.strip(),
        agency=acting.agency,
        recorded_by=acting,
        children_count=data.children_count,
    )
    session.agencies.set(agencies.values())
    Attendance.objects.bulk_create(
        [
            Attendance(session=session, membership=member, pre_score=scores.pre, post_score=scores.post)
            for member, scores in data.members.items()
        ]
        + [
            Attendance(
                session=session,
                name=guest.name.strip(),
                role=guest.role.strip(),
                pre_score=guest.scores.pre,
                post_score=guest.scores.post,
            )
            for guest in data.guests
        ]
    )
    audit.record(
        action=AuditAction.CREATE,
        actor=acting.user,
        agency=acting.agency,
        obj=session,
        reason="training session recorded",
    )
    return session
