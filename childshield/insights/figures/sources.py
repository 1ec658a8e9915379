"""The records the indicators count, and the dimensions each may be split by (docs/indicators.md).

A source is one kind of record, its date (which month it counts in), its country and its province;
a dimension is one of its fields with the values it may take, in the order tables show them. The
refresh (`figures.refresh`) counts every source by every dimension into `MonthlyCount`; the
indicators (`figures.indicators`) read those counts. Nothing here reads a record's words or names.
What a source and a dimension are is in `figures.specs`; a source declared in a module of its own
(`figures.training`) is registered in `SOURCES` by one line.
"""

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.cases.models import Case, Service
from childshield.cases.models.cases import ClosureReason, HarmType, RiskLevel
from childshield.cases.models.children import Sex
from childshield.cases.models.closure import ClosureDecision, ClosureRequest
from childshield.cases.models.plan import ServiceStatus
from childshield.cases.models.referrals import Referral, ReferralStatus, Urgency
from childshield.core.choices import ChiAgeBand, ChiGender, ReporterAgeBand, ReporterGender
from childshield.core.ethnic_groups import ETHNICITY_NOT_SAID, ethnic_group_lists
from childshield.core.periods import PeriodKind
from childshield.directory.models import ServiceKind
from childshield.hashing.models import Algorithm, BankSource, HashEntry, MatchChannel, MatchRecord
from childshield.helpline.models import (
    CallerType,
    Category,
    Contact,
    ContactChannel,
    ContactKind,
    Disability,
    Ethnicity,
    Outcome,
)
from childshield.hotline.models import Category as HotlineCategory
from childshield.hotline.models import (
    Classification,
    ContentItem,
    ContentType,
    ItemStatus,
    Notice,
    NoticePurpose,
    NoticeState,
    RecipientKind,
)
from childshield.insights.figures.derived import (
    NOT_SAID as NOT_SAID,
)
from childshield.insights.figures.derived import (
    UNREGISTERED,
    cases_open_at,
    closures_reopened,
    item_content_types,
    items_removed,
    library_visits,
    lookups_matching_own_hashes,
    reopen_window,
    report_link_kinds,
    report_links,
)
from childshield.insights.figures.record_values import (
    answered_in_time_values,
    case_age_bands,
    case_harm_types,
    main_categories,
    online_protection,
    open_case_age_bands,
    pair_answers,
    pairs_in_time,
    referral_pairs,
    report_harms,
)
from childshield.insights.figures.specs import NOT_SAID_LABEL as NOT_SAID_LABEL
from childshield.insights.figures.specs import Dimension as Dimension
from childshield.insights.figures.specs import Source as Source
from childshield.insights.figures.specs import SourceSpec as SourceSpec
from childshield.insights.figures.training import TRAINING_ATTENDANCE
from childshield.intake.models import (
    BlockedImage,
    BlockedImageState,
    Channel,
    FileKind,
    Harm,
    Platform,
    Report,
    Screening,
    SourceLinkKind,
)


def _main_category_choices() -> tuple[tuple[str, str | Promise], ...]:
    return tuple(
        (category.code, category.name)
        for category in Category.objects.filter(parent__isnull=True).order_by("position", "code")
    )


def _reports() -> QuerySet[Model]:
    # Block-an-image requests count under the self-submitted hashes; bursts and automated reports are
    # set apart by screening and not counted as reports (docs/indicators.md, "Screening").
    return Report.objects.exclude(channel=Channel.BLOCK_IMAGE).filter(screening=Screening.CLEAR)


def _contacts() -> QuerySet[Model]:
    return Contact.objects.all()


def _counselling() -> QuerySet[Model]:
    return Contact.objects.filter(kind=ContactKind.COUNSELLING)


def _ethnicity_choices() -> tuple[tuple[str, str | Promise], ...]:
    groups = [
        (group.code, group.label) for listed in ethnic_group_lists().values() for group in listed.groups
    ]
    return (*groups, (ETHNICITY_NOT_SAID, NOT_SAID_LABEL))


def _cases() -> QuerySet[Model]:
    return Case.objects.all()


def _closures() -> QuerySet[Model]:
    return ClosureRequest.objects.filter(decision=ClosureDecision.APPROVED)


def _closures_followed() -> QuerySet[Model]:
    """Approved closures whose reopening window has passed: only then is "not reopened" known."""
    return _closures().filter(decided_at__lte=timezone.now() - reopen_window())


def _services_completed() -> QuerySet[Model]:
    return Service.objects.filter(status=ServiceStatus.COMPLETED, completed_at__isnull=False)


def _services_planned() -> QuerySet[Model]:
    return Service.objects.all()


def _hotline_confirmed() -> QuerySet[Model]:
    return ContentItem.objects.filter(confirmed_at__isnull=False)


def _referrals() -> QuerySet[Model]:
    return Referral.objects.all()


def _hotline_reported() -> QuerySet[Model]:
    return ContentItem.objects.all()


def _notices() -> QuerySet[Model]:
    # Notices to remove; a platform's preservation and file requests are not.
    return Notice.objects.filter(purpose=NoticePurpose.TAKEDOWN)


def _blocked_hashes() -> QuerySet[Model]:
    return BlockedImage.objects.all()


def _hotline_removed() -> QuerySet[Model]:
    return ContentItem.objects.filter(removed_at__isnull=False)


def _hotline_noticed() -> QuerySet[Model]:
    return ContentItem.objects.filter(first_notice_at__isnull=False)


def _block_requests() -> QuerySet[Model]:
    return Report.objects.filter(channel=Channel.BLOCK_IMAGE, screening=Screening.CLEAR)


def _self_submitted_hashes() -> QuerySet[Model]:
    return HashEntry.objects.filter(bank__source=BankSource.SELF_SUBMITTED, removed_at__isnull=True)


def _lookups() -> QuerySet[Model]:
    # A lookup by no agency (none has been made so far) has no country to count in.
    return MatchRecord.objects.filter(agency__isnull=False)


# The dimensions of a case's child and harms, alike for the cases opened (C4 to C8) and open (C2).
CASE_HARM = Dimension(
    "harm_type", _("Harm"), tuple(HarmType.choices), values_of=case_harm_types, several=True
)
CHILD_SEX = Dimension("sex", _("Sex"), tuple(Sex.choices), field="child__sex", may_be_empty=False)
CHILD_ETHNICITY = Dimension("ethnicity", _("Ethnic group"), _ethnicity_choices(), field="child__ethnicity")
CHILD_DISABILITY = Dimension(
    "disability",
    _("Disability"),
    (("True", _("With a disability")), ("False", _("Without a disability"))),
    field="child__has_disability",
)

SOURCES: dict[Source, SourceSpec] = {
    Source.REPORTS: SourceSpec(
        source=Source.REPORTS,
        label=_("Reports"),
        date_field="created_at",
        country_field="country",
        province_field="province_id",
        records=_reports,
        dimensions=(
            Dimension(
                "channel",
                _("Channel"),
                tuple((code, label) for code, label in Channel.choices if code != Channel.BLOCK_IMAGE),
                field="channel",
                may_be_empty=False,
            ),
            Dimension("harm", _("What happened"), tuple(Harm.choices), values_of=report_harms, several=True),
            Dimension("platform", _("Where it happened"), tuple(Platform.choices), field="platform"),
            Dimension("age_band", _("Age"), tuple(ReporterAgeBand.choices), field="age_band"),
            Dimension("gender", _("Gender"), tuple(ReporterGender.choices), field="gender"),
            Dimension(
                "link_kind",
                _("Kind of link"),
                (
                    *SourceLinkKind.choices,
                    (UNREGISTERED, _("Other / not registered")),
                    (NOT_SAID, _("Not from a link")),
                ),
                values_of=report_link_kinds,
            ),
            Dimension("link", _("Link"), (), values_of=report_links),
        ),
    ),
    Source.CONTACTS: SourceSpec(
        source=Source.CONTACTS,
        label=_("Helpline contacts"),
        date_field="started_at",
        country_field="agency__country",
        province_field="province_id",
        records=_contacts,
        dimensions=(
            Dimension(
                "kind", _("Kind of contact"), tuple(ContactKind.choices), field="kind", may_be_empty=False
            ),
            Dimension(
                "channel", _("Channel"), tuple(ContactChannel.choices), field="channel", may_be_empty=False
            ),
        ),
    ),
    Source.COUNSELLING: SourceSpec(
        source=Source.COUNSELLING,
        label=_("Counselling contacts"),
        date_field="started_at",
        country_field="agency__country",
        province_field="province_id",
        records=_counselling,
        dimensions=(
            Dimension("category", _("CHI category"), (), values_of=main_categories, several=True),
            Dimension(
                "online_protection",
                _("Online protection"),
                (("yes", _("Online protection")),),
                values_of=online_protection,
                several=True,
                may_be_empty=False,
            ),
            Dimension("age_band", _("Age"), tuple(ChiAgeBand.choices), field="age_band", may_be_empty=False),
            Dimension("gender", _("Gender"), tuple(ChiGender.choices), field="gender", may_be_empty=False),
            Dimension(
                "caller_type",
                _("Who called"),
                tuple(CallerType.choices),
                field="caller_type",
                may_be_empty=False,
            ),
            Dimension(
                "ethnicity",
                _("Ethnic group"),
                tuple(Ethnicity.choices),
                field="ethnicity",
                may_be_empty=False,
            ),
            Dimension(
                "disability",
                _("Disability"),
                tuple(Disability.choices),
                field="disability",
                may_be_empty=False,
            ),
            Dimension("outcome", _("Outcome"), tuple(Outcome.choices), field="outcome"),
        ),
    ),
    Source.CASES_OPENED: SourceSpec(
        source=Source.CASES_OPENED,
        label=_("Cases opened"),
        date_field="opened_at",
        country_field="agency__country",
        province_field="child__area_id",
        records=_cases,
        dimensions=(
            CASE_HARM,
            CHILD_SEX,
            Dimension("age_band", _("Age"), tuple(ReporterAgeBand.choices), values_of=case_age_bands),
            CHILD_ETHNICITY,
            CHILD_DISABILITY,
            Dimension(
                "risk_level",
                _("Risk level"),
                tuple(RiskLevel.choices),
                field="risk_level",
                may_be_empty=False,
            ),
        ),
    ),
    Source.CASES_OPEN: SourceSpec(
        source=Source.CASES_OPEN,
        label=_("Cases open"),
        date_field="opened_at",
        country_field="agency__country",
        province_field="child__area_id",
        records=_cases,
        open_at=cases_open_at,
        dimensions=(
            CASE_HARM,
            CHILD_SEX,
            Dimension("age_band", _("Age"), tuple(ReporterAgeBand.choices), values_of=open_case_age_bands),
            CHILD_ETHNICITY,
            CHILD_DISABILITY,
        ),
    ),
    Source.CASES_CLOSED: SourceSpec(
        source=Source.CASES_CLOSED,
        label=_("Cases closed"),
        date_field="decided_at",
        country_field="case__agency__country",
        province_field="case__child__area_id",
        records=_closures,
        dimensions=(
            Dimension(
                "reason",
                _("Reason for closing"),
                tuple(ClosureReason.choices),
                field="reason",
                may_be_empty=False,
            ),
        ),
    ),
    Source.CLOSURES_FOLLOWED: SourceSpec(
        source=Source.CLOSURES_FOLLOWED,
        label=_("Cases closed and followed for a reopening"),
        date_field="decided_at",
        country_field="case__agency__country",
        province_field="case__child__area_id",
        records=_closures_followed,
        dimensions=(
            Dimension(
                "reopened",
                _("Reopened"),
                (("yes", _("Reopened within the window")), ("no", _("Not reopened"))),
                values_of=closures_reopened,
                may_be_empty=False,
            ),
        ),
    ),
    Source.SERVICES_COMPLETED: SourceSpec(
        source=Source.SERVICES_COMPLETED,
        label=_("Services delivered"),
        date_field="completed_at",
        country_field="case__agency__country",
        province_field="case__child__area_id",
        records=_services_completed,
        dimensions=(
            Dimension("kind", _("Service"), tuple(ServiceKind.choices), field="kind", may_be_empty=False),
        ),
    ),
    Source.SERVICES_PLANNED: SourceSpec(
        source=Source.SERVICES_PLANNED,
        label=_("Services added to plans"),
        date_field="created_at",
        country_field="case__agency__country",
        province_field="case__child__area_id",
        records=_services_planned,
        dimensions=(
            Dimension(
                "status",
                _("Where it stands"),
                tuple(ServiceStatus.choices),
                field="status",
                may_be_empty=False,
            ),
            Dimension("kind", _("Service"), tuple(ServiceKind.choices), field="kind", may_be_empty=False),
        ),
    ),
    Source.HOTLINE_CONFIRMED: SourceSpec(
        source=Source.HOTLINE_CONFIRMED,
        label=_("Hotline items confirmed"),
        date_field="confirmed_at",
        country_field="agency__country",
        province_field="",
        records=_hotline_confirmed,
        dimensions=(
            Dimension(
                "classification",
                _("Classification"),
                tuple(Classification.choices),
                field="classification",
                may_be_empty=False,
            ),
            Dimension("category", _("Severity"), tuple(HotlineCategory.choices), field="category"),
            Dimension("hosting_country", _("Hosting country"), (), field="hosting_country"),
            Dimension(
                "content_type", _("Content type"), tuple(ContentType.choices), values_of=item_content_types
            ),
        ),
    ),
    Source.REFERRALS: SourceSpec(
        source=Source.REFERRALS,
        label=_("Referrals sent"),
        date_field="sent_at",
        country_field="from_agency__country",
        province_field="case__child__area_id",
        records=_referrals,
        dimensions=(
            Dimension(
                "status", _("Answer"), tuple(ReferralStatus.choices), field="status", may_be_empty=False
            ),
            Dimension("urgency", _("Urgency"), tuple(Urgency.choices), field="urgency", may_be_empty=False),
            Dimension(
                "answered_in_time",
                _("Answered in time"),
                (
                    ("on_time", _("By the time due")),
                    ("late", _("After the time due")),
                    ("waiting", _("Not yet")),
                ),
                values_of=answered_in_time_values,
                may_be_empty=False,
            ),
            Dimension(
                "pair",
                _("Pair of agencies"),
                (),
                values_of=referral_pairs,
                may_be_empty=False,
                smallest_period=PeriodKind.QUARTER,
            ),
            Dimension(
                "pair_answer",
                _("Pair of agencies and answer"),
                (),
                values_of=pair_answers,
                may_be_empty=False,
                within="pair",
                across="status",
                smallest_period=PeriodKind.QUARTER,
                smallest_area="country",
            ),
            Dimension(
                "pair_in_time",
                _("Pair of agencies and answered in time"),
                (),
                values_of=pairs_in_time,
                may_be_empty=False,
                within="pair",
                across="answered_in_time",
                smallest_period=PeriodKind.QUARTER,
                smallest_area="country",
            ),
        ),
    ),
    Source.HOTLINE_REPORTED: SourceSpec(
        source=Source.HOTLINE_REPORTED,
        label=_("Hotline items reported"),
        date_field="first_reported_at",
        country_field="agency__country",
        province_field="",
        records=_hotline_reported,
        dimensions=(
            Dimension(
                "status", _("Where it stands"), tuple(ItemStatus.choices), field="status", may_be_empty=False
            ),
        ),
    ),
    Source.NOTICES: SourceSpec(
        source=Source.NOTICES,
        label=_("Notices to remove"),
        date_field="queued_at",
        country_field="item__agency__country",
        province_field="",
        records=_notices,
        dimensions=(
            Dimension("recipient_kind", _("Sent to"), tuple(RecipientKind.choices), field="recipient_kind"),
            Dimension("state", _("Delivery"), tuple(NoticeState.choices), field="state", may_be_empty=False),
        ),
    ),
    Source.HOTLINE_REMOVED: SourceSpec(
        source=Source.HOTLINE_REMOVED,
        label=_("Hotline items removed"),
        date_field="removed_at",
        country_field="agency__country",
        province_field="",
        records=_hotline_removed,
        dimensions=(),
    ),
    Source.HOTLINE_NOTICED: SourceSpec(
        source=Source.HOTLINE_NOTICED,
        label=_("Hotline items with a notice to remove"),
        date_field="first_notice_at",
        country_field="agency__country",
        province_field="",
        records=_hotline_noticed,
        dimensions=(
            Dimension(
                "removed",
                _("Removed"),
                (("yes", _("Removed")), ("no", _("Not removed yet"))),
                values_of=items_removed,
                may_be_empty=False,
            ),
        ),
    ),
    Source.BLOCK_REQUESTS: SourceSpec(
        source=Source.BLOCK_REQUESTS,
        label=_("Requests to block a picture or video"),
        date_field="created_at",
        country_field="country",
        province_field="",
        records=_block_requests,
        dimensions=(),
    ),
    Source.BLOCKED_HASHES: SourceSpec(
        source=Source.BLOCKED_HASHES,
        label=_("Pictures and videos children asked to block"),
        date_field="created_at",
        country_field="report__country",
        province_field="",
        records=_blocked_hashes,
        dimensions=(
            Dimension("kind", _("Kind of file"), tuple(FileKind.choices), field="kind", may_be_empty=False),
            Dimension(
                "state", _("Decision"), tuple(BlockedImageState.choices), field="state", may_be_empty=False
            ),
        ),
    ),
    Source.SELF_SUBMITTED_HASHES: SourceSpec(
        source=Source.SELF_SUBMITTED_HASHES,
        label=_("Children's own hashes added to the bank"),
        date_field="added_at",
        country_field="bank__owner__country",
        province_field="",
        records=_self_submitted_hashes,
        dimensions=(
            Dimension(
                "algorithm", _("Algorithm"), tuple(Algorithm.choices), field="algorithm", may_be_empty=False
            ),
        ),
    ),
    Source.LOOKUPS: SourceSpec(
        source=Source.LOOKUPS,
        label=_("Hashes looked up"),
        date_field="at",
        country_field="agency__country",
        province_field="",
        records=_lookups,
        dimensions=(
            Dimension(
                "channel", _("Looked up by"), tuple(MatchChannel.choices), field="channel", may_be_empty=False
            ),
            Dimension(
                "self_submitted_match",
                _("Looked up by"),
                tuple(MatchChannel.choices),
                values_of=lookups_matching_own_hashes,
                several=True,
                may_be_empty=False,
            ),
        ),
    ),
    # Library visits through a source link, an aggregate per link and day (learning.SourceVisit).
    Source.LIBRARY_VISITS: SourceSpec(
        source=Source.LIBRARY_VISITS,
        label=_("Library visits through a link"),
        date_field="day",
        country_field="link__country",
        province_field="link__area_id",
        records=library_visits,
        count_field="count",
        dimensions=(
            Dimension("link_kind", _("Kind of link"), tuple(SourceLinkKind.choices), field="link__kind"),
            Dimension("link", _("Link"), (), field="link_shown", may_be_empty=False),
        ),
    ),
    Source.TRAINING_ATTENDANCE: TRAINING_ATTENDANCE,  # T1, declared in figures.training
}


def dimension_of(source: Source, code: str) -> Dimension:
    return next(dimension for dimension in SOURCES[source].dimensions if dimension.code == code)


def category_choices() -> tuple[tuple[str, str | Promise], ...]:
    """The CHI main categories in their order (data, not code: read when a table is made)."""
    return _main_category_choices()
