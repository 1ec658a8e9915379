"""Invitations: the e-mail that lets a new member choose a password (a password-reset link with its
own words and page), and sending it again to someone who never used theirs."""

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from childshield.accounts.forms import QueuedPasswordResetForm
from childshield.accounts.models import Membership, User
from childshield.accounts.permissions import Perm, Scope, require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError


def invitation_send(*, user: User, request: HttpRequest) -> None:
    """Queue the invitation e-mail through the outbox; call it inside the change's transaction."""
    form = QueuedPasswordResetForm({"email": user.email})
    if form.is_valid():
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="accounts/email/invitation_subject.txt",
            email_template_name="accounts/email/invitation.txt",
            extra_email_context={"invitation_days": str(max(1, settings.PASSWORD_RESET_TIMEOUT // 86400))},
        )


def invitation_pending(*, user: User) -> bool:
    """The person has not chosen a password yet: their invitation is still to be used."""
    return not user.has_usable_password()


@transaction.atomic
def invitation_resend(*, acting: Membership, membership: Membership, request: HttpRequest) -> User:
    """Send a member who never chose a password a new invitation (the old link may have expired)."""
    scope = require(acting, Perm.MEMBERS_MANAGE)
    if scope == Scope.AGENCY and membership.agency_id != acting.agency_id:
        raise ApplicationError(_("You can only change members of your own agency."), code="forbidden")
    user = membership.user
    if not membership.is_active or not user.is_active:
        raise ApplicationError(_("Give the person a role again before inviting them."), code="invalid")
    if not invitation_pending(user=user):
        raise ApplicationError(
            _("%(email)s has chosen a password already. They can sign in, or reset it from the sign-in page.")
            % {"email": user.email},
            code="invalid",
        )
    invitation_send(user=user, request=request)
    audit.record(
        action=AuditAction.UPDATE,
        actor=acting.user,
        agency=acting.agency,
        obj=user,
        reason="invitation sent again",
    )
    return user
