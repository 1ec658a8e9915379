"""Reference lists a case records as data: ethnic groups per country and the Washington Group questions.

Codes are stable and stored on the child; labels are shown. Changing a list means editing this data,
never the logic that uses it.
"""

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

# Viet Nam's 54 officially recognised ethnic groups (General Statistics Office list), in its order.
VN_ETHNIC_GROUPS: tuple[tuple[str, str], ...] = (
    ("VN-01", "Kinh"),
    ("VN-02", "Tày"),
    ("VN-03", "Thái"),
    ("VN-04", "Hoa"),
    ("VN-05", "Khơ-me"),
    ("VN-06", "Mường"),
    ("VN-07", "Nùng"),
    ("VN-08", "Hmông"),
    ("VN-09", "Dao"),
    ("VN-10", "Gia-rai"),
    ("VN-11", "Ngái"),
    ("VN-12", "Ê-đê"),
    ("VN-13", "Ba Na"),
    ("VN-14", "Xơ-Đăng"),
    ("VN-15", "Sán Chay"),
    ("VN-16", "Cơ-ho"),
    ("VN-17", "Chăm"),
    ("VN-18", "Sán Dìu"),
    ("VN-19", "Hrê"),
    ("VN-20", "Mnông"),
    ("VN-21", "Ra-glai"),
    ("VN-22", "Xtiêng"),
    ("VN-23", "Bru-Vân Kiều"),
    ("VN-24", "Thổ"),
    ("VN-25", "Giáy"),
    ("VN-26", "Cơ-tu"),
    ("VN-27", "Gié-Triêng"),
    ("VN-28", "Mạ"),
    ("VN-29", "Khơ-mú"),
    ("VN-30", "Co"),
    ("VN-31", "Tà-ôi"),
    ("VN-32", "Chơ-ro"),
    ("VN-33", "Kháng"),
    ("VN-34", "Xinh-mun"),
    ("VN-35", "Hà Nhì"),
    ("VN-36", "Chu-ru"),
    ("VN-37", "Lào"),
    ("VN-38", "La Chí"),
    ("VN-39", "La Ha"),
    ("VN-40", "Phù Lá"),
    ("VN-41", "La Hủ"),
    ("VN-42", "Lự"),
    ("VN-43", "Lô Lô"),
    ("VN-44", "Chứt"),
    ("VN-45", "Mảng"),
    ("VN-46", "Pà Thẻn"),
    ("VN-47", "Cơ Lao"),
    ("VN-48", "Cống"),
    ("VN-49", "Bố Y"),
    ("VN-50", "Si La"),
    ("VN-51", "Pu Péo"),
    ("VN-52", "Brâu"),
    ("VN-53", "Ơ Đu"),
    ("VN-54", "Rơ-măm"),
)

# Cambodia: the majority and the larger minorities, then indigenous peoples. To check against the
# list the National Institute of Statistics uses before it is shown as official.
KH_ETHNIC_GROUPS: tuple[tuple[str, str], ...] = (
    ("KH-KHMER", "Khmer"),
    ("KH-CHAM", "Cham"),
    ("KH-VIETNAMESE", "Vietnamese"),
    ("KH-CHINESE", "Chinese"),
    ("KH-LAO", "Lao"),
    ("KH-THAI", "Thai"),
    ("KH-BUNONG", "Bunong (Phnong)"),
    ("KH-KUY", "Kuy"),
    ("KH-TAMPUAN", "Tampuan"),
    ("KH-JARAI", "Jarai"),
    ("KH-KREUNG", "Kreung"),
    ("KH-BRAO", "Brao"),
    ("KH-KAVET", "Kavet"),
    ("KH-STIENG", "Stieng"),
    ("KH-POR", "Por"),
    ("KH-KACHOK", "Kachok"),
    ("KH-SUOY", "Suoy"),
    ("KH-SAOCH", "Saoch"),
    ("KH-LUN", "Lun"),
    ("KH-KRAOL", "Kraol"),
    ("KH-MIL", "Mil"),
    ("KH-KHAONH", "Khaonh"),
    ("KH-THMOUN", "Thmoun"),
    ("KH-CHONG", "Chong"),
    ("KH-SAMRE", "Samre"),
    ("KH-RADE", "Rade"),
    ("KH-OTHER-INDIGENOUS", "Another indigenous people"),
)

ETHNIC_GROUPS: dict[str, tuple[tuple[str, str], ...]] = {"VN": VN_ETHNIC_GROUPS, "KH": KH_ETHNIC_GROUPS}

# Not a group: the answer when the child or caregiver does not say, or nobody knows.
ETHNICITY_NOT_SAID = "not_said"


def ethnicity_choices(country: str) -> list[tuple[str, StrOrPromise]]:
    return [
        ("", _("Choose")),
        *ETHNIC_GROUPS.get(country, ()),
        (ETHNICITY_NOT_SAID, _("Not known or prefers not to say")),
    ]


def ethnicity_label(code: str) -> StrOrPromise:
    if code == ETHNICITY_NOT_SAID:
        return _("Not known or prefers not to say")
    for groups in ETHNIC_GROUPS.values():
        for value, label in groups:
            if value == code:
                return label
    return code


# The Washington Group Short Set: six domains, four answers each. "A lot of difficulty" or "cannot
# do at all" in any domain is the recommended cut-off for counting a disability.
WG_DOMAINS: tuple[tuple[str, StrOrPromise], ...] = (
    ("seeing", _("Seeing, even if wearing glasses")),
    ("hearing", _("Hearing, even if using a hearing aid")),
    ("walking", _("Walking or climbing steps")),
    ("remembering", _("Remembering or concentrating")),
    ("self_care", _("Self-care, such as washing all over or dressing")),
    ("communicating", _("Communicating, for example understanding or being understood")),
)
WG_ANSWERS: tuple[tuple[str, StrOrPromise], ...] = (
    ("", _("Not asked")),
    ("none", _("No difficulty")),
    ("some", _("Some difficulty")),
    ("a_lot", _("A lot of difficulty")),
    ("cannot", _("Cannot do at all")),
)
WG_DISABILITY_ANSWERS = frozenset({"a_lot", "cannot"})


def has_disability(answers: dict[str, str]) -> bool | None:
    """The Washington Group cut-off; None when no domain was asked."""
    given = [answer for answer in answers.values() if answer]
    if not given:
        return None
    return any(answer in WG_DISABILITY_ANSWERS for answer in given)


LANGUAGES: tuple[tuple[str, StrOrPromise], ...] = (
    ("vi", _("Vietnamese")),
    ("km", _("Khmer")),
    ("en", _("English")),
    ("other", _("Another language")),
)
