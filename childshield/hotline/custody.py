"""The chain of custody of reported content: every write on an item is audited through here.

Notices and checks run without a person acting; their events have no actor and name the item's
hotline agency instead.
"""

from django.db.models import Model

from childshield.accounts.models import Agency, Membership
from childshield.audit import services as audit
from childshield.audit.models import AuditAction


def custody_record(
    acting: Membership | None, action: AuditAction, obj: Model, reason: str, agency: Agency | None = None
) -> None:
    audit.record(
        action=action,
        actor=None if acting is None else acting.user,
        agency=agency if acting is None else acting.agency,
        obj=obj,
        reason=reason,
    )
