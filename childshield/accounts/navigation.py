"""The staff navigation: each item shows only to people whose role lets them open it.

Apps above accounts add their own items with `register` from their AppConfig.ready(), so that
accounts never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import Perm, may


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    visible: Callable[[Membership | None], bool]
    order: int = 100


def _always(membership: Membership | None) -> bool:
    return True


def holds(perm: StrEnum) -> Callable[[Membership | None], bool]:
    """Visible to members holding `perm` (any app's declared permission)."""
    return lambda membership: may(membership, perm)


_ITEMS: list[NavItem] = [
    NavItem("accounts:home", _("Home"), _always, order=0),
    NavItem("accounts:members", _("Members"), holds(Perm.MEMBERS_MANAGE), order=800),
    NavItem("accounts:agencies", _("Agencies"), holds(Perm.AGENCIES_VIEW), order=810),
    NavItem("audit:event_list", _("Audit log"), holds(Perm.AUDIT_VIEW), order=900),
]


def register(item: NavItem) -> None:
    """Add an app's page to the navigation (once; registering the same URL name again replaces it)."""
    _ITEMS[:] = [existing for existing in _ITEMS if existing.url_name != item.url_name] + [item]


def navigation_for(membership: Membership | None) -> list[NavItem]:
    return sorted((item for item in _ITEMS if item.visible(membership)), key=lambda item: item.order)
