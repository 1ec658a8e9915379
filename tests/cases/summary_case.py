"""A case with something in every section of its printable summary, set up through the services:
consent, a comprehensive assessment with the child's wishes, a service, a referral a hospital
accepted (sharing only the child's profile and the service plan), a follow-up, and a request to
close."""

from dataclasses import dataclass

from django.utils import timezone

from childshield.accounts.models import Agency, Membership
from childshield.cases.models import Case, Referral
from childshield.cases.models.cases import HarmType
from childshield.cases.models.consent import ShareSection
from childshield.cases.selectors.assessments import assessment_form_current
from childshield.cases.services.assessments import assessment_record
from childshield.cases.services.closure import case_closure_request
from childshield.cases.services.consent import ConsentInput
from childshield.cases.services.follow_ups import followup_add
from childshield.cases.services.opening import ChildInput, case_open
from childshield.cases.services.plan import service_add
from childshield.cases.services.referrals import referral_accept, referral_send
from childshield.directory.models import ServiceKind
from childshield.places.models import Area

WISHES = "To stay in her class, and that nobody at school hears about the photos."
CLOSING_NOTE = "Counselling goes on at the new school."
FOLLOW_UP = "Home visit with the caregiver"
# The printed summary's sections, in their order, as headed in English.
EVERY_HEADING = [
    "The child",
    "What happened",
    "Consent",
    "Assessments",
    "What the child wants",
    "Service plan",
    "Referrals",
    "Follow-ups",
    "Closure",
]
SHARED_WITH_HOSPITAL = [ShareSection.PROFILE, ShareSection.SERVICES]


@dataclass(frozen=True)
class FullCase:
    case: Case
    referral: Referral


def case_with_every_section(
    *,
    worker: Membership,
    supervisor: Membership,
    hospital_worker: Membership,
    area: Area,
) -> FullCase:
    hospital: Agency = hospital_worker.agency
    case = case_open(
        acting=worker,
        child=ChildInput(
            full_name="Lò Thị Mai",
            area=area,
            estimated_age=14,
            sex="female",
            gender="girl",
            languages=["vi"],
            caregivers=[{"name": "Lò Văn Sơn", "relationship": "father", "phone": "0912 000 111"}],
        ),
        risk_level="medium",
        harm_types=[HarmType.SEXTORTION],
        risk_reasons="Threats to share her photos with classmates",
        summary="A man met in a game asks for more photos.",
        supervisor=supervisor,
        consent=ConsentInput(
            purpose="Support from the commune social worker and the hospital",
            agencies=[worker.agency, hospital],
            sections=list(ShareSection.values),
            child_assent=True,
            caregiver_consent=True,
            caregiver_name="Lò Văn Sơn",
        ),
    )
    form = assessment_form_current(kind="comprehensive", agency_id=case.agency_id)
    assert form is not None
    answers = {q["key"]: q["choices"][0]["value"] for q in form.questions if q["type"] == "choice"}
    assessment_record(acting=worker, case=case, form=form, answers={**answers, "child_wishes": WISHES})
    service_add(acting=worker, case=case, kind=ServiceKind.MHPSS, provider=worker.agency)
    referral = referral_send(
        acting=worker,
        case=case,
        to_agency=hospital,
        services=[ServiceKind.MHPSS],
        consent=case.consents.get(),
        sections=SHARED_WITH_HOSPITAL,
    )
    referral_accept(acting=hospital_worker, referral=referral)
    followup_add(acting=worker, case=case, due_on=timezone.localdate(), assignee=worker, purpose=FOLLOW_UP)
    case.refresh_from_db()
    case = case_closure_request(
        acting=worker,
        case=case,
        version=case.version,
        reason="goals_met",
        checklist={"child_safe": True, "services_done": False, "caregiver_informed": True},
        note=CLOSING_NOTE,
    )
    return FullCase(case=case, referral=referral)
