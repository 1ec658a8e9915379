"""What opening a case reads: children already recorded under the same name, and the report it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may, require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, Child, ChildDuplicateKey
from childshield.cases.models.cases import HarmType
from childshield.cases.name_search import searched_duplicate_keys
from childshield.cases.permissions import CasePerm
from childshield.cases.selectors.cases import cases_visible_to
from childshield.core import rate_limits
from childshield.core.errors import ApplicationError
from childshield.core.rate_limits import Limit
from childshield.intake.models import Report
from childshield.intake.permissions import IntakePerm
from childshield.intake.selectors import report_get_for_staff
from childshield.places.models import Area
from childshield.places.selectors import area_lineage_ids

MOST_DUPLICATES = 10


@dataclass(frozen=True)
class KnownChild:
    """A child already recorded whose cases the person opening a case may open themselves."""

    child: Child
    cases: list[Case]


@dataclass(frozen=True)
class DuplicateCheck:
    """What opening a case may learn of children already recorded with the same details.

    `known`: children with a case the person may open, shown with those cases. `elsewhere`: how
    many are known only to other agencies, and nothing more: no number, agency or status, which
    would tell where a child is in care. Each holds (child id, holding agency id) for the service
    to address a link request; never shown.
    """

    known: list[KnownChild] = field(default_factory=list)
    elsewhere: list[tuple[int, int]] = field(default_factory=list, repr=False)

    def __bool__(self) -> bool:
        return bool(self.known or self.elsewhere)

    @property
    def elsewhere_count(self) -> int:
        return len(self.elsewhere)

    def known_child(self, child_id: int) -> Child | None:
        return next((known.child for known in self.known if known.child.pk == child_id), None)


def child_named(*, child_id: int) -> Child | None:
    """The child a person opening a case says it is (the service decides whether they may)."""
    return Child.objects.filter(pk=child_id).first()


def duplicate_check(*, acting: Membership, name: str, birth_year: int | None, area: Area) -> DuplicateCheck:
    """Children already recorded who may be this one, as the acting member may learn of them.

    Found by keyed hashes of the name's words in any order (diacritics folded), the birth year or a
    year either side, and the area or an area it replaced or was replaced by. Audited (that a child
    "is known somewhere" is itself sensitive) and counted against the member's checks an hour.
    """
    require(acting, CasePerm.CASE_OPEN)
    limit = Limit("case-duplicate-checks", settings.CASES_DUPLICATE_CHECKS_PER_HOUR, 3600)
    if rate_limits.hit_all([(limit, f"member:{acting.pk}")]):
        raise ApplicationError(
            _(
                "You have checked for children already recorded too many times this hour. Wait a "
                "while, or ask your supervisor."
            ),
            code="rate_limited",
        )
    keys = searched_duplicate_keys(name=name, birth_year=birth_year, area_ids=area_lineage_ids(area=area))
    child_ids = list(
        ChildDuplicateKey.objects.filter(key__in=keys, child__merged_into__isnull=True)
        .values_list("child_id", flat=True)
        .distinct()
        .order_by("child_id")[:MOST_DUPLICATES]
    )
    check = DuplicateCheck()
    if child_ids:
        visible: dict[int, list[Case]] = {}
        for case in (
            cases_visible_to(acting=acting)
            .filter(child_id__in=child_ids)
            .select_related("agency", "child")
            .order_by("opened_at", "pk")
        ):
            visible.setdefault(case.child_id, []).append(case)
        holders = dict(
            Case.objects.filter(child_id__in=set(child_ids) - set(visible))
            .order_by("child_id", "opened_at", "pk")
            .values_list("child_id", "agency_id")
        )  # the last case opened for each child names the agency to ask
        for child_id in child_ids:
            if child_id in visible:
                check.known.append(KnownChild(visible[child_id][0].child, visible[child_id]))
            elif child_id in holders:
                check.elsewhere.append((child_id, holders[child_id]))
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        object_type="cases.Child",
        reason=f"duplicate check: {len(check.known)} known, {check.elsewhere_count} elsewhere",
    )
    return check


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
