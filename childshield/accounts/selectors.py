"""Reads about accounts, each scoped to the person asking."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from childshield.accounts.models import Agency, Membership, User, normalise_email
from childshield.accounts.permissions import Perm, Scope, require

SESSION_MEMBERSHIP_KEY = "acting_membership_id"


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.select_related("agency", "user").filter(
        user=user, is_active=True, agency__is_active=True
    )


def membership_acting(*, request: HttpRequest, memberships: list[Membership]) -> Membership | None:
    """The membership the person acts through: the one chosen this session, or their only one."""
    chosen = request.session.get(SESSION_MEMBERSHIP_KEY)
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    if len(memberships) == 1:
        return memberships[0]
    return None


def agencies_for_member_management(*, acting: Membership) -> QuerySet[Agency]:
    scope = require(acting, Perm.MEMBERS_MANAGE)
    agencies = Agency.objects.filter(is_active=True)
    return agencies if scope == Scope.ALL else agencies.filter(pk=acting.agency_id)


def memberships_for_management(*, acting: Membership) -> QuerySet[Membership]:
    """The memberships the acting person manages, each with `two_factor_on` (a confirmed authenticator)."""
    scope = require(acting, Perm.MEMBERS_MANAGE)
    memberships = (
        Membership.objects.select_related("user", "agency")
        .annotate(
            two_factor_on=Exists(TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True))
        )
        .order_by("agency__name", "user__full_name", "role")
    )
    return memberships if scope == Scope.ALL else memberships.filter(agency_id=acting.agency_id)


def agencies_visible(*, acting: Membership) -> QuerySet[Agency]:
    require(acting, Perm.AGENCIES_VIEW)
    return Agency.objects.order_by("country", "name")


def users_for_password_reset(*, email: str) -> QuerySet[User]:
    """Every active account with this address, invited ones (no password yet) included."""
    return User.objects.filter(email=normalise_email(email), is_active=True)


def recovery_codes_left(*, user: User) -> int:
    """How many of the person's recovery codes are still unused."""
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def authenticator_confirmed(*, user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())
