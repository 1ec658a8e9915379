"""What a member's figures may cover: a country, one province of it, or one agency.

How the dashboard uses it: every figure's selector takes the acting membership and calls
`figures_scope(acting)` first. It counts only records of `scope.country`; when `scope.agency` is set,
only records that agency made; when `scope.province` is set, only records whose area rolls up (through
the mergers, as of today) into that province. A filter naming an area is checked with
`scope.allows_area(area)` and refused when it is outside the scope. The scope is never taken from the
request: a province-limited manager cannot widen it with a filter.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import Scope, perm_scope
from childshield.insights.permissions import InsightsPerm
from childshield.places.models import Area
from childshield.places.selectors import area_roll_up, membership_province


@dataclass(frozen=True)
class FiguresScope:
    country: str  # ISO code of the member's agency's country
    province: Area | None = None  # a programme manager limited to one province
    agency: Agency | None = None  # a supervisor's own agency

    def allows_area(self, area: Area) -> bool:
        """Whether figures of `area` are within the scope: any area of the country, or with a province only
        the areas that roll up into it today (an area of a province merged away counts in its successor)."""
        if area.country != self.country:
            return False
        if self.province is None:
            return True
        today = area_roll_up(area=area, level=Area.Level.PROVINCE, on=timezone.localdate())
        return today is not None and today.pk == self.province.pk


def figures_scope(membership: Membership) -> FiguresScope:
    """What this member's figures may cover: a programme manager the whole country (or the province their
    membership is limited to), a supervisor their agency. PermissionDenied for a member who may read no
    figures."""
    scopes = [perm_scope(membership, perm) for perm in InsightsPerm]
    widest = max((scope for scope in scopes if scope is not None), default=None)
    if widest is None or widest < Scope.AGENCY:
        raise PermissionDenied("no figures")
    country = membership.agency.country
    if widest >= Scope.ALL:
        return FiguresScope(country=country, province=membership_province(membership=membership))
    return FiguresScope(country=country, agency=membership.agency)
