"""Reads of training records, scoped to the acting member: their agency's sessions, or every one."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import Scope, require
from childshield.learning.models import Attendance, Course, TrainingSession
from childshield.learning.permissions import LearningPerm
from childshield.places.models import AgencyArea, Area


def course_max_score(course: Course) -> int:
    """The most a test of `course` can score: the sum of its questions' points."""
    return int(course.questions.aggregate(total=Sum("points"))["total"] or 0)


def courses_offered() -> QuerySet[Course]:
    return Course.objects.filter(is_active=True).prefetch_related("questions").order_by("pk")


def _sessions_seen_by(acting: Membership) -> QuerySet[TrainingSession]:
    scope = require(acting, LearningPerm.TRAINING_VIEW)
    sessions = TrainingSession.objects.all()
    if scope != Scope.ALL:
        sessions = sessions.filter(Q(agency=acting.agency_id) | Q(agencies=acting.agency_id)).distinct()
    return sessions


def training_sessions_for(*, acting: Membership) -> QuerySet[TrainingSession]:
    """The sessions the member sees, newest first, with what a list row shows."""
    return (
        _sessions_seen_by(acting)
        .select_related("course", "area", "agency")
        .prefetch_related("agencies")
        .order_by("-held_on", "-pk")
    )


def training_session_get(*, acting: Membership, pk: int) -> TrainingSession:
    """One session with its attendance; 404 outside the member's scope."""
    attendances = Attendance.objects.select_related("membership__user", "membership__agency").order_by("pk")
    session = (
        _sessions_seen_by(acting)
        .select_related("course", "area", "agency", "recorded_by__user")
        .prefetch_related("agencies", Prefetch("attendances", queryset=attendances))
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    return session


def attendance_get(*, acting: Membership, pk: int) -> Attendance:
    """One attendee of a session the member sees (for a certificate); 404 otherwise."""
    attendance = (
        Attendance.objects.select_related(
            "session__course", "session__area", "membership__user", "membership__agency"
        )
        .filter(pk=pk, session__in=_sessions_seen_by(acting))
        .first()
    )
    if attendance is None:
        raise Http404
    return attendance


def members_to_pick(*, acting: Membership) -> QuerySet[Membership]:
    """The acting member's agency's active members, who may be ticked as attendees."""
    return (
        Membership.objects.filter(agency=acting.agency_id, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def agencies_to_pick(*, acting: Membership) -> QuerySet[Agency]:
    """Other agencies of the country whose staff may have attended."""
    return Agency.objects.filter(is_active=True, country=acting.agency.country).exclude(pk=acting.agency_id)


def areas_to_pick(*, acting: Membership) -> QuerySet[Area]:
    """The communes and districts the agency serves, and the communes of the districts it serves."""
    served = AgencyArea.objects.filter(agency=acting.agency_id).values("area_id")
    return (
        Area.objects.filter(valid_to__isnull=True)
        .filter(
            Q(pk__in=served, level__in=[Area.Level.DISTRICT, Area.Level.COMMUNE])
            | Q(parent__in=served, parent__level=Area.Level.DISTRICT, level=Area.Level.COMMUNE)
        )
        .select_related("parent")
        .order_by("code")
    )


@dataclass(frozen=True)
class TrainedRow:
    """A person's latest session of one course: when, where, and when a refresher is due."""

    attendance: Attendance
    area: Area | None
    held_on: date
    refresher_due: date

    @property
    def overdue(self) -> bool:
        return self.refresher_due < timezone.localdate()


def trained_people(*, acting: Membership) -> dict[str, list[TrainedRow]]:
    """Who is trained, per commune (the session's area) then name: each person's latest session of
    each course. Members are known by account; others by name and role, one row per session."""
    attendances = (
        Attendance.objects.filter(session__in=_sessions_seen_by(acting))
        .select_related("session__course", "session__area__parent", "membership__user", "membership__agency")
        .order_by("-session__held_on", "-pk")
    )
    latest: dict[object, Attendance] = {}
    for attendance in attendances:
        key = (
            (attendance.membership_id, attendance.session.course_id)
            if attendance.membership_id
            else attendance.pk
        )
        latest.setdefault(key, attendance)
    by_area: dict[str, list[TrainedRow]] = {}
    for attendance in latest.values():
        session = attendance.session
        label = session.area.name if session.area else ""
        by_area.setdefault(label, []).append(
            TrainedRow(attendance, session.area, session.held_on, session.refresher_due)
        )
    for rows in by_area.values():
        rows.sort(key=lambda row: (row.attendance.display_name.casefold(), row.held_on))
    return dict(sorted(by_area.items()))
