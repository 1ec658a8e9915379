"""Demo cases: a few dozen made-up children in the pilot communes, at every stage of the workflow.

Everything is made through the cases services, as workers would; only the dates are moved back
afterwards so the lists look lived-in. Names are invented. Running it again creates nothing.
"""

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from childshield.accounts.models import Agency, Membership, Role, User
from childshield.cases.assessment_forms import CHILD_WISHES
from childshield.cases.models import Case, CaseAssignment, ClosureRequest, Referral
from childshield.cases.models.cases import CaseStatus, ClosureReason, HarmType
from childshield.cases.models.closure import ClosureDecision, ClosureWarning
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.plan import ServiceStatus
from childshield.cases.models.referrals import Urgency
from childshield.cases.selectors.assessments import assessment_form_current
from childshield.cases.services.assessments import assessment_forms_default_install, assessment_record
from childshield.cases.services.assignments import case_reassign
from childshield.cases.services.closure import (
    case_closure_approve,
    case_closure_request,
    case_closure_send_back,
)
from childshield.cases.services.consent import ConsentInput
from childshield.cases.services.feedback import FEEDBACK_QUESTIONS, feedback_record_paper
from childshield.cases.services.follow_ups import followup_add, followup_complete
from childshield.cases.services.opening import ChildInput, case_open
from childshield.cases.services.plan import service_add, service_provider_set, service_update
from childshield.cases.services.referrals import referral_accept, referral_decline, referral_send
from childshield.cases.services.status import case_status_change
from childshield.cases.workflow import ASSESSMENT_BEFORE
from childshield.demo.accounts import AGENCIES
from childshield.directory.models import ServiceKind
from childshield.places.models import Area

FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Hồ", "Y", "A", "Đinh")
MIDDLE_NAMES = ("Thị", "Văn", "Minh", "Ngọc", "Thu", "Đức", "Hồng", "Gia")
GIVEN_NAMES = (
    "Lan", "Hoa", "Mai", "Linh", "Trang", "Nhung", "Bình", "Nam", "Hùng", "Phúc", "Thảo", "Vy",
    "Khánh", "Hương", "Tâm", "Quân", "Yến", "Sương",
)  # fmt: skip

QUANG_BINH = ("VN44-LT-KIMTHUY", "VN44-QN-TRUONGSON", "VN44-MH-THUONGHOA")
KON_TUM = ("VN62-KR-DAKKOI", "VN62-KR-DAKPNE", "VN62-KR-DAKTORE")
# Kinh, Bru-Vân Kiều and Chứt live around the Quảng Bình communes; Xơ-Đăng, Ba Na and Gié-Triêng in Kon Rẫy.
ETHNIC_GROUPS = {"VN44": ("VN-01", "VN-01", "VN-23", "VN-44"), "VN62": ("VN-14", "VN-13", "VN-27", "VN-01")}

FORMER_WORKER = "former.worker@demo.childshield.test"

SUMMARIES = (
    "Someone met in an online game asks for photos and threatens to send earlier ones to classmates.",
    "Classmates shared a private picture in a group chat; the child stopped going to school.",
    "An adult 'friend' on social media sends gifts and asks to meet alone.",
    "The child was pressured to film herself and the video was sold in a channel.",
    "Sexual rumours and edited pictures posted about the child on a school page.",
)

DEMO_HARMS: list[str] = [
    HarmType.GROOMING,
    HarmType.SEXTORTION,
    HarmType.NON_CONSENSUAL_SHARING,
    HarmType.SEXUAL_CYBERBULLYING,
    HarmType.SELF_GENERATED_UNDER_PRESSURE,
]

WORKFLOW = (
    CaseStatus.OPEN,
    CaseStatus.SAFETY_ASSESSMENT,
    CaseStatus.COMPREHENSIVE_ASSESSMENT,
    CaseStatus.SERVICE_PLAN,
    CaseStatus.IMPLEMENTATION,
    CaseStatus.FOLLOW_UP,
)


FEEDBACK_STAGES = (CaseStatus.IMPLEMENTATION, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED)


def _feedback(rng: random.Random) -> dict[str, str]:
    # Mostly good answers, some mixed: made up, like everything in the demo.
    return {
        question: rng.choices(["yes", "a_little", "no", "not_said"], weights=[7, 2, 1, 1])[0]
        for question in FEEDBACK_QUESTIONS
    }


@dataclass(frozen=True)
class Cast:
    focal_point: Membership
    worker: Membership
    supervisor: Membership
    counsellor: Membership | None
    ngo_worker: Membership | None
    agencies: dict[str, Agency]


def _membership(email: str, agency: Agency) -> Membership | None:
    return (
        Membership.objects.select_related("agency", "user")
        .filter(user__email=email, agency=agency, is_active=True)
        .first()
    )


def _cast() -> Cast | None:
    names = {spec.key: spec.name for spec in AGENCIES}
    agencies = {agency.name: agency for agency in Agency.objects.filter(name__in=names.values())}
    by_key = {key: agencies[name] for key, name in names.items() if name in agencies}
    if not {"school", "social", "helpline", "ngo", "health"} <= set(by_key):
        return None
    focal_point = _membership("focal.point@demo.childshield.test", by_key["school"])
    worker = _membership("case.worker@demo.childshield.test", by_key["social"])
    supervisor = _membership("case.supervisor@demo.childshield.test", by_key["social"])
    if focal_point is None or worker is None or supervisor is None:
        return None
    return Cast(
        focal_point=focal_point,
        worker=worker,
        supervisor=supervisor,
        counsellor=_membership("counsellor@demo.childshield.test", by_key["helpline"]),
        ngo_worker=_membership("case.worker@demo.childshield.test", by_key["ngo"]),
        agencies=by_key,
    )


def _child(rng: random.Random, area: Area, today: date, used: set[str]) -> ChildInput:
    while True:
        name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
        if name not in used:
            used.add(name)
            break
    female = rng.random() < 0.7  # the model reaches girls first
    age = rng.randint(10, 17)
    exact = rng.random() < 0.6
    return ChildInput(
        full_name=name,
        area=area,
        date_of_birth=date(today.year - age, rng.randint(1, 12), rng.randint(1, 28)) if exact else None,
        estimated_age=None if exact else age,
        sex="female" if female else "male",
        gender="girl" if female else "boy",
        ethnicity=rng.choice(ETHNIC_GROUPS[area.code[:4]]),
        disability={"hearing": "a_lot"} if rng.random() < 0.1 else {"seeing": "none", "hearing": "none"},
        languages=["vi"],
        school=f"{area.name} Lower Secondary School",
        caregivers=[
            {"name": f"{name.split()[0]} Văn Demo", "relationship": "father", "phone": "0900 000 000"}
        ],
        safe_contact="Through the class teacher",
    )


def _consent(*agencies: Agency) -> ConsentInput:
    return ConsentInput(
        purpose="Protection and support services for the child",
        agencies=list(agencies),
        sections=list(ShareSection.values),
        child_assent=True,
        caregiver_consent=True,
        caregiver_name="Demo caregiver",
    )


def _advance(
    case: Case, *, to: str, acting: Membership, agency: Agency, today: date, rng: random.Random
) -> Case:
    """Walk the case through the workflow as its worker would, adding services and follow-ups."""
    target = WORKFLOW.index(CaseStatus(to)) if to != CaseStatus.CLOSED else len(WORKFLOW) - 1
    for step in WORKFLOW[1 : target + 1]:
        needed = ASSESSMENT_BEFORE.get(step)
        if needed:
            _assess(case, kind=needed, acting=acting, rng=rng)
        case = case_status_change(acting=acting, case=case, version=case.version, to_status=step)
        if step == CaseStatus.SERVICE_PLAN:
            for kind in rng.sample([ServiceKind.MHPSS, ServiceKind.HEALTH, ServiceKind.EDUCATION], 2):
                service_add(acting=acting, case=case, kind=kind, provider=agency, starts_on=today)
        if step == CaseStatus.IMPLEMENTATION:
            followup_add(
                acting=acting,
                case=case,
                due_on=today + timedelta(days=rng.choice([-5, -2, 0, 0, 3, 7])),
                assignee=acting,
                purpose="Home visit and check the safety plan",
            )
    return case


TEXT_ANSWERS = {CHILD_WISHES: "To stay in her class, and that nobody at school hears about the photos."}


def _assess(case: Case, *, kind: str, acting: Membership, rng: random.Random) -> None:
    form = assessment_form_current(kind=kind, agency_id=case.agency_id)
    assert form is not None
    answers = {
        question["key"]: rng.choice(question["choices"])["value"]
        if question["type"] == "choice"
        else TEXT_ANSWERS.get(question["key"], "Talked with the child and the caregiver at school.")
        for question in form.questions
    }
    assessment_record(acting=acting, case=case, form=form, answers=answers)


def _close(case: Case, *, worker: Membership, supervisor: Membership, today: date) -> Case:
    for service in case.services.exclude(status__in=[ServiceStatus.COMPLETED, ServiceStatus.REFUSED]):
        service_update(
            acting=worker,
            service=service,
            version=service.version,
            status=ServiceStatus.COMPLETED,
            starts_on=service.starts_on,
            ends_on=today,
            outcome="Completed as planned",
        )
    for follow_up in case.follow_ups.filter(done_at__isnull=True):
        followup_complete(acting=worker, follow_up=follow_up, outcome="Child safe and back at school")
    case.refresh_from_db()
    case = case_closure_request(
        acting=worker,
        case=case,
        version=case.version,
        reason=ClosureReason.GOALS_MET,
        checklist={"child_safe": True, "services_done": True, "caregiver_informed": True},
    )
    return case_closure_approve(
        acting=supervisor, case=case, version=case.version, acknowledged=ClosureWarning.values
    )


def _ask_to_close(case: Case, *, worker: Membership, days_ago: int) -> Case:
    """The worker asks to close while a service still runs, saying why in the note."""
    case.refresh_from_db()
    case = case_closure_request(
        acting=worker,
        case=case,
        version=case.version,
        reason=ClosureReason.MOVED,
        checklist={"child_safe": True, "services_done": False, "caregiver_informed": True},
        note="The family moves to Đồng Hới next month; the health centre there takes over the check-ups.",
    )
    asked = timezone.now() - timedelta(days=days_ago, hours=3)
    Case.objects.filter(pk=case.pk).update(closure_requested_at=asked)
    ClosureRequest.objects.filter(case=case, decision=ClosureDecision.WAITING).update(requested_at=asked)
    case.refresh_from_db()
    return case


def _handed_over(
    cast: Cast, *, rng: random.Random, area: Area, today: date, used: set[str], social: Agency
) -> int:
    user = User.objects.filter(email=FORMER_WORKER).first() or User.objects.create_user(
        email=FORMER_WORKER, password=None, full_name="Bình Demo"
    )
    former, _ = Membership.objects.get_or_create(user=user, agency=social, role=Role.CASE_WORKER)
    case = case_open(
        acting=former,
        child=_child(rng, area, today, used),
        risk_level="medium",
        harm_types=[HarmType.GROOMING],
        summary=rng.choice(SUMMARIES),
        supervisor=cast.supervisor,
        consent=_consent(cast.agencies["health"]),
        duplicates_acknowledged=True,
    )
    case = _advance(case, to=CaseStatus.SAFETY_ASSESSMENT, acting=former, agency=social, today=today, rng=rng)
    _backdate(case, days=40)
    case_reassign(
        acting=cast.supervisor,
        case=case,
        version=case.version,
        new_lead=cast.worker,
        note="Bình moved to the district office. The child trusts the class teacher; call the aunt first.",
    )
    # She left: her account stays for the history, and signs in no more.
    Membership.objects.filter(pk=former.pk).update(is_active=False)
    User.objects.filter(pk=user.pk).update(is_active=False)
    return 1


def _backdate(case: Case, days: int) -> None:
    opened = timezone.now() - timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(
        opened_at=opened,
        safety_assessment_due_at=opened + timedelta(hours=settings.CASES_SAFETY_ASSESSMENT_HOURS),
    )
    first = CaseAssignment.objects.filter(case_id=case.pk).order_by("started_at", "id").first()
    if first is not None:
        CaseAssignment.objects.filter(pk=first.pk).update(started_at=opened)


def _backdate_referral(referral: Referral, hours: int) -> None:
    """Move a referral's sending back, its deadline with it (as if it was sent then)."""
    sent_at = timezone.now() - timedelta(hours=hours)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=sent_at, respond_by=sent_at + (referral.respond_by - referral.sent_at)
    )


@transaction.atomic
def demo_cases_seed() -> int:
    """Create the demo cases unless they exist; returns how many cases were made."""
    # `migrate` installs the shipped assessment forms; a demo seeded into an older database gets them here.
    assessment_forms_default_install()
    cast = _cast()
    if cast is None or Case.objects.filter(opened_by_agency__in=cast.agencies.values()).exists():
        return 0
    rng = random.Random(20251125)  # noqa: S311 - made-up data, not security
    today = timezone.localdate()
    areas = {area.code: area for area in Area.objects.filter(code__in=QUANG_BINH + KON_TUM)}
    if len(areas) < len(QUANG_BINH + KON_TUM):
        return 0
    social, health, ngo = cast.agencies["social"], cast.agencies["health"], cast.agencies["ngo"]
    used: set[str] = set()
    made = 0
    stages = [*WORKFLOW, CaseStatus.CLOSED]

    def harms() -> list[str]:
        return rng.sample(DEMO_HARMS, 2)

    # The commune social worker's own cases, one or more at every stage.
    first_child: ChildInput | None = None
    for index in range(21):
        area = areas[QUANG_BINH[index % len(QUANG_BINH)]]
        child = _child(rng, area, today, used)
        first_child = first_child or child
        case = case_open(
            acting=cast.worker,
            child=child,
            risk_level=rng.choice(["low", "medium", "medium", "high"]),
            harm_types=harms(),
            risk_reasons="Threats continue; the child is frightened",
            summary=rng.choice(SUMMARIES),
            supervisor=cast.supervisor,
            consent=_consent(health, ngo),
            duplicates_acknowledged=True,
        )
        stage = stages[index % len(stages)]
        case = _advance(case, to=stage, acting=cast.worker, agency=social, today=today, rng=rng)
        if stage == CaseStatus.SERVICE_PLAN and index == 3:
            # The worker asks the health centre to provide one service of the plan: it waits in the
            # health centre's inbox, the service provided by the commune until the centre accepts.
            service = case.services.order_by("id").first()
            assert service is not None
            service_provider_set(
                acting=cast.worker,
                service=service,
                version=service.version,
                provider=health,
                consent=case.consents.get(),
                sections=[ShareSection.PROFILE, ShareSection.HARM, ShareSection.SERVICES],
                message="Could your counsellor take this part of the plan?",
            )
        if stage in FEEDBACK_STAGES:
            # The child and a caregiver answer the survey on paper once services are under way.
            for respondent in ("child", "caregiver"):
                feedback_record_paper(
                    acting=cast.worker,
                    case=case,
                    respondent=respondent,
                    answers=_feedback(rng),
                    language="vi",
                )
        if stage == CaseStatus.CLOSED:
            _close(case, worker=cast.worker, supervisor=cast.supervisor, today=today)
        if stage == CaseStatus.FOLLOW_UP:
            # Closures waiting for the supervisor, and one the supervisor sent back to the worker.
            case = _ask_to_close(case, worker=cast.worker, days_ago=index // 2)
            if index == 12:
                case = case_closure_send_back(
                    acting=cast.supervisor,
                    case=case,
                    version=case.version,
                    reason="The threats stopped only last week: visit the family at home, then ask again.",
                )
        if index % 5 == 2 and stage != CaseStatus.CLOSED:
            referral_send(
                acting=cast.worker,
                case=case,
                to_agency=health,
                services=[ServiceKind.HEALTH],
                consent=case.consents.get(),
                sections=[ShareSection.PROFILE, ShareSection.HARM],
                urgency=Urgency.URGENT,
                message="Please see the child this week.",
            )
        _backdate(case, days=10 + index * 6)
        made += 1

    # A worker who left the office: the supervisor handed her case to the commune social worker,
    # whose home page shows the handover with its note until she marks it read.
    made += _handed_over(cast, rng=rng, area=areas[QUANG_BINH[0]], today=today, used=used, social=social)

    # The school focal point's cases, handed to the commune social worker: most accepted, one
    # still waiting in the inbox, one declined.
    for index in range(8):
        area = areas["VN44-LT-KIMTHUY"]
        case = case_open(
            acting=cast.focal_point,
            child=_child(rng, area, today, used),
            risk_level=rng.choice(["medium", "high"]),
            harm_types=harms(),
            summary=rng.choice(SUMMARIES),
            consent=_consent(social),
            duplicates_acknowledged=True,
        )
        referral = referral_send(
            acting=cast.focal_point,
            case=case,
            to_agency=social,
            services=[ServiceKind.CASE_MANAGEMENT, ServiceKind.MHPSS],
            consent=case.consents.get(),
            sections=[ShareSection.IDENTITY, ShareSection.PROFILE, ShareSection.HARM],
            urgency=Urgency.URGENT if index % 2 else Urgency.ROUTINE,
            message="The form teacher can arrange a quiet room for a meeting.",
        )
        if index == 6:
            referral_decline(
                acting=cast.worker,
                referral=referral,
                reason="Outside our communes; please ask Lệ Thủy district.",
            )
        elif index < 6:
            referral_accept(acting=cast.worker, referral=referral, supervisor=cast.supervisor)
            case.refresh_from_db()
            if index == 0:
                # The counselling the school asked for, provided by the commune itself once accepted.
                requested = case.services.get(kind=ServiceKind.MHPSS)
                service_provider_set(
                    acting=cast.worker, service=requested, version=requested.version, provider=social
                )
            _advance(
                case, to=WORKFLOW[1 + index % 5], acting=cast.worker, agency=social, today=today, rng=rng
            )
        _backdate(case, days=5 + index * 9)
        made += 1

    # Helpline counsellors' cases waiting for the commune's answer.
    if cast.counsellor is not None:
        for index in range(3):
            case = case_open(
                acting=cast.counsellor,
                child=_child(rng, areas[QUANG_BINH[index]], today, used),
                risk_level="high",
                harm_types=[HarmType.SEXTORTION],
                summary="Called 111 at night; threats to share images unless she pays.",
                consent=_consent(social),
                duplicates_acknowledged=True,
            )
            referral = referral_send(
                acting=cast.counsellor,
                case=case,
                to_agency=social,
                services=[ServiceKind.CASE_MANAGEMENT],
                consent=case.consents.get(),
                sections=[ShareSection.IDENTITY, ShareSection.PROFILE, ShareSection.HARM],
                urgency=Urgency.EMERGENCY,
            )
            _backdate(case, days=index)
            # Two of them are past their deadline already: the inbox and the counsellor's pages show it.
            if index:
                _backdate_referral(referral, hours=3 * index)
            made += 1

    # The NGO's cases in Kon Rẫy, referred to the health centre.
    if cast.ngo_worker is not None:
        for index in range(4):
            area = areas[KON_TUM[index % len(KON_TUM)]]
            case = case_open(
                acting=cast.ngo_worker,
                child=_child(rng, area, today, used),
                risk_level=rng.choice(["low", "medium", "high"]),
                harm_types=harms(),
                summary=rng.choice(SUMMARIES),
                consent=_consent(health),
                duplicates_acknowledged=True,
            )
            case = _advance(
                case, to=WORKFLOW[index % 4], acting=cast.ngo_worker, agency=ngo, today=today, rng=rng
            )
            referral_send(
                acting=cast.ngo_worker,
                case=case,
                to_agency=health,
                services=[ServiceKind.HEALTH, ServiceKind.MHPSS],
                consent=case.consents.get(),
                sections=[ShareSection.PROFILE, ShareSection.HARM],
            )
            _backdate(case, days=3 + index * 11)
            made += 1

    # The NGO's outreach worker meets a child the commune already knows (her names said in
    # another order), records her anew and asks the commune to check: a request waiting for the
    # commune's case supervisor. The NGO sees nothing of the commune's case until it is accepted.
    if cast.ngo_worker is not None and first_child is not None:
        words = first_child.full_name.split()
        case_open(
            acting=cast.ngo_worker,
            child=replace(first_child, full_name=" ".join([*words[1:], words[0]]), caregivers=[]),
            risk_level="medium",
            harm_types=[HarmType.GROOMING],
            summary="Met at the youth club; says an online friend asks for photos.",
            consent=_consent(health),
            duplicates_acknowledged=True,
            ask_link=True,
            link_note="She says a commune social worker visited her family last year.",
        )
        made += 1
    return made
