"""Demo figures' cases: made-up children across the provinces, their cases at made-up district social
work offices, about a third closed through a closure request the office's supervisor approved.

Written in bulk with what `case_open`, `case_closure_request` and `case_closure_approve` would write
(the child's name indexes, the case number, the status history, the holding, the closure request),
so every figure and every page reads them as records the services made.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Membership, Role
from childshield.cases.models import (
    Case,
    CaseAssignment,
    CaseNumberCounter,
    CaseStatusChange,
    Child,
    ClosureRequest,
)
from childshield.cases.models.cases import CaseStatus, ClosureReason, HarmType, RiskLevel
from childshield.cases.models.children import ChildDuplicateKey, ChildNamePart, Sex
from childshield.cases.models.closure import ClosureDecision, ClosureWarning
from childshield.cases.name_search import (
    child_duplicate_index,
    child_name_index,
    name_part_indexes,
    stored_duplicate_keys,
)
from childshield.cases.numbers import case_number
from childshield.cases.reference import has_disability
from childshield.cases.workflow import CLOSURE_CHECKLIST
from childshield.core.choices import ChildGender
from childshield.core.ethnic_groups import ETHNICITY_NOT_SAID, ethnic_group_lists
from childshield.demo.cases import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES
from childshield.demo.synthetic import BATCH, Provinces, figures_agency, figures_member, moment, pick

CASES = 1200
OFFICES = 6
OFFICE_NAME = "Demo district social work office {number} (figures)"
CLOSED_SHARE = 0.42

HARM_WEIGHTS = {
    HarmType.GROOMING: 20,
    HarmType.SEXTORTION: 18,
    HarmType.NON_CONSENSUAL_SHARING: 16,
    HarmType.SELF_GENERATED_UNDER_PRESSURE: 12,
    HarmType.LIVE_STREAMED: 5,
    HarmType.ABUSE_MATERIAL: 6,
    HarmType.SEXUAL_CONTENT_EXPOSURE: 8,
    HarmType.SEXUAL_CYBERBULLYING: 10,
    HarmType.TRAFFICKING_LINKED: 3,
    HarmType.OTHER: 2,
}
RISK_WEIGHTS = {RiskLevel.LOW: 35, RiskLevel.MEDIUM: 45, RiskLevel.HIGH: 20}
SEX_WEIGHTS = {Sex.FEMALE: 67, Sex.MALE: 28, Sex.INTERSEX: 2, Sex.UNKNOWN: 3}
GENDER_OF_SEX = {
    Sex.FEMALE: {ChildGender.GIRL: 94, ChildGender.NON_BINARY: 2, ChildGender.NOT_SAID: 4},
    Sex.MALE: {ChildGender.BOY: 95, ChildGender.ANOTHER: 2, ChildGender.NOT_SAID: 3},
    Sex.INTERSEX: {
        ChildGender.NON_BINARY: 40,
        ChildGender.ANOTHER: 30,
        ChildGender.GIRL: 15,
        ChildGender.BOY: 15,
    },
    Sex.UNKNOWN: {ChildGender.UNKNOWN: 100},
}
# Age at opening: the model reaches adolescents first; a few younger children, a few just turned 18.
AGE_WEIGHTS = {7: 2, 8: 2, 9: 4, 10: 6, 11: 8, 12: 11, 13: 14, 14: 14, 15: 12, 16: 12, 17: 11, 18: 2}
CLOSURE_WEIGHTS = {
    ClosureReason.GOALS_MET: 60,
    ClosureReason.MOVED: 9,
    ClosureReason.TRANSFERRED: 10,
    ClosureReason.CHILD_DECLINED: 13,
    ClosureReason.OTHER: 8,
}
CLOSURE_NOTES = {
    ClosureReason.OTHER: "The family asked to pause; the school's focal point keeps in touch.",
    ClosureReason.CHILD_DECLINED: "The child said she feels safe now and does not want more visits.",
}
# The largest groups, and those of the pilot provinces, by code (core/data/ethnic_groups/VN.json);
# every other group of the list is recorded now and then, so each appears.
ETHNIC_WEIGHTS = {
    "VN-01": 50.0,  # Kinh
    "VN-02": 3,  # Tày
    "VN-03": 3,  # Thái
    "VN-06": 3,  # Mường
    "VN-05": 2.5,  # Khơ-me
    "VN-08": 3,  # Hmông
    "VN-07": 2,  # Nùng
    "VN-09": 2,  # Dao
    "VN-10": 2,  # Gia-rai
    "VN-12": 1.5,  # Ê-đê
    "VN-13": 2.5,  # Ba Na
    "VN-14": 3,  # Xơ-Đăng
    "VN-23": 3,  # Bru-Vân Kiều
    "VN-27": 1.5,  # Gié-Triêng
    ETHNICITY_NOT_SAID: 3,
    "": 1,
}
OTHER_GROUP_WEIGHT = 0.3
DISABILITY_ANSWERS: tuple[tuple[dict[str, str], int], ...] = (
    ({"seeing": "none", "hearing": "none", "walking": "none"}, 66),
    ({"seeing": "some", "hearing": "none"}, 4),
    ({"hearing": "a_lot"}, 4),
    ({"walking": "cannot"}, 2),
    ({"remembering": "a_lot", "seeing": "none"}, 2),
    ({}, 22),  # not asked
)
SUMMARIES = (
    "Met an adult in an online game who asked for pictures, then threatened to share them.",
    "A private picture was shared in a class group chat.",
    "An older 'friend' online sent gifts and asked to meet alone.",
    "Pressured to film herself; the video was passed on in a channel.",
)


@dataclass(frozen=True)
class Office:
    agency: Agency
    worker: Membership
    supervisor: Membership


def _offices(country: str, provinces: Provinces) -> list[Office]:
    offices = []
    for number in range(1, OFFICES + 1):
        covered = [area.code for index, area in enumerate(provinces.current) if index % OFFICES == number - 1]
        agency = figures_agency(
            country=country,
            name=OFFICE_NAME.format(number=number),
            kind=AgencyKind.SOCIAL_SERVICES,
            area_codes=covered,
        )
        worker = figures_member(
            agency=agency,
            role=Role.CASE_WORKER,
            handle=f"worker{number}",
            full_name=f"Demo case worker {number} (figures)",
        )
        supervisor = figures_member(
            agency=agency,
            role=Role.CASE_SUPERVISOR,
            handle=f"supervisor{number}",
            full_name=f"Demo case supervisor {number} (figures)",
        )
        offices.append(Office(agency=agency, worker=worker, supervisor=supervisor))
    return offices


def _ethnicity_weights() -> dict[str, float]:
    listed = ethnic_group_lists()["VN"].groups
    return {group.code: ETHNIC_WEIGHTS.get(group.code, OTHER_GROUP_WEIGHT) for group in listed} | {
        ETHNICITY_NOT_SAID: ETHNIC_WEIGHTS[ETHNICITY_NOT_SAID],
        "": ETHNIC_WEIGHTS[""],
    }


def _child(
    rng: random.Random, *, area_on: date, provinces: Provinces, opened: datetime, ethnicity: str
) -> Child:
    name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
    area = provinces.place_on(rng, area_on)
    sex = pick(rng, SEX_WEIGHTS)
    age = pick(rng, {str(age): weight for age, weight in AGE_WEIGHTS.items()})
    birth_year = None if rng.random() < 0.03 else opened.year - int(age)
    exact = birth_year is not None and rng.random() < 0.6
    disability = rng.choices(
        [answers for answers, _weight in DISABILITY_ANSWERS], [w for _a, w in DISABILITY_ANSWERS]
    )[0]
    return Child(
        full_name=name,
        date_of_birth=date(birth_year, rng.randint(1, 12), rng.randint(1, 28)).isoformat()
        if exact and birth_year
        else None,
        birth_year=birth_year,
        age_is_estimated=birth_year is not None and not exact,
        sex=sex,
        gender=pick(rng, GENDER_OF_SEX[sex]),
        ethnicity=ethnicity,
        disability=dict(disability),
        has_disability=has_disability(disability),
        languages=["vi"],
        area=area,
        name_index=child_name_index(name),
        duplicate_index=child_duplicate_index(name=name, birth_year=birth_year, area_id=area.pk),
        created_at=opened,
    )


def _closure(rng: random.Random, case: Case, office: Office, now: datetime) -> ClosureRequest | None:
    """An approved closure of `case`, or None when it stays open (too recent, or not yet)."""
    if rng.random() >= CLOSED_SHARE:
        return None
    decided = case.opened_at + timedelta(days=rng.randint(20, 240), hours=rng.randint(0, 8))
    if decided > now - timedelta(days=1):
        return None
    reason = pick(rng, CLOSURE_WEIGHTS)
    requested = decided - timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 6))
    checklist = {key: True for key, _label in CLOSURE_CHECKLIST}
    note = CLOSURE_NOTES.get(reason, "")
    warnings = [ClosureWarning.HIGH_RISK.value] if case.risk_level == RiskLevel.HIGH else []
    case.status = CaseStatus.CLOSED
    case.status_changed_at = decided
    case.closed_at = decided
    case.closure_reason = reason
    case.closure_checklist = checklist
    case.closure_note = note
    case.closure_requested_by = office.worker
    case.closure_requested_at = requested
    case.closure_approved_by = office.supervisor
    case.version = 3  # asked to close, then approved
    return ClosureRequest(
        case=case,
        requested_by=office.worker,
        requested_at=requested,
        reason=reason,
        checklist=checklist,
        note=note,
        decision=ClosureDecision.APPROVED,
        decided_by=office.supervisor,
        decided_at=decided,
        warnings_acknowledged=warnings,
    )


def _case(
    rng: random.Random, *, child: Child, office: Office, opened: datetime, sequence: int, year: int
) -> Case:
    harms = sorted({pick(rng, HARM_WEIGHTS) for _harm in range(rng.choice((1, 1, 2)))})
    return Case(
        opened_by_agency=office.agency,
        year=year,
        sequence=sequence,
        number=case_number(office.agency.short_code, year, sequence),
        child=child,
        agency=office.agency,
        lead_worker=office.worker,
        supervisor=office.supervisor,
        status=CaseStatus.OPEN,
        risk_level=pick(rng, RISK_WEIGHTS),
        harm_types=harms,
        summary=rng.choice(SUMMARIES),
        opened_at=opened,
        status_changed_at=opened,
        safety_assessment_due_at=opened + timedelta(hours=settings.CASES_SAFETY_ASSESSMENT_HOURS),
    )


def _office_of(area_province: int, provinces: Provinces, offices: list[Office]) -> Office:
    index = next(number for number, area in enumerate(provinces.current) if area.pk == area_province)
    return offices[index % OFFICES]


def _today_province(child: Child, provinces: Provinces) -> int:
    area = child.area
    while area.level != area.Level.PROVINCE and area.parent is not None:
        area = area.parent
    return next(pk for pk, members in provinces.lineage.items() if area in members)


def figures_cases_seed(*, rng: random.Random, provinces: Provinces, country: str, now: datetime) -> int:
    """The offices' cases, their children and closures; 0 when the offices have cases already."""
    offices = _offices(country, provinces)
    if Case.objects.filter(agency__in=[office.agency for office in offices]).exists():
        return 0
    ethnic = _ethnicity_weights()
    groups = [code for code in ethnic if code]
    openings = sorted(moment(rng, now) for _number in range(CASES))
    # Every group of the list appears at least twice over the two years; the rest as weighted.
    chosen = [groups[index % len(groups)] for index in range(2 * len(groups))]
    chosen += [pick(rng, ethnic) for _number in range(CASES - len(chosen))]
    rng.shuffle(chosen)
    children = [
        _child(
            rng,
            area_on=timezone.localtime(opened).date(),
            provinces=provinces,
            opened=opened,
            ethnicity=group,
        )
        for opened, group in zip(openings, chosen, strict=True)
    ]
    Child.objects.bulk_create(children, batch_size=BATCH)
    ChildNamePart.objects.bulk_create(
        (
            ChildNamePart(child=child, part_index=index)
            for child in children
            for index in sorted(name_part_indexes([child.full_name]))
        ),
        batch_size=BATCH,
    )
    ChildDuplicateKey.objects.bulk_create(
        (
            ChildDuplicateKey(child=child, key=key)
            for child in children
            for key in sorted(
                stored_duplicate_keys(
                    names=[child.full_name], birth_year=child.birth_year, area_id=child.area_id
                )
            )
        ),
        batch_size=BATCH,
    )
    sequences: dict[tuple[int, int], int] = {}
    cases: list[Case] = []
    offices_of: list[Office] = []
    for child, opened in zip(children, openings, strict=True):
        office = _office_of(_today_province(child, provinces), provinces, offices)
        year = opened.year
        key = (office.agency.pk, year)
        if key not in sequences:
            counter = CaseNumberCounter.objects.filter(agency=office.agency, year=year).first()
            sequences[key] = counter.last if counter else 0
        sequences[key] += 1
        cases.append(
            _case(rng, child=child, office=office, opened=opened, sequence=sequences[key], year=year)
        )
        offices_of.append(office)
    closures = [_closure(rng, case, office, now) for case, office in zip(cases, offices_of, strict=True)]
    Case.objects.bulk_create(cases, batch_size=BATCH)
    for (agency_id, year), last in sequences.items():
        CaseNumberCounter.objects.update_or_create(agency_id=agency_id, year=year, defaults={"last": last})
    ClosureRequest.objects.bulk_create([closure for closure in closures if closure], batch_size=BATCH)
    changes = [
        CaseStatusChange(
            case=case, to_status=CaseStatus.OPEN, changed_by=case.lead_worker, changed_at=case.opened_at
        )
        for case in cases
    ]
    changes += [
        CaseStatusChange(
            case=closure.case,
            from_status=CaseStatus.OPEN,
            to_status=CaseStatus.CLOSED,
            changed_by=closure.decided_by,
            changed_at=closure.decided_at,
        )
        for closure in closures
        if closure and closure.decided_by and closure.decided_at
    ]
    CaseStatusChange.objects.bulk_create(changes, batch_size=BATCH)
    CaseAssignment.objects.bulk_create(
        (
            CaseAssignment(
                case=case, lead_worker=case.lead_worker, supervisor=case.supervisor, started_at=case.opened_at
            )
            for case in cases
        ),
        batch_size=BATCH,
    )
    return len(cases)
