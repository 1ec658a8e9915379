"""Cases' standing cast: a school focal point who opens, the commune social worker (the `worker`)
who receives, their supervisor, an unassigned colleague, an outsider agency; areas; a case opener;
a clock the test moves."""

from collections.abc import Callable
from datetime import date, datetime

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Membership, Role
from childshield.cases.models import Case
from childshield.cases.models.cases import HarmType, RiskLevel
from childshield.cases.models.consent import ShareSection
from childshield.cases.services.consent import ConsentInput
from childshield.cases.services.opening import ChildInput, case_open
from childshield.places.models import Area


@pytest.fixture
def commune(db: None) -> Area:
    country = Area.objects.create(code="VN", country="VN", level=Area.Level.COUNTRY, name_en="Viet Nam")
    province = Area.objects.create(
        code="VN44", country="VN", level=Area.Level.PROVINCE, parent=country, name_en="Quang Binh"
    )
    return Area.objects.create(
        code="VN44-LT-KIMTHUY", country="VN", level=Area.Level.COMMUNE, parent=province, name_en="Kim Thuy"
    )


@pytest.fixture
def other_commune(commune: Area) -> Area:
    return Area.objects.create(
        code="VN44-QN-TRUONGSON",
        country="VN",
        level=Area.Level.COMMUNE,
        parent=commune.parent,
        name_en="Truong Son",
    )


@pytest.fixture
def school_agency(db: None) -> Agency:
    return Agency.objects.create(country="VN", name="Kim Thuy School (test)", kind=AgencyKind.SCHOOL)


@pytest.fixture
def focal_point(make_member: Callable[..., Membership], school_agency: Agency) -> Membership:
    return make_member(email="teacher@example.org", role=Role.FOCAL_POINT, agency=school_agency)


@pytest.fixture
def supervisor(make_member: Callable[..., Membership], social_agency: Agency) -> Membership:
    return make_member(email="supervisor@example.org", role=Role.CASE_SUPERVISOR, agency=social_agency)


@pytest.fixture
def system_admin(make_member: Callable[..., Membership], outsider_agency: Agency) -> Membership:
    return make_member(email="sysadmin@example.org", role=Role.SYSTEM_ADMIN, agency=outsider_agency)


def child_input(area: Area, **overrides: object) -> ChildInput:
    values: dict[str, object] = {
        "full_name": "Nguyễn Thị Hoa",
        "area": area,
        "date_of_birth": date(2012, 3, 14),
        "sex": "female",
        "gender": "girl",
        "ethnicity": "VN-01",
        "languages": ["vi"],
        "school": "Kim Thuy Lower Secondary",
        "caregivers": [{"name": "Nguyễn Văn Nam", "relationship": "father", "phone": "0912 345 678"}],
        "safe_contact": "Through the class teacher only",
    }
    values.update(overrides)
    return ChildInput(**values)  # type: ignore[arg-type]


def consent_input(*agencies: Agency, sections: list[str] | None = None) -> ConsentInput:
    return ConsentInput(
        purpose="Support from the commune social worker",
        agencies=list(agencies),
        sections=sections if sections is not None else list(ShareSection.values),
        child_assent=True,
        caregiver_consent=True,
        caregiver_name="Nguyễn Văn Nam",
    )


@pytest.fixture
def open_case(commune: Area, social_agency: Agency) -> Callable[..., Case]:
    def make(
        acting: Membership,
        *,
        child: ChildInput | None = None,
        consent_to: list[Agency] | None = None,
        sections: list[str] | None = None,
        supervisor: Membership | None = None,
        risk_level: str = RiskLevel.MEDIUM,
        duplicates_acknowledged: bool = False,
    ) -> Case:
        return case_open(
            acting=acting,
            child=child or child_input(commune),
            risk_level=risk_level,
            harm_types=[HarmType.SEXTORTION],
            risk_reasons="Threats to share images with classmates",
            summary="A man met in a game asks for more photos.",
            supervisor=supervisor,
            consent=consent_input(
                *(consent_to if consent_to is not None else [social_agency]), sections=sections
            ),
            duplicates_acknowledged=duplicates_acknowledged,
        )

    return make


class Clock:
    """timezone.now, frozen at a moment the test moves (`clock.now += timedelta(hours=1)`)."""

    def __init__(self) -> None:
        self.now = timezone.now().replace(second=0, microsecond=0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen
