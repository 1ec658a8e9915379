"""Two-factor recovery: single-use recovery codes to keep on paper, and an administrator resetting
the two-factor of a member who lost their phone or token."""

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from childshield.accounts.models import Membership, User
from childshield.accounts.permissions import Perm, Scope, require, roles_grantable
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError

RECOVERY_CODE_COUNT = 10
# Codes made by a POST wait here for the page that shows them, once (a GET writes no codes).
FRESH_CODES_SESSION_KEY = "two_factor_fresh_recovery_codes"
_DEVICE_NAME = "Recovery codes"


def recovery_code_normalise(code: str) -> str:
    """A code as stored: lower case, without the spaces or dashes a person may type or write."""
    return "".join(code.split()).replace("-", "").lower()


def recovery_codes_issue(*, user: User) -> list[str]:
    """New recovery codes for the person, replacing any they had; call it inside the transaction of
    the change that asks for them (a new authenticator, or the person asking for new codes)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    ordered = sorted(codes)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in ordered)
    return ordered


@transaction.atomic
def recovery_codes_replace(*, request: HttpRequest, user: User) -> list[str]:
    """The person's own new set of codes (the old ones stop working), to be shown once."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ApplicationError(_("Turn on two-factor authentication first."), code="invalid")
    codes = recovery_codes_issue(user=user)
    request.session[FRESH_CODES_SESSION_KEY] = codes
    audit.record(action=AuditAction.UPDATE, actor=user, obj=user, reason="recovery codes replaced")
    return codes


def recovery_codes_fresh(*, request: HttpRequest) -> list[str]:
    """The codes just made for this session, handed over once: they leave the session as they are read."""
    codes = request.session.pop(FRESH_CODES_SESSION_KEY, None)
    return [str(code) for code in codes] if isinstance(codes, list) else []


@transaction.atomic
def two_factor_reset(*, acting: Membership, membership: Membership, reason: str) -> User:
    """An administrator removes a member's authenticator and recovery codes (a lost phone or token):
    every session of the person ends, and they set up two-factor again at their next sign-in."""
    scope = require(acting, Perm.MEMBERS_MANAGE)
    if scope == Scope.AGENCY and membership.agency_id != acting.agency_id:
        raise ApplicationError(_("You can only change members of your own agency."), code="forbidden")
    user = membership.user
    if user.pk == acting.user_id:
        raise ApplicationError(
            _("You cannot reset your own two-factor. Use a recovery code, or ask another administrator."),
            code="forbidden",
        )
    grantable = set(roles_grantable(acting))
    if user.memberships.filter(is_active=True).exclude(role__in=grantable).exists():
        raise ApplicationError(
            _("Only a system administrator can reset the two-factor of a system administrator."),
            code="forbidden",
        )
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why, and how you checked who asked."), code="invalid")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(sessions_generation=F("sessions_generation") + 1)
    user.refresh_from_db(fields=["sessions_generation"])
    audit.record(
        action=AuditAction.UPDATE,
        actor=acting.user,
        agency=acting.agency,
        obj=user,
        reason=f"two-factor reset: {reason}",
    )
    return user
