"""The people and records the access matrix asks about: the demo, plus a second agency of each kind
that owns records (a second helpline in the same country, a second social work office, a helpline
and a hotline in another country, the demo's police with an officer), each with its own records made
through the real services, so every object URL can be asked about "one's own" and "another's"."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from childshield.accounts.models import Agency, AgencyKind, Membership, Role, User
from childshield.cases.models import Attachment, Case, ChildLinkRequest, Consent, FollowUp, Referral, Service
from childshield.cases.models.assessments import AssessmentForm
from childshield.cases.models.cases import HarmType
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.referrals import Urgency
from childshield.cases.selectors.assessments import assessment_form_current
from childshield.cases.services.assessments import assessment_form_publish
from childshield.cases.services.attachments import attachment_add
from childshield.cases.services.break_glass import break_glass_open
from childshield.cases.services.consent import ConsentInput
from childshield.cases.services.feedback import feedback_invite
from childshield.cases.services.follow_ups import followup_add
from childshield.cases.services.opening import ChildInput, case_open
from childshield.cases.services.plan import service_add
from childshield.cases.services.referrals import referral_accept, referral_send
from childshield.demo.accounts import ACCOUNTS, AGENCIES
from childshield.demo.hashing import DEMO_BANK_NAME, demo_picture
from childshield.directory.models import Resource, ServiceKind
from childshield.exchanges.models import ExchangeConnection, ExchangeKind
from childshield.exchanges.services import ConnectionData, connection_create
from childshield.hashing import services as hashing
from childshield.hashing.models import (
    ApiKey,
    ApiScope,
    BankSource,
    HashBank,
    HashEntry,
    HashImport,
    SharingPolicy,
)
from childshield.helpline.models import Category, Contact, QueueClaim, ReplyTemplate, TriageRule
from childshield.helpline.services.contacts import ContactDetails, contact_log
from childshield.helpline.services.queue import queue_claim
from childshield.hotline.models import ContentItem, Evidence, Notice, ReceivedImage, ReferralPackage
from childshield.hotline.services.evidence import evidence_add
from childshield.hotline.services.packages import package_create
from childshield.hotline.services.received_images import received_image_add
from childshield.intake.models import Report, ReportStatus
from childshield.intake.services import ReportContent, report_submit
from childshield.learning.models import Attendance, Course, Poster, TrainingSession
from childshield.learning.services.posters import PosterInput, poster_make
from childshield.learning.services.training import Scores, SessionInput, training_session_record
from childshield.messaging.models import BlockedSender, ChannelKind, ChatChannel
from childshield.messaging.services import channel_save
from childshield.operations.models import SubjectKind, SubjectRequest
from childshield.operations.subject_requests import (
    RequestInput,
    subject_request_create,
    subject_request_identity_record,
    subject_request_subject_set,
)
from childshield.places.models import Area
from childshield.places.services.agency_areas import agency_areas_add
from childshield.platforms.models import PlatformReport
from childshield.platforms.services.credentials import platform_credential_create
from childshield.platforms.services.reports import PlatformReportData, platform_report_receive
from tests.hotline.conftest import confirmed_item

OTHER_COUNTRY = "KH"
COMMUNE = "VN44-LT-KIMTHUY"
# The platform's keys hold every scope: the API rows answer for the door, tests/hashing for scopes.
EVERY_SCOPE = list(ApiScope.values)


@dataclass(frozen=True)
class Actor:
    """Who asks: a visitor, a platform's API key, or a signed-in person acting through `membership`
    (None when they have several memberships and have chosen none)."""

    name: str
    user: User | None = None
    membership: Membership | None = None
    api_key: str = ""
    api_key_revoked: bool = False

    @property
    def signed_in(self) -> bool:
        return self.user is not None


@dataclass
class World:
    """Everyone who asks, and the records asked about, named for whose they are."""

    actors: list[Actor] = field(default_factory=list)
    agencies: dict[str, Agency] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)
    reports: dict[str, Report] = field(default_factory=dict)
    claims: dict[str, QueueClaim] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    consents: dict[str, Consent] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    follow_ups: dict[str, FollowUp] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    link_requests: dict[str, ChildLinkRequest] = field(default_factory=dict)
    forms: dict[str, AssessmentForm] = field(default_factory=dict)
    feedback_token: str = ""
    items: dict[str, ContentItem] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    notices: dict[str, Notice] = field(default_factory=dict)
    packages: dict[str, ReferralPackage] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    banks: dict[str, HashBank] = field(default_factory=dict)
    entries: dict[str, HashEntry] = field(default_factory=dict)
    imports: dict[str, HashImport] = field(default_factory=dict)
    api_keys: dict[str, ApiKey] = field(default_factory=dict)
    exchanges: dict[str, ExchangeConnection] = field(default_factory=dict)
    subject_requests: dict[str, SubjectRequest] = field(default_factory=dict)
    training_sessions: dict[str, TrainingSession] = field(default_factory=dict)
    training_attendances: dict[str, Attendance] = field(default_factory=dict)
    posters: dict[str, Poster] = field(default_factory=dict)
    # label -> (a platform's report, what the matrix's platform key is answered for it)
    platform_reports: dict[str, tuple[PlatformReport, str]] = field(default_factory=dict)
    rule: TriageRule | None = None
    reply_template: ReplyTemplate | None = None
    help_slug: str = ""
    chat_channel: ChatChannel | None = None
    blocked_sender: BlockedSender | None = None
    received_image: ReceivedImage | None = None

    def actor(self, name: str) -> Actor:
        return next(actor for actor in self.actors if actor.name == name)


# The demo accounts, by the name the matrix gives them: (e-mail, demo agency key).
DEMO_ACTORS = {
    "counsellor": ("counsellor@demo.childshield.test", "helpline"),
    "helpline supervisor": ("helpline.supervisor@demo.childshield.test", "helpline"),
    "case worker": ("case.worker@demo.childshield.test", "social"),
    "case worker (NGO)": ("case.worker@demo.childshield.test", "ngo"),
    "case supervisor": ("case.supervisor@demo.childshield.test", "social"),
    "focal point": ("focal.point@demo.childshield.test", "school"),
    "hotline analyst": ("hotline.analyst@demo.childshield.test", "hotline"),
    "hotline lead": ("hotline.lead@demo.childshield.test", "hotline"),
    "programme manager": ("programme.manager@demo.childshield.test", "ngo"),
    # Limited to one province (Quảng Trị): the same pages, its figures only.
    "province manager": ("province.manager@demo.childshield.test", "ngo"),
    "platform staff": ("platform.staff@demo.childshield.test", "platform"),
    "regulator": ("regulator@demo.childshield.test", "regulator"),
    "agency admin": ("agency.admin@demo.childshield.test", "social"),
    "system admin": ("system.admin@demo.childshield.test", "helpline"),
}

# Agencies the demo lacks: (key, name, kind, country, area codes).
EXTRA_AGENCIES = (
    ("helpline 2", "Second Child Helpline (matrix)", AgencyKind.HELPLINE, "VN", ("VN",)),
    ("social 2", "Second Social Work Office (matrix)", AgencyKind.SOCIAL_SERVICES, "VN", (COMMUNE,)),
    ("helpline KH", "Child Helpline Cambodia (matrix)", AgencyKind.HELPLINE, OTHER_COUNTRY, ()),
    ("hotline KH", "Child Online Hotline Cambodia (matrix)", AgencyKind.HOTLINE, OTHER_COUNTRY, ()),
    ("police KH", "Cybercrime Police Cambodia (matrix)", AgencyKind.POLICE, OTHER_COUNTRY, ()),
)

# People the demo lacks: (name, agency key, role).
EXTRA_ACTORS = (
    ("counsellor's colleague", "helpline", Role.COUNSELLOR),
    ("case worker's colleague", "social", Role.CASE_WORKER),
    ("counsellor (helpline 2)", "helpline 2", Role.COUNSELLOR),
    ("helpline supervisor (helpline 2)", "helpline 2", Role.HELPLINE_SUPERVISOR),
    ("counsellor (KH)", "helpline KH", Role.COUNSELLOR),
    ("helpline supervisor (KH)", "helpline KH", Role.HELPLINE_SUPERVISOR),
    ("case worker (social 2)", "social 2", Role.CASE_WORKER),
    ("case supervisor (social 2)", "social 2", Role.CASE_SUPERVISOR),
    ("agency admin (social 2)", "social 2", Role.AGENCY_ADMIN),
    ("police officer", "police", Role.CASE_WORKER),
    ("hotline analyst (KH)", "hotline KH", Role.HOTLINE_ANALYST),
    ("hotline lead (KH)", "hotline KH", Role.HOTLINE_LEAD),
)


def world_build() -> World:
    """Everything the matrix asks about, on top of a seeded demo (`demo_seed`)."""
    world = World()
    _people(world)
    _reports_and_claims(world)
    _contacts(world)
    _cases(world)
    _hotline(world)
    _hashing(world)
    _exchanges(world)
    _directory_and_shared(world)
    _subject_requests(world)
    _training(world)
    _posters(world)
    return world


def _people(world: World) -> None:
    names = {spec.key: spec.name for spec in AGENCIES}
    for key, name in names.items():
        world.agencies[key] = Agency.objects.get(name=name)
    for key, name, kind, country, areas in EXTRA_AGENCIES:
        agency = Agency.objects.create(name=name, kind=kind, country=country)
        if areas:
            agency_areas_add(agency=agency, area_codes=areas)
        world.agencies[key] = agency
    assert {account.email for account in ACCOUNTS} == {email for email, _ in DEMO_ACTORS.values()}, (
        "a demo account was added or renamed: give it a name in DEMO_ACTORS"
    )
    for name, (email, agency_key) in DEMO_ACTORS.items():
        world.members[name] = Membership.objects.select_related("user", "agency").get(
            user__email=email, agency=world.agencies[agency_key]
        )
    for name, agency_key, role in EXTRA_ACTORS:
        email = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".") + "@matrix.test"
        user = User.objects.create_user(email=email, password=None, full_name=f"{name.title()} Matrix")
        world.members[name] = Membership.objects.create(
            user=user, agency=world.agencies[agency_key], role=role
        )
    world.actors.append(Actor("visitor"))
    several = world.members["case worker"].user
    world.actors.append(Actor("signed in, acting for no agency", user=several))
    world.actors += [
        Actor(name, user=member.user, membership=member) for name, member in world.members.items()
    ]


def _report(world: World, key: str, reference_hint: str, *, country: str = "VN") -> Report:
    content = ReportContent(
        about="me", safe_now="yes", harms=["other"], description="Made up for the matrix."
    )
    with override_settings(CHILDSHIELD_COUNTRY=country):
        report = report_submit(
            content=content, idempotency_key=f"matrix-{reference_hint}", language="en"
        ).report
    world.reports[key] = report
    return report


def _reports_and_claims(world: World) -> None:
    members = world.members
    # A report waiting unclaimed in each country's queue, and one held by each helpline's counsellor.
    _report(world, "VN waiting", "vn-waiting")
    _report(world, "KH waiting", "kh-waiting", country=OTHER_COUNTRY)
    for key, holder in (
        ("held by the counsellor", "counsellor"),
        ("held by helpline 2's counsellor", "counsellor (helpline 2)"),
        ("held by the KH counsellor", "counsellor (KH)"),
    ):
        country = members[holder].agency.country
        report = _report(world, key, key.replace(" ", "-"), country=country)
        world.claims[key] = queue_claim(acting=members[holder], report=report)
    assert all(report.status == ReportStatus.NEW for report in world.reports.values())


def _contacts(world: World) -> None:
    categories = list(Category.objects.filter(is_active=True, children__isnull=True)[:1])
    for key, counsellor in (
        ("the counsellor's", "counsellor"),
        ("helpline 2's", "counsellor (helpline 2)"),
    ):
        world.contacts[key] = contact_log(
            acting=world.members[counsellor],
            details=ContactDetails(
                channel="phone", categories=categories, summary="Made up for the matrix.", outcome="resolved"
            ),
        )


def _child(name: str) -> ChildInput:
    return ChildInput(full_name=name, area=Area.objects.get(code=COMMUNE), estimated_age=13, gender="girl")


def _consent(*agencies: Agency) -> ConsentInput:
    return ConsentInput(
        purpose="Support",
        agencies=list(agencies),
        sections=list(ShareSection.values),
        child_assent=True,
        caregiver_consent=True,
        caregiver_name="Matrix Caregiver",
    )


def _png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_picture(90), content_type="image/png")


def _cases(world: World) -> None:
    members, agencies = world.members, world.agencies
    today = timezone.localdate()
    for key, worker, supervisor, consent_to in (
        ("social's", "case worker", "case supervisor", [agencies["ngo"], agencies["social 2"]]),
        ("social 2's", "case worker (social 2)", "case supervisor (social 2)", [agencies["social"]]),
    ):
        acting = members[worker]
        case = case_open(
            acting=acting,
            child=_child(f"Matrix Child {key}"),
            risk_level="medium",
            harm_types=[HarmType.GROOMING],
            summary="Made up for the matrix.",
            supervisor=members[supervisor],
            consent=_consent(*consent_to),
            duplicates_acknowledged=True,
        )
        world.cases[key] = case
        world.consents[key] = case.consents.get()
        world.services[key] = service_add(
            acting=acting, case=case, kind=ServiceKind.SOCIAL_SERVICE, provider=acting.agency
        )
        world.follow_ups[key] = followup_add(
            acting=acting, case=case, due_on=today + timedelta(days=7), assignee=acting
        )
        world.attachments[key] = attachment_add(acting=acting, case=case, upload=_png("scan.png"))
    social_case, other_case = world.cases["social's"], world.cases["social 2's"]
    # The NGO reads the social office's case through an accepted referral (not a hand-over)...
    to_ngo = referral_send(
        acting=members["case worker"],
        case=social_case,
        to_agency=agencies["ngo"],
        services=[ServiceKind.MHPSS],
        consent=world.consents["social's"],
        sections=[ShareSection.PROFILE, ShareSection.HARM],
        urgency=Urgency.ROUTINE,
    )
    referral_accept(acting=members["case worker (NGO)"], referral=to_ngo)
    # ... and each social office waits to answer a referral from the other.
    world.referrals["to social"] = referral_send(
        acting=members["case worker (social 2)"],
        case=other_case,
        to_agency=agencies["social"],
        services=[ServiceKind.SOCIAL_SERVICE],
        consent=world.consents["social 2's"],
        sections=[ShareSection.PROFILE],
        urgency=Urgency.ROUTINE,
    )
    world.referrals["to social 2"] = referral_send(
        acting=members["case worker"],
        case=social_case,
        to_agency=agencies["social 2"],
        services=[ServiceKind.SOCIAL_SERVICE],
        consent=world.consents["social's"],
        sections=[ShareSection.PROFILE],
        urgency=Urgency.ROUTINE,
    )
    # Each social office asks the other whether the child of its case is one the other knows.
    for key, case, known, asker in (
        ("to social", other_case, social_case, "case worker (social 2)"),
        ("to social 2", social_case, other_case, "case worker"),
    ):
        world.link_requests[key] = ChildLinkRequest.objects.create(
            case=case, child=known.child, holding_agency=known.agency, requested_by=members[asker]
        )
    # Social office 2's administrator broke the glass on their own agency's case, the system
    # administrator on the social office's.
    break_glass_open(
        acting=members["agency admin (social 2)"], case=other_case, reason="The child is missing tonight."
    )
    break_glass_open(acting=members["system admin"], case=social_case, reason="The child is missing tonight.")
    _invitation, world.feedback_token = feedback_invite(
        acting=members["case worker"], case=social_case, respondent="child"
    )
    for key, supervisor in (("social's", "case supervisor"), ("social 2's", "case supervisor (social 2)")):
        current = assessment_form_current(kind="safety", agency_id=members[supervisor].agency_id)
        assert current is not None
        world.forms[key] = assessment_form_publish(
            acting=members[supervisor], kind="safety", title=current.title, questions=current.questions
        )
    default = AssessmentForm.objects.filter(kind="safety", agency__isnull=True).order_by("-version").first()
    assert default is not None
    world.forms["default"] = default


def _hotline(world: World) -> None:
    members, agencies = world.members, world.agencies
    notice = Notice.objects.select_related("item").filter(item__agency=agencies["hotline"]).first()
    assert notice is not None, "the demo's hotline items have notices"
    world.notices["the hotline's"] = notice
    world.items["the hotline's"] = notice.item
    world.items["the KH hotline's"] = confirmed_item(
        "https://matrix.example/kh/1",
        analyst=members["hotline analyst (KH)"],
        second=members["hotline lead (KH)"],
    )
    for key, analyst in (("the hotline's", "hotline analyst"), ("the KH hotline's", "hotline analyst (KH)")):
        world.evidence[key] = evidence_add(
            acting=members[analyst], item=world.items[key], upload=_png("c.png")
        )
    confirmed = ContentItem.objects.filter(
        agency=agencies["hotline"], status__in=["confirmed", "notice_sent"]
    )
    world.packages["the hotline's, to the police"] = package_create(
        acting=members["hotline lead"], items=confirmed, recipient=agencies["police"]
    )
    world.packages["the KH hotline's, to KH police"] = package_create(
        acting=members["hotline lead (KH)"],
        items=[world.items["the KH hotline's"]],
        recipient=agencies["police KH"],
    )


def _hashing(world: World) -> None:
    members, agencies = world.members, world.agencies
    world.banks["the hotline's"] = HashBank.objects.get(owner=agencies["hotline"], name=DEMO_BANK_NAME)
    world.banks["the KH hotline's"] = hashing.bank_create(
        actor=members["hotline lead (KH)"],
        name="Matrix bank",
        source=BankSource.HOTLINE_CONFIRMED,
        sharing=SharingPolicy.NOT_SHARED,
    )
    for key, lead in (("the hotline's", "hotline lead"), ("the KH hotline's", "hotline lead (KH)")):
        bank = world.banks[key]
        world.imports[key] = hashing.list_import(
            actor=members[lead], bank=bank, text=f"md5,{'ab' * 16}\n", fmt="signals", filename="matrix.csv"
        )
        world.entries[key] = (
            HashEntry.objects.filter(bank=bank, removed_at__isnull=True).order_by("pk").first()
        )
        world.api_keys[key], _secret = hashing.api_key_issue(
            actor=members[lead], agency=members[lead].agency, name="Matrix key"
        )
    key, secret = hashing.api_key_issue(
        actor=members["system admin"], agency=agencies["platform"], name="Platform", scopes=EVERY_SCOPE
    )
    world.actors.append(Actor("a platform's API key", api_key=secret))
    _other, other_key, _other_secret = platform_credential_create(
        name="Another platform (matrix)", country="VN", scopes=EVERY_SCOPE
    )
    for label, reporter, answer in (("own", key, "200"), ("another platform's", other_key, "404")):
        report = platform_report_receive(
            key=reporter, data=PlatformReportData(incident_type="other", description="Matrix report.")
        )
        world.platform_reports[label] = (report, answer)
    # Filed with the KH hotline (the KH hotline's analysts read it, the VN hotline's do not).
    with override_settings(CHILDSHIELD_COUNTRY=OTHER_COUNTRY):
        report = platform_report_receive(
            key=other_key, data=PlatformReportData(incident_type="other", description="Matrix report (KH).")
        )
    world.platform_reports["another platform's, filed in KH"] = (report, "404")
    revoked, secret = hashing.api_key_issue(
        actor=members["system admin"], agency=agencies["platform"], name="Old", scopes=EVERY_SCOPE
    )
    hashing.api_key_revoke(actor=members["system admin"], key=revoked)
    world.actors.append(Actor("a revoked API key", api_key=secret, api_key_revoked=True))


def _exchanges(world: World) -> None:
    """A connection of each hotline to an exchange (never run: the matrix asks only what is refused)."""
    for key, lead in (("the hotline's", "hotline lead"), ("the KH hotline's", "hotline lead (KH)")):
        world.exchanges[key] = connection_create(
            actor=world.members[lead],
            data=ConnectionData(
                name="Matrix exchange",
                kind=ExchangeKind.STOPNCII,
                bank=world.banks[key],
                credentials={"subscription_key": "matrix", "fetch_function_key": "matrix"},
            ),
        )


def _directory_and_shared(world: World) -> None:
    agencies = world.agencies
    world.resources["social's"] = Resource.objects.filter(agency=agencies["social"]).order_by("pk").first()
    world.resources["the police's"] = (
        Resource.objects.filter(agency=agencies["police"]).order_by("pk").first()
    )
    assert all(world.resources.values()), "the demo directory lists services of the social office and police"
    world.rule = TriageRule.objects.order_by("pk").first()
    world.reply_template = ReplyTemplate.objects.order_by("pk").first()
    world.help_slug = "sextortion"  # the first of the library's shipped articles
    world.chat_channel = channel_save(
        acting=None,
        channel=ChatChannel(kind=ChannelKind.TELEGRAM, name="Matrix Telegram", secret="matrix-secret"),
    )
    world.blocked_sender = BlockedSender.objects.create(
        channel=world.chat_channel,
        sender_key="0" * 64,
        blocked_by=world.members["helpline supervisor"],
        reason="made-up abuse",
    )
    # A picture passed from a chat to the country's hotline (a drawn one).
    world.received_image = received_image_add(
        passed_by=world.members["counsellor"],
        report=next(iter(world.reports.values())),
        content=demo_picture(1),
    )
    # An authenticator (never confirmed) of someone who is not asking, for the admin's device pages.
    someone = User.objects.create_user(email="authenticator@matrix.test", password=None, full_name="Someone")
    TOTPDevice.objects.create(user=someone, name="phone", confirmed=False)
    assert world.rule is not None and world.reply_template is not None


def _subject_requests(world: World) -> None:
    """A staff member's access request, their identity checked and their account found: every page
    of it has something to show."""
    admin = world.members["system admin"]
    request = subject_request_create(
        acting=admin, data=RequestInput(kind="access", requester_name="A made-up counsellor")
    )
    request = subject_request_identity_record(
        acting=admin,
        request=request,
        document="staff_account",
        checked_by="Matrix",
        checked_at=timezone.now(),
    )
    world.subject_requests["a"] = subject_request_subject_set(
        acting=admin,
        request=request,
        kind=SubjectKind.STAFF_USER,
        record_id=world.members["counsellor"].user_id,
    )


def _training(world: World) -> None:
    """A training session of the school (its focal point's) and one of the second social work office,
    each with a member who attended: one's own and another agency's session and certificate."""
    course = Course.objects.order_by("pk").first()
    assert course is not None, "the training courses are installed by learning's migration"
    for key, recorder, attendee in (
        ("the school's", "focal point", "focal point"),
        ("social 2's", "case supervisor (social 2)", "case worker (social 2)"),
    ):
        session = training_session_record(
            acting=world.members[recorder],
            data=SessionInput(
                course=course,
                held_on=timezone.localdate() - timedelta(days=3),
                place="Made-up hall",
                trainer="Made-up Trainer",
                members={world.members[attendee]: Scores(pre=1, post=2)},
            ),
        )
        world.training_sessions[key] = session
        world.training_attendances[key] = session.attendances.get()


def _posters(world: World) -> None:
    """A poster made by the school's focal point and one by the second social work office's
    administrator: one's own agency's poster and another's."""
    commune = Area.objects.filter(country="VN", level=Area.Level.COMMUNE, valid_to__isnull=True).order_by(
        "code"
    )[0]
    for key, maker in (("the school's", "focal point"), ("social 2's", "agency admin (social 2)")):
        world.posters[key] = poster_make(
            actor=world.members[maker],
            data=PosterInput(
                area_code=commune.code,
                place_name=f"Made-up school ({key})",
                kind="school",
                language="vi",
                paper="A4",
            ),
        )
