"""What opening a case reads: children already recorded under the same name, and the report it comes from."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may
from childshield.cases.models import Case, Child
from childshield.cases.models.cases import HarmType
from childshield.cases.name_search import child_duplicate_index
from childshield.intake.models import Report
from childshield.intake.permissions import IntakePerm
from childshield.intake.selectors import report_get_for_staff


def possible_duplicates(*, name: str, birth_year: int | None, area_id: int) -> list[Child]:
    """Children already recorded with the same name, birth year and area; shown, never merged."""
    index = child_duplicate_index(name=name, birth_year=birth_year, area_id=area_id)
    cases = Prefetch("cases", queryset=Case.objects.select_related("agency").order_by("opened_at"))
    return list(Child.objects.filter(duplicate_index=index).prefetch_related(cases).order_by("id")[:10])


# What a report's words for what happened mean as a case's harm types.
REPORT_HARMS: dict[str, str] = {
    "threatened": HarmType.SEXTORTION,
    "asked_for_pictures": HarmType.SELF_GENERATED_UNDER_PRESSURE,
    "pictures_shared": HarmType.NON_CONSENSUAL_SHARING,
    "unwanted_images": HarmType.SEXUAL_CONTENT_EXPOSURE,
    "grooming": HarmType.GROOMING,
    "bullying": HarmType.SEXUAL_CYBERBULLYING,
    "abuse_material": HarmType.ABUSE_MATERIAL,
    "other": HarmType.OTHER,
}


def report_for_case_opening(*, acting: Membership, reference: str) -> Report | None:
    """The report a case is opened from, for someone who may read it (the reading is audited by
    intake); None for anyone else, so the case form simply opens empty."""
    if not may(acting, IntakePerm.REPORT_VIEW):
        return None
    try:
        return report_get_for_staff(acting=acting, reference=reference)
    except Http404:
        return None
