"""Demo services directory: about twenty made-up services in the pilot areas, added through the services.

Names, numbers and addresses are invented (phone numbers end in 0000-series digits, e-mail uses the
reserved .test domain). The national helplines come from the places data and are not repeated here.
"""

from dataclasses import dataclass, field
from datetime import time, timedelta

from django.utils import timezone

from childshield.accounts.models import Agency, Membership, Role
from childshield.demo.accounts import AGENCIES
from childshield.directory.models import Resource
from childshield.directory.services import HoursRange, ResourceDetails, resource_create
from childshield.places.models import Area

KEEPER_EMAIL = "system.admin@demo.childshield.test"

OFFICE = tuple(
    HoursRange(weekday=day, opens=opens, closes=closes)
    for day in range(5)
    for opens, closes in ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
)
OFFICE_AND_SATURDAY = (*OFFICE, HoursRange(weekday=5, opens=time(7, 30), closes=time(11, 30)))
EVENINGS = tuple(HoursRange(weekday=day, opens=time(17, 0), closes=time(21, 0)) for day in range(7))
SCHOOL_DAYS = tuple(HoursRange(weekday=day, opens=time(7, 0), closes=time(16, 30)) for day in range(6))


@dataclass(frozen=True)
class DemoResource:
    name_en: str
    name_vi: str
    kinds: tuple[str, ...]
    areas: tuple[str, ...]
    languages: tuple[str, ...] = ("vi",)
    hours: tuple[HoursRange, ...] = OFFICE
    always_open: bool = False
    agency_key: str = ""
    phone: str = ""
    address: str = ""
    self_referral: bool = False
    free: bool = True
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)


RESOURCES: tuple[DemoResource, ...] = (
    DemoResource(
        "Le Thuy Social Work Office (demo)",
        "Phòng Công tác xã hội Lệ Thủy (demo)",
        ("case_management", "social_service", "family_based_care"),
        ("VN44-LT-KIMTHUY", "VN44-QN-TRUONGSON", "VN44-MH-THUONGHOA"),
        languages=("vi", "bru"),
        agency_key="social",
        phone="0232 000 0101",
        address="Số 1 đường Demo, Kim Thủy (demo)",
        self_referral=True,
    ),
    DemoResource(
        "Kim Thuy Commune Health Station (demo)",
        "Trạm Y tế xã Kim Thủy (demo)",
        ("health",),
        ("VN44-LT-KIMTHUY",),
        languages=("vi", "bru"),
        hours=OFFICE_AND_SATURDAY,
        phone="0232 000 0102",
        self_referral=True,
    ),
    DemoResource(
        "Truong Son Commune Health Station (demo)",
        "Trạm Y tế xã Trường Sơn (demo)",
        ("health",),
        ("VN44-QN-TRUONGSON",),
        languages=("vi", "bru"),
        phone="0232 000 0103",
        self_referral=True,
    ),
    DemoResource(
        "Quang Tri Provincial Hospital, child protection unit (demo)",
        "Bệnh viện tỉnh Quảng Trị, đơn vị bảo vệ trẻ em (demo)",
        ("health", "mhpss"),
        ("VN45",),
        always_open=True,
        hours=(),
        phone="0233 000 0104",
        self_referral=True,
        notes="Forensic examination with a trained female doctor on request.",
    ),
    DemoResource(
        "Sunflower Counselling Centre (demo)",
        "Trung tâm Tư vấn Tâm lý Hướng Dương (demo)",
        ("mhpss",),
        ("VN45",),
        languages=("vi", "en"),
        hours=(*OFFICE, *EVENINGS[:5]),
        phone="0233 000 0105",
        self_referral=True,
        notes="Counselling for adolescents and caregivers; group sessions for girls.",
    ),
    DemoResource(
        "Quang Tri Legal Aid Centre (demo)",
        "Trung tâm Trợ giúp pháp lý tỉnh Quảng Trị (demo)",
        ("justice", "compensation"),
        ("VN45",),
        phone="0233 000 0106",
        notes="Free legal aid for children and their families, including claims for compensation.",
    ),
    DemoResource(
        "Provincial Police, Cybercrime Unit (demo)",
        "Công an tỉnh, Phòng An ninh mạng (demo)",
        ("justice",),
        ("VN45",),
        always_open=True,
        hours=(),
        agency_key="police",
        phone="0233 000 0107",
    ),
    DemoResource(
        "Child Online Hotline, removal of images (demo)",
        "Đường dây nóng trẻ em trực tuyến, gỡ bỏ hình ảnh (demo)",
        ("content_removal",),
        ("VN",),
        languages=("vi", "en"),
        always_open=True,
        hours=(),
        agency_key="hotline",
        self_referral=True,
        notes="Asks platforms to take down sexual images of children, wherever they are hosted.",
    ),
    DemoResource(
        "Safe Childhood Partners, Quang Tri office (demo)",
        "Đối tác Tuổi thơ An toàn, văn phòng Quảng Trị (demo)",
        ("case_management", "mhpss", "education"),
        ("VN45",),
        languages=("vi", "bru", "en"),
        hours=OFFICE_AND_SATURDAY,
        agency_key="ngo",
        phone="0233 000 0109",
        self_referral=True,
    ),
    DemoResource(
        "Safe Childhood Partners, Quang Ngai office (demo)",
        "Đối tác Tuổi thơ An toàn, văn phòng Quảng Ngãi (demo)",
        ("case_management", "mhpss", "education"),
        ("VN51",),
        languages=("vi", "sed", "bdq"),
        agency_key="ngo",
        phone="0255 000 0110",
        self_referral=True,
    ),
    DemoResource(
        "Kon Ray Health Centre (demo)",
        "Trung tâm Y tế Kon Rẫy (demo)",
        ("health", "mhpss"),
        ("VN62-KR-DAKKOI", "VN62-KR-DAKPNE", "VN62-KR-DAKTORE"),
        languages=("vi", "sed", "bdq"),
        always_open=True,
        hours=(),
        agency_key="health",
        phone="0260 000 0111",
        self_referral=True,
    ),
    DemoResource(
        "Dak Koi Commune Women's Union (demo)",
        "Hội Liên hiệp Phụ nữ xã Đăk Kôi (demo)",
        ("social_service", "family_based_care"),
        ("VN62-KR-DAKKOI",),
        languages=("vi", "sed"),
        phone="0260 000 0112",
        self_referral=True,
        notes="Home visits; a Xơ Đăng-speaking volunteer on Tuesdays.",
    ),
    DemoResource(
        "Dak To Re Boarding School counsellor (demo)",
        "Tư vấn học đường, trường bán trú Đăk Tơ Re (demo)",
        ("mhpss", "education"),
        ("VN62-KR-DAKTORE",),
        languages=("vi", "bdq"),
        hours=SCHOOL_DAYS,
        self_referral=True,
    ),
    DemoResource(
        "Quang Ngai Social Protection Centre (demo)",
        "Trung tâm Bảo trợ xã hội tỉnh Quảng Ngãi (demo)",
        ("family_based_care", "social_protection"),
        ("VN51",),
        always_open=True,
        hours=(),
        phone="0255 000 0114",
        notes="Emergency shelter for children who cannot stay at home safely.",
    ),
    DemoResource(
        "Quang Ngai Legal Aid Centre (demo)",
        "Trung tâm Trợ giúp pháp lý tỉnh Quảng Ngãi (demo)",
        ("justice", "compensation"),
        ("VN51",),
        languages=("vi", "sed"),
        phone="0255 000 0115",
    ),
    DemoResource(
        "Vocational Training Centre for Young People (demo)",
        "Trung tâm Dạy nghề cho thanh thiếu niên (demo)",
        ("education",),
        ("VN45", "VN51"),
        hours=OFFICE_AND_SATURDAY,
        phone="0233 000 0116",
        self_referral=True,
        free=False,
        notes="Scholarships cover the fees for children referred by a case worker.",
    ),
    DemoResource(
        "District Social Allowance Desk (demo)",
        "Bộ phận Trợ cấp xã hội huyện (demo)",
        ("social_protection",),
        ("VN44-LT-KIMTHUY", "VN44-QN-TRUONGSON", "VN44-MH-THUONGHOA"),
        phone="0232 000 0117",
    ),
    DemoResource(
        "Peer Support Group for Girls (demo)",
        "Nhóm hỗ trợ đồng đẳng cho trẻ em gái (demo)",
        ("mhpss",),
        ("VN44-MH-THUONGHOA",),
        languages=("vi", "bru"),
        hours=(HoursRange(weekday=5, opens=time(8, 0), closes=time(11, 0)),),
        self_referral=True,
    ),
    DemoResource(
        "Online Counselling Chat for Teenagers (demo)",
        "Tư vấn trực tuyến cho thiếu niên (demo)",
        ("mhpss",),
        ("VN",),
        languages=("vi", "en"),
        hours=EVENINGS,
        self_referral=True,
        extra={"website": "https://example.org/chat-demo"},
    ),
    DemoResource(
        "Sign Language Interpreting for Children (demo)",
        "Phiên dịch ngôn ngữ ký hiệu cho trẻ em (demo)",
        ("social_service", "justice"),
        ("VN45", "VN51"),
        languages=("vi", "sgn"),
        phone="0233 000 0120",
        notes="Interpreters for interviews with deaf children, at the police or in court.",
    ),
)


def _keeper() -> Membership | None:
    helpline = next(spec.name for spec in AGENCIES if spec.key == "helpline")
    return (
        Membership.objects.select_related("agency", "user")
        .filter(agency__name=helpline, user__email=KEEPER_EMAIL, role=Role.SYSTEM_ADMIN)
        .first()
    )


def seed_directory(*, country: str = "VN") -> int:
    """Add the demo services that are missing; returns how many were added (0 without the demo accounts)."""
    keeper = _keeper()
    if keeper is None:
        return 0
    existing = set(Resource.objects.filter(country=country).values_list("name_en", flat=True))
    names = {spec.name: spec.key for spec in AGENCIES}
    agencies = {
        names[agency.name]: agency for agency in Agency.objects.filter(name__in=names, country=country)
    }
    codes = {code for spec in RESOURCES for code in spec.areas}
    areas = {area.code: area for area in Area.objects.filter(code__in=codes)}
    checked = timezone.localdate() - timedelta(days=30)
    added = 0
    for spec in RESOURCES:
        if spec.name_en in existing or not all(code in areas for code in spec.areas):
            continue
        details = ResourceDetails(
            country=country,
            name_vi=spec.name_vi,
            name_en=spec.name_en,
            kinds=list(spec.kinds),
            areas=[areas[code] for code in spec.areas],
            languages=list(spec.languages),
            always_open=spec.always_open,
            hours=list(spec.hours),
            phone=spec.phone,
            address=spec.address,
            website=spec.extra.get("website", ""),
            agency=agencies.get(spec.agency_key),
            accepts_self_referral=spec.self_referral,
            free_of_charge=spec.free,
            notes=spec.notes,
            last_verified=checked,
        )
        resource_create(acting=keeper, details=details)
        added += 1
    return added
