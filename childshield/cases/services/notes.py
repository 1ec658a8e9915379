"""Notes kept with a case."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, CaseNote
from childshield.cases.permissions import require_edit
from childshield.cases.services.case_writes import audit_record
from childshield.core.errors import ApplicationError


@transaction.atomic
def note_add(*, acting: Membership, case: Case, body: str) -> CaseNote:
    require_edit(acting, case)
    if not body.strip():
        raise ApplicationError(_("The note is empty."))
    note = CaseNote.objects.create(case=case, author=acting, body=body.strip())
    audit_record(acting=acting, action=AuditAction.CREATE, obj=note, reason=f"note added to case {case.pk}")
    return note
