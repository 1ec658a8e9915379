"""The synthetic agencies and demo accounts: made-up names, one account per role, one shared password."""

from dataclasses import dataclass

from childshield.accounts.models import AgencyKind, Role


@dataclass(frozen=True)
class DemoAgency:
    key: str
    name: str
    kind: AgencyKind
    area_codes: tuple[str, ...]
    on_call_phone: str = ""


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    memberships: tuple[tuple[str, Role], ...]
    is_staff: bool = False
    # The languages the person writes to children in (their profile's "My languages").
    languages: tuple[str, ...] = ()
    # A programme manager limited to one province (its code); empty: the whole country.
    province_code: str = ""


AGENCIES: tuple[DemoAgency, ...] = (
    DemoAgency("school", "Kim Thủy Lower Secondary School (demo)", AgencyKind.SCHOOL, ("VN44-LT-KIMTHUY",)),
    DemoAgency(
        "social",
        "Lệ Thủy Social Work Office (demo)",
        AgencyKind.SOCIAL_SERVICES,
        ("VN44-LT-KIMTHUY", "VN44-QN-TRUONGSON", "VN44-MH-THUONGHOA"),
        on_call_phone="0232 000 0199",
    ),
    DemoAgency("helpline", "National Child Helpline 111 (demo)", AgencyKind.HELPLINE, ("VN",)),
    DemoAgency("hotline", "Child Online Hotline (demo)", AgencyKind.HOTLINE, ("VN",)),
    DemoAgency(
        "health",
        "Kon Rẫy Health Centre (demo)",
        AgencyKind.HEALTH,
        ("VN62-KR-DAKKOI", "VN62-KR-DAKPNE", "VN62-KR-DAKTORE"),
    ),
    DemoAgency("police", "Provincial Police, Cybercrime Unit (demo)", AgencyKind.POLICE, ("VN45",)),
    DemoAgency("ngo", "Safe Childhood Partners (demo NGO)", AgencyKind.NGO, ("VN45", "VN51")),
    DemoAgency("platform", "ChatNhanh (demo platform)", AgencyKind.PLATFORM, ("VN",)),
    DemoAgency("regulator", "Online Safety Authority (demo regulator)", AgencyKind.REGULATOR, ("VN",)),
)

ACCOUNTS: tuple[DemoAccount, ...] = (
    # The demo's helpline is Viet Nam's: its counsellor writes Vietnamese and English, its supervisor
    # (from the Mekong Delta's Khmer community) Vietnamese and Khmer.
    DemoAccount(
        "counsellor@demo.childshield.test",
        "Lan Demo",
        (("helpline", Role.COUNSELLOR),),
        languages=("vi", "en"),
    ),
    DemoAccount(
        "helpline.supervisor@demo.childshield.test",
        "Minh Demo",
        (("helpline", Role.HELPLINE_SUPERVISOR),),
        languages=("vi", "km"),
    ),
    DemoAccount(
        "case.worker@demo.childshield.test",
        "Hoa Demo",
        (("social", Role.CASE_WORKER), ("ngo", Role.CASE_WORKER)),
    ),
    DemoAccount("case.supervisor@demo.childshield.test", "Tuấn Demo", (("social", Role.CASE_SUPERVISOR),)),
    DemoAccount("focal.point@demo.childshield.test", "Mai Demo", (("school", Role.FOCAL_POINT),)),
    DemoAccount("hotline.analyst@demo.childshield.test", "Sokha Demo", (("hotline", Role.HOTLINE_ANALYST),)),
    DemoAccount("hotline.lead@demo.childshield.test", "Dara Demo", (("hotline", Role.HOTLINE_LEAD),)),
    DemoAccount("programme.manager@demo.childshield.test", "Linh Demo", (("ngo", Role.PROGRAMME_MANAGER),)),
    # The same NGO's manager for Quảng Trị only: figures of that province (Quảng Bình's pilot communes
    # count in it since the 2025 merger).
    DemoAccount(
        "province.manager@demo.childshield.test",
        "Hải Demo",
        (("ngo", Role.PROGRAMME_MANAGER),),
        province_code="VN45",
    ),
    # ChatNhanh's trust-and-safety lead follows its notices and record; the regulator reads every
    # platform's record.
    DemoAccount("platform.staff@demo.childshield.test", "Khoa Demo", (("platform", Role.PLATFORM_STAFF),)),
    DemoAccount("regulator@demo.childshield.test", "Thảo Demo", (("regulator", Role.REGULATOR),)),
    DemoAccount("agency.admin@demo.childshield.test", "Quang Demo", (("social", Role.AGENCY_ADMIN),)),
    DemoAccount(
        "system.admin@demo.childshield.test", "Vy Demo", (("helpline", Role.SYSTEM_ADMIN),), is_staff=True
    ),
)
