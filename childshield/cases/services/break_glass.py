"""Break-glass access: opening a case one would not otherwise see, for a few hours, with a reason."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import BreakGlassAccess, Case
from childshield.cases.permissions import CasePerm, case_access, may_break_glass
from childshield.core.errors import ApplicationError

BREAK_GLASS_HOURS = 4


@transaction.atomic
def break_glass_open(*, acting: Membership, case: Case, reason: str) -> BreakGlassAccess:
    """Open a case one would not otherwise see, for a few hours, with a reason everyone can audit."""
    if not may_break_glass(acting, case):
        raise PermissionDenied(CasePerm.BREAK_GLASS)
    if len(reason.strip()) < 10:
        raise ApplicationError(
            _("Write the reason in a sentence (at least 10 characters): it is kept in the audit log."),
            code="invalid",
        )
    if case_access(acting, case).full:
        raise ApplicationError(_("You can already open this case."))
    now = timezone.now()
    access = BreakGlassAccess.objects.create(
        case=case,
        membership=acting,
        reason=reason.strip(),
        opened_at=now,
        expires_at=now + timedelta(hours=BREAK_GLASS_HOURS),
    )
    audit.record(
        action=AuditAction.BREAK_GLASS,
        actor=acting.user,
        agency=acting.agency,
        obj=case,
        reason=reason.strip(),
    )
    return access
