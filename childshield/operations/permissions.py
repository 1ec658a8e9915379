"""Who may handle data-subject requests: system administrators, for every agency's records (scope
ALL). Reading what is held about a person for a request is an exception to "a case is known only
to its agencies", as break-glass is: every read names the request and is audited."""

from enum import StrEnum

from childshield.accounts.models import Role
from childshield.accounts.permissions import PermissionSet, Scope, declare


class OperationsPerm(StrEnum):
    # Record a request, the identity check, the person it is about; export, answer, refuse, erase.
    SUBJECT_REQUESTS = "operations.handle_subject_requests"


OPERATIONS = declare(
    PermissionSet(
        perms=OperationsPerm,
        grants={Role.SYSTEM_ADMIN: {OperationsPerm.SUBJECT_REQUESTS: Scope.ALL}},
    )
)
