"""Who may read and keep the services directory.

Every staff role reads it: counsellors look up help during a contact, case workers choose where to
refer. Helpline supervisors and system administrators keep the whole list; an agency's
administrator keeps the services their own agency runs.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from childshield.accounts.models import Membership, Role
from childshield.accounts.permissions import Scope, scope_in
from childshield.directory.models import Resource


class DirectoryPerm(StrEnum):
    VIEW = "directory.view"
    # AGENCY: only services linked to one's own agency; ALL: any service.
    EDIT = "directory.edit"


DIRECTORY_GRANTS: dict[Role, dict[DirectoryPerm, Scope]] = {
    role: {DirectoryPerm.VIEW: Scope.ALL} for role in Role
}
DIRECTORY_GRANTS[Role.HELPLINE_SUPERVISOR][DirectoryPerm.EDIT] = Scope.ALL
DIRECTORY_GRANTS[Role.AGENCY_ADMIN][DirectoryPerm.EDIT] = Scope.AGENCY
DIRECTORY_GRANTS[Role.SYSTEM_ADMIN][DirectoryPerm.EDIT] = Scope.ALL


def directory_scope(membership: Membership | None, perm: DirectoryPerm) -> Scope | None:
    return scope_in(DIRECTORY_GRANTS, membership, perm)


def may(membership: Membership | None, perm: DirectoryPerm) -> bool:
    return directory_scope(membership, perm) is not None


def require(membership: Membership | None, perm: DirectoryPerm) -> Scope:
    scope = directory_scope(membership, perm)
    if scope is None:
        raise PermissionDenied(perm)
    return scope


def keeps_whole_directory(membership: Membership | None) -> bool:
    """Whether `membership` may change any service, not only those its own agency runs."""
    return directory_scope(membership, DirectoryPerm.EDIT) == Scope.ALL


def may_edit(membership: Membership | None, resource: Resource | None = None) -> bool:
    """Whether `membership` may change `resource` (or add one, when `resource` is None)."""
    scope = directory_scope(membership, DirectoryPerm.EDIT)
    if scope is None or membership is None:
        return False
    if scope == Scope.ALL or resource is None:
        return True
    return resource.agency_id == membership.agency_id


def require_edit(membership: Membership | None, resource: Resource | None = None) -> None:
    if not may_edit(membership, resource):
        raise PermissionDenied(DirectoryPerm.EDIT)
