"""What the writes about a case share: the optimistic lock on the case, the audit record, and the
checks of what was chosen.

Changes to a case's own fields carry the version the person saw; a stale one is refused
(optimistic locking), so two workers never silently overwrite each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import Case
from childshield.cases.permissions import CasePerm
from childshield.core.errors import ApplicationError


def case_lock(*, case: Case, version: int) -> Case:
    """The case locked for this transaction, refusing the change if it moved on since `version`."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.version != version:
        raise ApplicationError(
            _(
                "Someone else changed this case after you opened it. Nothing was saved over their change: "
                "reload the case, check what they did, then make your change again "
                "(what you typed is kept below)."
            ),
            code="stale",
        )
    return locked


def case_save(*, case: Case, fields: list[str]) -> None:
    """Save `fields` of a locked case and raise its version by one."""
    case.version = F("version") + 1
    case.save(update_fields=[*fields, "version"])
    case.refresh_from_db(fields=["version"])


def audit_record(*, acting: Membership, action: AuditAction, obj: Any, reason: str) -> None:
    audit.record(action=action, actor=acting.user, agency=acting.agency, obj=obj, reason=reason)


def supervisor_check(*, supervisor: Membership | None, agency_id: int) -> None:
    if supervisor is None:
        return
    if supervisor.agency_id != agency_id or not may(supervisor, CasePerm.CASE_SUPERVISE):
        raise ApplicationError(
            _("The supervisor must be a supervisor of the agency managing the case."), code="invalid"
        )


def choices_clean(*, values: Sequence[str], allowed: Sequence[str], what: str) -> list[str]:
    """`values` without repeats, refusing any that is not one of `allowed`."""
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ApplicationError(
            _("Unknown %(what)s: %(values)s.") % {"what": what, "values": ", ".join(unknown)}
        )
    return list(dict.fromkeys(values))


def case_check_open(*, case: Case) -> None:
    if case.is_closed:
        raise ApplicationError(_("The case is closed. Reopen it to change it."), code="closed")
