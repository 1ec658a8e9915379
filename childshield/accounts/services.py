"""Every write about accounts: signing in and out, two-factor devices and recovery codes, memberships,
one's languages. Importing members is in member_import.py, invitations in invitations.py, recovery
codes and an administrator's two-factor reset in recovery.py."""

import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from childshield.accounts.invitations import invitation_send
from childshield.accounts.models import Agency, Membership, Role, User, normalise_email
from childshield.accounts.permissions import Perm, Scope, require, roles_grantable
from childshield.accounts.recovery import (
    FRESH_CODES_SESSION_KEY,
    recovery_code_normalise,
    recovery_codes_issue,
)
from childshield.accounts.selectors import SESSION_MEMBERSHIP_KEY
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.choices import WritingLanguage
from childshield.core.errors import ApplicationError
from childshield.settings.demo_secrets import DEMO_PASSWORD


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    error: str = ""


def user_sign_in(*, request: HttpRequest, email: str, password: str) -> SignInResult:
    """Check the password (django-axes counts failures and locks out) and start the session."""
    email = normalise_email(email)
    user = authenticate(request, username=email, password=password)
    if getattr(request, "axes_locked_out", False):
        return SignInResult(user=None, error="locked_out")
    if user is None:
        known = User.objects.filter(email=email).values_list("pk", flat=True).first()
        with transaction.atomic():
            audit.record(
                action=AuditAction.FAILED_SIGN_IN,
                object_type="accounts.User",
                object_id="" if known is None else str(known),
            )
        return SignInResult(user=None, error=_("That e-mail address and password do not match. Try again."))
    if not settings.ALLOW_DEMO_DATA and password == DEMO_PASSWORD:
        with transaction.atomic():
            audit.record(action=AuditAction.FAILED_SIGN_IN, actor=user, reason="demo password refused")
        return SignInResult(
            user=None,
            error=_("This is the public demo password and is refused here. Reset your password by e-mail."),
        )
    assert isinstance(user, User)
    with transaction.atomic():
        login(request, user)
        audit.record(action=AuditAction.SIGN_IN, actor=user)
    return SignInResult(user=user)


def user_sign_out(*, request: HttpRequest, reason: str = "") -> None:
    user = request.user
    membership = getattr(request, "membership", None)
    if user.is_authenticated:
        with transaction.atomic():
            audit.record(
                action=AuditAction.SIGN_OUT,
                actor=user,
                agency=None if membership is None else membership.agency,
                reason=reason,
            )
    logout(request)


# The key of the authenticator being set up waits in the session until a code from it confirms it,
# so that opening the set-up page writes no device (a GET writes nothing but the audit).
PENDING_TOTP_KEY = "two_factor_pending_key"
_DEVICE_NAME = "Authenticator app"


def two_factor_key_pending(*, request: HttpRequest) -> str:
    """The hex key the person is setting up: the one this session was given, or a new one."""
    key = request.session.get(PENDING_TOTP_KEY)
    if not isinstance(key, str) or not key:
        key = default_key()
        request.session[PENDING_TOTP_KEY] = key
    return str(key)


def two_factor_device_unsaved(*, user: User, key: str) -> TOTPDevice:
    """A device for showing the pending key (its QR code and text); never saved here."""
    return TOTPDevice(user=user, key=key, name=_DEVICE_NAME, confirmed=False)


def _token_refusal(device: TOTPDevice | StaticDevice, token: str) -> str:
    """Why the device refuses the code, or "" when it accepts it (and records its use; a recovery
    code is used up)."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        locked_until = (details or {}).get("locked_until")
        wait = math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1
        return _("Too many wrong codes. Wait %(seconds)d seconds, then try the newest code.") % {
            "seconds": max(wait, 1)
        }
    if isinstance(device, StaticDevice):
        if device.verify_token(recovery_code_normalise(token)):
            return ""
        return _("That recovery code is not right, or was used already. Try another of your codes.")
    if device.verify_token(token.strip().replace(" ", "")):
        return ""
    return _("That code is not right or has expired. Try the newest code.")


@transaction.atomic
def two_factor_device_confirm(*, request: HttpRequest, user: User, token: str) -> str:
    """Confirm the session's pending key with a code from it; returns why not, or "".

    The unconfirmed device is saved at the first code, so that wrong codes are throttled.
    """
    key = request.session.get(PENDING_TOTP_KEY)
    if not isinstance(key, str) or not key:
        return _("Start again: open the set-up page to get a new key.")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, key=key, confirmed=False, defaults={"name": _DEVICE_NAME}
    )
    refusal = _token_refusal(device, token)
    if refusal:
        return refusal
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator per person: a new confirmed device replaces the old ones and any left pending.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    request.session.pop(PENDING_TOTP_KEY, None)
    # New recovery codes with every new authenticator, shown once on the next page (the old ones end).
    request.session[FRESH_CODES_SESSION_KEY] = recovery_codes_issue(user=user)
    otp_login(request, device)
    audit.record(action=AuditAction.UPDATE, actor=user, obj=device, reason="two-factor device confirmed")
    return ""


def two_factor_verify(*, request: HttpRequest, user: User, token: str) -> str:
    """Check a code against the person's authenticator; returns why it was refused, or ""."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return _("Two-factor authentication is not set up for this account.")
    refusal = _token_refusal(device, token)
    if not refusal:
        otp_login(request, device)
        return ""
    with transaction.atomic():
        audit.record(action=AuditAction.FAILED_SIGN_IN, actor=user, reason="wrong two-factor code")
    return refusal


def two_factor_recovery_verify(*, request: HttpRequest, user: User, code: str) -> str:
    """Sign in with one of the person's recovery codes, which is then used up; returns why it was
    refused, or ""."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return _("You have no recovery codes. Ask your agency's administrator to reset your two-factor.")
    with transaction.atomic():
        refusal = _token_refusal(device, code)
        if refusal:
            audit.record(action=AuditAction.FAILED_SIGN_IN, actor=user, reason="wrong recovery code")
            return refusal
        otp_login(request, device)
        audit.record(action=AuditAction.UPDATE, actor=user, obj=device, reason="recovery code used")
    return ""


def membership_switch(*, request: HttpRequest, user: User, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("agency")
        .filter(pk=membership_id, user=user, is_active=True, agency__is_active=True)
        .first()
    )
    if membership is None:
        raise ApplicationError(_("You cannot act for that agency."), code="forbidden")
    request.session[SESSION_MEMBERSHIP_KEY] = membership.pk
    return membership


def membership_grant(
    *,
    acting: Membership,
    agency: Agency,
    email: str,
    full_name: str,
    role: Role | str,
    languages: list[str] | None = None,
    reason: str = "",
) -> tuple[Membership, bool]:
    """Give a person a role in an agency, making the account of a new person (no password yet), or
    giving back a removed role; audited. Returns the membership and whether the person is new.
    Call it inside the transaction of the use case (one member, or a whole import)."""
    scope = require(acting, Perm.MEMBERS_MANAGE)
    if scope == Scope.AGENCY and agency.pk != acting.agency_id:
        raise ApplicationError(_("You can only add members to your own agency."), code="forbidden")
    if role not in roles_grantable(acting):
        raise ApplicationError(_("Only a system administrator can make another."), code="forbidden")
    email = normalise_email(email)
    user = User.objects.filter(email=email).first()
    created_user = user is None
    if user is None:
        user = User.objects.create_user(
            email=email, password=None, full_name=full_name.strip(), languages=languages or []
        )
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if not created and membership.is_active:
        raise ApplicationError(_("This person already has that role in this agency."), code="duplicate")
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    audit.record(
        action=AuditAction.CREATE, actor=acting.user, agency=acting.agency, obj=membership, reason=reason
    )
    return membership, created_user


@transaction.atomic
def membership_create(
    *,
    acting: Membership,
    agency: Agency,
    email: str,
    full_name: str,
    role: Role | str,
    request: HttpRequest,
) -> Membership:
    """Give a person a role in an agency; a new person gets an e-mail to choose a password."""
    membership, created_user = membership_grant(
        acting=acting, agency=agency, email=email, full_name=full_name, role=role
    )
    if created_user:
        invitation_send(user=membership.user, request=request)
    return membership


@transaction.atomic
def membership_deactivate(*, acting: Membership, membership: Membership) -> Membership:
    scope = require(acting, Perm.MEMBERS_MANAGE)
    if scope == Scope.AGENCY and membership.agency_id != acting.agency_id:
        raise ApplicationError(_("You can only change members of your own agency."), code="forbidden")
    if membership.pk == acting.pk:
        raise ApplicationError(_("You cannot remove your own role."), code="invalid")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit.record(
        action=AuditAction.UPDATE,
        actor=acting.user,
        agency=acting.agency,
        obj=membership,
        reason="membership deactivated",
    )
    return membership


@transaction.atomic
def user_languages_set(*, user: User, languages: list[str]) -> User:
    """Say which languages a person writes to children in (their own choice, for every agency)."""
    chosen = [code for code in WritingLanguage.values if code in set(languages)]
    if len(chosen) != len(set(languages)):
        raise ApplicationError(_("Choose only the languages listed."), code="invalid")
    user.languages = chosen
    user.save(update_fields=["languages"])
    audit.record(action=AuditAction.UPDATE, actor=user, obj=user, reason="languages changed")
    return user
