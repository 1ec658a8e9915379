"""The acting membership of a request, typed, and the one decorator every staff page goes through.

`ActingMembershipMiddleware` gives every request a `membership` (the agency and role the signed-in
person acts through now, or None) and `memberships` (all their active ones). A staff page is
written as `@staff_view(SomePerm.X)` over a function taking a `StaffRequest`: the decorator sends
a visitor who is not signed in to the sign-in page, refuses (403) a person acting for no agency or
without the permission, and hands the view a request whose `membership` is never None. Whether one
object is within the member's scope is the selector's business, which answers 404 so that the
object's existence does not leak. What a staff page asks for is kept on the view (`staff_access`), so
the access matrix reads each page's permission from the URLconf.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.request import Request

from childshield.accounts.models import Membership, User
from childshield.accounts.permissions import require


class MemberRequest(HttpRequest):
    """Any request after ActingMembershipMiddleware: a visitor's too, whose membership is None."""

    membership: Membership | None
    memberships: list[Membership]


class StaffRequest(MemberRequest):
    """A request from a signed-in person acting through one active membership."""

    user: User
    membership: Membership


def set_acting(request: HttpRequest, *, membership: Membership | None, memberships: list[Membership]) -> None:
    member_request = cast(MemberRequest, request)
    member_request.membership = membership
    member_request.memberships = memberships


def acting_membership(request: HttpRequest | Request) -> Membership | None:
    """The membership `request` acts through (None for visitors and people yet to choose one).

    A DRF Request hands attribute reads to the Django request it wraps, so either kind works.
    """
    return cast(MemberRequest, request).membership


Params = ParamSpec("Params")
StaffView = Callable[Concatenate[StaffRequest, Params], HttpResponseBase]
View = Callable[Concatenate[HttpRequest, Params], HttpResponseBase]


@dataclass(frozen=True)
class StaffAccess:
    """What a staff page asks of a request: a signed-in person acting for an agency and, when `perm`
    is set, holding it; without `perm`, a record-level rule in the view decides (cases)."""

    perm: StrEnum | None


def staff_access(view: Callable[..., object]) -> StaffAccess | None:
    """What `view` asks for, when it is a staff page (None for any other view)."""
    access = getattr(view, "staff_access", None)
    return access if isinstance(access, StaffAccess) else None


def staff_view(perm: StrEnum | None = None) -> Callable[[StaffView[Params]], View[Params]]:
    """A page for signed-in staff acting for an agency and, when `perm` is given, holding it."""

    def decorate(view: StaffView[Params]) -> View[Params]:
        @wraps(view)
        def checked(request: HttpRequest, /, *args: Params.args, **kwargs: Params.kwargs) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = acting_membership(request)
            if membership is None:
                raise PermissionDenied("no acting membership")
            if perm is not None:
                require(membership, perm)
            return view(cast(StaffRequest, request), *args, **kwargs)

        checked.staff_access = StaffAccess(perm)  # type: ignore[attr-defined]
        return checked

    return decorate
