"""T1, frontline staff trained: sessions recorded through learning's service are counted by the
background count, each attendance once (members and named non-members; children never), in the
province of the session's commune, by course and kind of agency; the programme manager's page shows
them suppressed like every other figure."""

from datetime import date

import pytest

from childshield.accounts.models import Agency, AgencyKind
from childshield.core.periods import Period
from childshield.insights.figures.dashboard import indicator_figures
from childshield.insights.figures.refresh import refresh
from childshield.insights.figures.sources import Source
from childshield.insights.figures.training import NO_ACCOUNT
from childshield.learning.models import Course
from childshield.learning.models.training import CourseTopic
from childshield.learning.services.training import (
    GuestAttendee,
    Scores,
    SessionInput,
    training_session_record,
)
from childshield.places.models import Area
from tests.insights.test_indicators import _exact

pytestmark = pytest.mark.django_db

Q1 = Period(2025, quarter=1)


@pytest.fixture
def police(db):
    return Agency.objects.create(country="VN", name="Commune Police (test)", kind=AgencyKind.POLICE)


@pytest.fixture
def other_commune(commune):
    province = Area.objects.create(
        code="VN45",
        country="VN",
        level=Area.Level.PROVINCE,
        parent=commune.parent.parent,
        name_en="Quang Tri",
    )
    return Area.objects.create(
        code="VN45-GL-TEST", country="VN", level=Area.Level.COMMUNE, parent=province, name_en="Gio Linh"
    )


@pytest.fixture
def trained(make_member, focal_point, police, commune, other_commune):
    """Q1 2025: eight attendances in Kim Thuy (Quang Binh), one colleague twice, two people without an
    account and 20 children; three in Gio Linh (Quang Tri)."""
    school = focal_point.agency
    teachers = [make_member(email=f"teacher{n}@example.org", agency=school) for n in range(6)]
    officer = make_member(email="officer@example.org", agency=police)

    def record(held_on, topic, area, members, guests=(), children=0, agencies=()):
        training_session_record(
            acting=focal_point,
            data=SessionInput(
                course=Course.objects.get(topic=topic),
                held_on=held_on,
                place="Commune hall",
                trainer="Made-up Trainer",
                area=area,
                agencies=list(agencies),
                members={member: Scores(pre=1, post=2) for member in members},
                guests=[GuestAttendee(f"Made-up {role}", role, Scores()) for role in guests],
                children_count=children,
            ),
        )

    record(date(2025, 1, 14), CourseTopic.DISCLOSURE, commune, teachers[:4], ("parent", "teacher"), 20)
    record(
        date(2025, 2, 20), CourseTopic.REFERRAL_PATHWAY, commune, [teachers[0], officer], agencies=[police]
    )
    record(date(2025, 3, 5), CourseTopic.DISCLOSURE, other_commune, [*teachers[4:6], focal_point])
    refresh()
    return commune.parent, other_commune.parent


def test_each_attendance_counts_once_by_course_kind_of_agency_and_province_children_never(trained):
    quang_binh, quang_tri = trained
    assert _exact("T1", period=Q1) == {"total": 11}
    assert _exact("T1b", period=Q1) == {str(quang_binh.pk): 8, str(quang_tri.pk): 3, "total": 11}
    assert _exact("T1c", period=Q1) == {"disclosure": 9, "referral_pathway": 2, "total": 11}
    assert _exact("T1d", period=Q1) == {"school": 8, "police": 1, NO_ACCOUNT: 2, "total": 11}
    # The teacher trained in January and February counts in each month.
    assert _exact("T1", period=Period(2025, month=2)) == {"total": 2}
    assert _exact("T1", period=Q1, province=quang_binh) == {"total": 8}


def test_the_programme_manager_sees_the_figures_with_small_cells_suppressed(trained, manager):
    quang_binh, quang_tri = trained
    figures = indicator_figures(acting=manager, period=Q1)
    section = next(s for s in figures.sections if s.source == Source.TRAINING_ATTENDANCE)
    shown = {table.code: {cell.item: cell.shown for cell in table.cells} for table in section.tables}
    totals = {table.code: table.total.shown for table in section.tables}
    assert totals == {"T1": "11", "T1b": "11", "T1c": "11", "T1d": "11"}
    # Quang Tri's three are under five; Quang Binh's eight is hidden beside them, or 11 - 8 would tell.
    assert shown["T1b"][str(quang_tri.pk)] == "<5"
    assert shown["T1b"][str(quang_binh.pk)] == "[c]"
    assert shown["T1c"]["referral_pathway"] == "<5" and shown["T1c"]["disclosure"] == "[c]"
    assert shown["T1d"]["police"] == "<5" and shown["T1d"][NO_ACCOUNT] == "<5"
    assert "8" not in shown["T1d"].values() and "9" not in shown["T1c"].values()
