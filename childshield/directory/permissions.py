"""Who may read and keep the services directory.

Every staff role reads it: counsellors look up help during a contact, case workers choose where to
refer. Helpline supervisors and system administrators keep the whole list; an agency's
administrator keeps the services their own agency runs.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from childshield.accounts.models import Membership, Role
from childshield.accounts.permissions import PermissionSet, Scope, declare, perm_scope
from childshield.directory.models import Resource


class DirectoryPerm(StrEnum):
    VIEW = "directory.view"
    # AGENCY: only services linked to one's own agency; ALL: any service.
    EDIT = "directory.edit"


_EDITORS: dict[Role, Scope] = {
    Role.HELPLINE_SUPERVISOR: Scope.ALL,
    Role.AGENCY_ADMIN: Scope.AGENCY,
    Role.SYSTEM_ADMIN: Scope.ALL,
}

DIRECTORY = declare(
    PermissionSet(
        perms=DirectoryPerm,
        grants={
            role: {DirectoryPerm.VIEW: Scope.ALL}
            | ({DirectoryPerm.EDIT: _EDITORS[role]} if role in _EDITORS else {})
            for role in Role
        },
    )
)


def keeps_whole_directory(membership: Membership | None) -> bool:
    """Whether `membership` may change any service, not only those its own agency runs."""
    return perm_scope(membership, DirectoryPerm.EDIT) == Scope.ALL


def may_edit(membership: Membership | None, resource: Resource | None = None) -> bool:
    """Whether `membership` may change `resource` (or add one, when `resource` is None)."""
    scope = perm_scope(membership, DirectoryPerm.EDIT)
    if scope is None or membership is None:
        return False
    if scope == Scope.ALL or resource is None:
        return True
    return resource.agency_id == membership.agency_id


def require_edit(membership: Membership | None, resource: Resource | None = None) -> None:
    if not may_edit(membership, resource):
        raise PermissionDenied(DirectoryPerm.EDIT)
