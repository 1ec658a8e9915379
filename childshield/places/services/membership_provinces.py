"""Limiting a programme manager's figures to one province, or lifting the limit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import Perm, Scope, require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.places.models import Area, MembershipProvince


@transaction.atomic
def membership_province_set(
    *, acting: Membership, membership: Membership, province: Area | None
) -> MembershipProvince | None:
    """Limit a programme manager's figures to `province` (a current province of the agency's country), or
    to the whole country again with None. Refused with the reason when the province does not fit."""
    scope = require(acting, Perm.MEMBERS_MANAGE)
    if scope == Scope.AGENCY and membership.agency_id != acting.agency_id:
        raise ApplicationError(_("You can only change members of your own agency."), code="forbidden")
    current = MembershipProvince.objects.filter(membership=membership).first()
    if province is None:
        if current is None:
            return None
        current.delete()
        reason = "figures no longer limited to a province"
        limit = None
    else:
        limit = current or MembershipProvince(membership=membership)
        limit.province = province
        try:
            limit.full_clean(validate_unique=False)
        except ValidationError as error:
            raise ApplicationError(" ".join(error.messages), code="invalid") from error
        limit.save()
        reason = f"figures limited to province {province.code}"
    audit.record(
        action=AuditAction.UPDATE, actor=acting.user, agency=acting.agency, obj=membership, reason=reason
    )
    return limit
