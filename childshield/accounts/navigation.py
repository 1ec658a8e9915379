"""The staff navigation: each item shows only to people whose role grants its permission."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import Perm, has_perm


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    perm: Perm | None


# Later apps add their items here, each guarded by its own permission.
ITEMS: list[NavItem] = [
    NavItem("accounts:home", _("Home"), None),
    NavItem("accounts:members", _("Members"), Perm.MEMBERS_MANAGE),
    NavItem("accounts:agencies", _("Agencies"), Perm.AGENCIES_VIEW),
    NavItem("places:area_list", _("Places"), Perm.PLACES_VIEW),
    NavItem("audit:event_list", _("Audit log"), Perm.AUDIT_VIEW),
]


def navigation_for(membership: Membership | None) -> list[NavItem]:
    return [item for item in ITEMS if item.perm is None or has_perm(membership, item.perm)]
