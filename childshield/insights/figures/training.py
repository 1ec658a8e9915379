"""T1, frontline staff trained: the people at the training sessions `learning` records, counted in the
month of the session and the province of its commune, by course and by who they are (docs/indicators.md).

Each attendance is one person trained once: a member by account or a teacher, parent or community
member by name and role. Children who took part are a number on the session, not attendances, and are
not counted here. A person at two sessions counts twice: months add up to quarters and years in every
publication, which a count of distinct people would not, and a person without an account has no
identity to tell them apart by (their name is encrypted, and not read here).
"""

from django.db.models import Case as Conditional
from django.db.models import CharField, F, Model, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import AgencyKind
from childshield.insights.figures.specs import Dimension, Source, SourceSpec
from childshield.learning.models import Attendance
from childshield.learning.models.training import CourseTopic

NO_ACCOUNT = "no_account"  # a person trained without an account: their role is free text, never shown


def training_attendances() -> QuerySet[Model]:
    """Every attendance, with who the person is as T1 shows it: their agency's kind for a member, or
    "without an account" (a named non-member's role is words someone typed, so it is not a value)."""
    return Attendance.objects.annotate(
        attendee=Conditional(
            When(membership__isnull=True, then=Value(NO_ACCOUNT)),
            default=F("membership__agency__kind"),
            output_field=CharField(),
        )
    )


TRAINING_ATTENDANCE = SourceSpec(
    source=Source.TRAINING_ATTENDANCE,
    label=_("Frontline staff trained"),
    date_field="session__held_on",
    # The agency that recorded the session: its country's figures count it.
    country_field="session__agency__country",
    province_field="session__area_id",
    records=training_attendances,
    dimensions=(
        Dimension(
            "topic",
            _("Course"),
            tuple(CourseTopic.choices),
            field="session__course__topic",
            may_be_empty=False,
        ),
        Dimension(
            "attendee",
            _("Kind of agency"),
            (
                *AgencyKind.choices,
                (NO_ACCOUNT, _("Without an account (teachers, parents, community members)")),
            ),
            field="attendee",
            may_be_empty=False,
        ),
    ),
)
