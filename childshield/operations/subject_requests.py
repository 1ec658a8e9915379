"""Data-subject requests (access, correction, erasure), handled by a system administrator: each step
a use case, audited on the request so that its audit events are its history.

Nothing is disclosed before the requester's identity is checked and recorded. An erasure is refused
when a child-protection duty keeps a case the person is linked to, or a legal hold keeps the record;
a report with nothing made from it is anonymised as retention anonymises one, journalled as
retention's erasures are, so that `retention_reapply` erases it again after a restore. The audit
reasons name kinds and steps, never a name, a code or a case: the request's history is shown on
pages that must not disclose a child to a person who harmed.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.intake.models import Report
from childshield.operations import retention
from childshield.operations.models import (
    Erasure,
    IdentityDocument,
    LegalHold,
    RefusalReason,
    RequesterRole,
    SubjectKind,
    SubjectRequest,
    SubjectRequestKind,
    SubjectRequestStatus,
)
from childshield.operations.retention_periods import rules
from childshield.operations.subject_exports import Export, export_build
from childshield.operations.subject_lookup import (
    Candidate,
    candidates_find,
    kept_by_case_duty,
    subject_exists,
)
from childshield.operations.subject_request_terms import due_at, terms

REPORT_UNFOLLOWED = "report_unfollowed"


def _audit(acting: Membership, action: AuditAction, request: SubjectRequest, reason: str) -> None:
    audit.record(action=action, actor=acting.user, agency=acting.agency, obj=request, reason=reason)


def _locked(request: SubjectRequest) -> SubjectRequest:
    return SubjectRequest.objects.select_for_update().get(pk=request.pk)


def _require_open(request: SubjectRequest) -> None:
    if not request.is_open:
        raise ApplicationError(_("This request has been answered already."), code="conflict")


def _require_identity(request: SubjectRequest) -> None:
    if not request.identity_checked:
        raise ApplicationError(_("Record how the requester's identity was checked first."), code="conflict")


def _require_disclosable(request: SubjectRequest) -> None:
    """Nothing is disclosed, and nothing changed, before the identity is checked and the person found."""
    _require_identity(request)
    if not request.subject_found:
        raise ApplicationError(_("Find the person the request is about first."), code="conflict")


@dataclass(frozen=True)
class RequestInput:
    kind: str
    requester_name: str
    requester_contact: str = ""
    requester_role: str = RequesterRole.SELF
    details: str = ""
    received_at: datetime | None = None


@transaction.atomic
def subject_request_create(*, acting: Membership, data: RequestInput) -> SubjectRequest:
    if data.kind not in SubjectRequestKind.values or data.requester_role not in RequesterRole.values:
        raise ApplicationError(_("Choose the kind of request and who makes it."))
    if not data.requester_name.strip():
        raise ApplicationError(_("Write the requester's name."))
    received = data.received_at or timezone.now()
    if received > timezone.now():
        raise ApplicationError(_("A request cannot be received in the future."))
    request = SubjectRequest.objects.create(
        kind=data.kind,
        requester_name=data.requester_name.strip(),
        requester_contact=data.requester_contact.strip(),
        requester_role=data.requester_role,
        details=data.details.strip(),
        received_at=received,
        due_at=due_at(kind=data.kind, received_at=received),
        created_by=acting,
    )
    _audit(acting, AuditAction.CREATE, request, f"data-subject request received: {data.kind}")
    return request


@transaction.atomic
def subject_request_identity_record(
    *,
    acting: Membership,
    request: SubjectRequest,
    document: str,
    checked_by: str,
    checked_at: datetime,
    note: str = "",
) -> SubjectRequest:
    """How the requester's identity was checked: the document seen, by whom, when, and a note."""
    request = _locked(request)
    _require_open(request)
    if document not in IdentityDocument.values or not checked_by.strip():
        raise ApplicationError(_("Say which document was seen and who checked it."))
    if document == IdentityDocument.OTHER and not note.strip():
        raise ApplicationError(_("Say in the note which document was seen."))
    if checked_at > timezone.now() or checked_at < request.received_at:
        raise ApplicationError(_("The check is made after the request is received, and not in the future."))
    request.identity_document = document
    request.identity_checked_by = checked_by.strip()
    request.identity_checked_at = checked_at
    request.identity_note = note.strip()
    request.identity_recorded_by = acting
    request.status = SubjectRequestStatus.IDENTITY_CHECKED
    request.save(
        update_fields=[
            "identity_document",
            "identity_checked_by",
            "identity_checked_at",
            "identity_note",
            "identity_recorded_by",
            "status",
        ]
    )
    _audit(acting, AuditAction.UPDATE, request, f"identity checked: {document}")
    return request


def subject_candidates(
    *, acting: Membership, request: SubjectRequest, kind: str, query: str
) -> list[Candidate]:
    """The people of `kind` that `query` names, for the administrator to choose from; the search is
    audited (its kind and how many were found, never what was typed)."""
    _require_identity(request)
    if kind not in SubjectKind.values or not query.strip():
        raise ApplicationError(_("Choose whom to look for and write what to look them up by."))
    found = candidates_find(kind=kind, query=query)
    with transaction.atomic():
        _audit(acting, AuditAction.VIEW, request, f"searched for the subject: {kind}, {len(found)} found")
    return found


@transaction.atomic
def subject_request_subject_set(
    *, acting: Membership, request: SubjectRequest, kind: str, record_id: int, part: int | None = None
) -> SubjectRequest:
    request = _locked(request)
    _require_open(request)
    _require_identity(request)
    if kind not in SubjectKind.values or not subject_exists(kind=kind, record_id=record_id, part=part):
        raise ApplicationError(_("That person is not recorded (any more): look them up again."))
    request.subject_kind = kind
    request.subject_id = record_id
    request.subject_part = part
    request.save(update_fields=["subject_kind", "subject_id", "subject_part"])
    _audit(acting, AuditAction.UPDATE, request, f"subject found: {kind}")
    return request


def _subject_label(request: SubjectRequest) -> tuple[str, str]:
    """The audit's object type and id for the subject's own record."""
    labels = {
        SubjectKind.STAFF_USER: "accounts.User",
        SubjectKind.REPORTER: "intake.Report",
        SubjectKind.CHILD: "cases.Child",
        SubjectKind.CAREGIVER: "cases.Child",
        SubjectKind.PERSON_WHO_HARMED: "cases.PersonWhoHarmed",
    }
    return labels[SubjectKind(request.subject_kind)], str(request.subject_id)


@transaction.atomic
def subject_export(*, acting: Membership, request: SubjectRequest, form: str) -> Export:
    """What is held about the request's subject, decrypted; the read audited on the request and on
    the subject's record (which names the request, as a break-glass reason would)."""
    _require_disclosable(request)
    export = export_build(request)
    _audit(acting, AuditAction.EXPORT, request, f"what is held exported ({form})")
    object_type, object_id = _subject_label(request)
    audit.record(
        action=AuditAction.EXPORT,
        actor=acting.user,
        agency=acting.agency,
        object_type=object_type,
        object_id=object_id,
        reason=f"read for data-subject request {request.pk}",
    )
    return export


def _close(
    acting: Membership, request: SubjectRequest, status: str, note: str, reason: str = ""
) -> SubjectRequest:
    request.status = status
    request.answer_note = note
    request.refusal_reason = reason
    request.answered_at = timezone.now()
    request.answered_by = acting
    request.save(update_fields=["status", "answer_note", "refusal_reason", "answered_at", "answered_by"])
    return request


@transaction.atomic
def subject_request_answer(*, acting: Membership, request: SubjectRequest, note: str) -> SubjectRequest:
    """Answered: for an access, what was sent; for a correction, what was corrected (by the agency
    that owns the record, through its own pages); for an erasure done by hand, what was erased."""
    request = _locked(request)
    _require_open(request)
    _require_disclosable(request)
    if not note.strip():
        raise ApplicationError(_("Write what was sent, corrected or erased."))
    if request.kind == SubjectRequestKind.ERASURE and kept_by_case_duty(request):
        raise ApplicationError(_("A child-protection duty keeps this record: refuse the erasure."))
    _close(acting, request, SubjectRequestStatus.ANSWERED, note.strip())
    _audit(acting, AuditAction.UPDATE, request, f"answered: {request.kind}")
    return request


@transaction.atomic
def subject_request_refuse(
    *, acting: Membership, request: SubjectRequest, reason: str, note: str = ""
) -> SubjectRequest:
    request = _locked(request)
    _require_open(request)
    if reason not in RefusalReason.values:
        raise ApplicationError(_("Choose the reason for refusing."))
    if reason == RefusalReason.OTHER and not note.strip():
        raise ApplicationError(_("Say in the note why the request is refused."))
    _close(acting, request, SubjectRequestStatus.REFUSED, note.strip(), reason)
    _audit(acting, AuditAction.UPDATE, request, f"refused: {reason}")
    return request


def case_duty_note() -> str:
    """The refusal's words, with its legal basis and whether a lawyer has confirmed it."""
    duty = terms().case_duty
    return _("%(reason)s. Legal basis (%(status)s): %(basis)s") % {
        "reason": RefusalReason.CASE_DUTY.label,
        "status": duty.status,
        "basis": duty.legal_basis,
    }


def _report_held(report_id: int, now: datetime) -> bool:
    return LegalHold.objects.filter(
        LegalHold.standing(now), content_type=ContentType.objects.get_for_model(Report), object_id=report_id
    ).exists()


def _report_unfollowed(report_id: int, now: datetime) -> bool:
    """Nothing made from the report (retention's own rule, its age aside: any time counts)."""
    return retention.KINDS[REPORT_UNFOLLOWED].due(now).filter(pk=report_id).exists()


@dataclass(frozen=True)
class ErasureOutcome:
    request: SubjectRequest
    erased: bool


def subject_request_erase(*, acting: Membership, request: SubjectRequest) -> ErasureOutcome:
    """Erase what the request is about, or refuse it with the reason: a case's child-protection duty
    (the legal basis said, marked as the country's file marks it), or a legal hold. A report with
    nothing made from it is anonymised as retention does and journalled; after the commit the
    storage's journal gets the erasure, so that a restore's `retention_reapply` makes it again.
    What else could be erased is not built: the administrator is told so and nothing changes."""
    now = timezone.now()
    with transaction.atomic():
        request = _locked(request)
        _require_open(request)
        _require_disclosable(request)
        if request.kind != SubjectRequestKind.ERASURE:
            raise ApplicationError(_("Only an erasure request erases."), code="conflict")
        if kept_by_case_duty(request):
            _close(acting, request, SubjectRequestStatus.REFUSED, case_duty_note(), RefusalReason.CASE_DUTY)
            _audit(acting, AuditAction.UPDATE, request, f"refused: {RefusalReason.CASE_DUTY}")
            return ErasureOutcome(request, erased=False)
        record_id = request.subject_id
        if request.subject_kind != SubjectKind.REPORTER or record_id is None:
            raise ApplicationError(
                _(
                    "Erasing this kind of record is not built: erase it where it is kept, then record "
                    "what was erased as the answer, or refuse the request."
                ),
                code="conflict",
            )
        if _report_held(record_id, now):
            note = str(RefusalReason.LEGAL_HOLD.label)
            _close(acting, request, SubjectRequestStatus.REFUSED, note, RefusalReason.LEGAL_HOLD)
            _audit(acting, AuditAction.UPDATE, request, f"refused: {RefusalReason.LEGAL_HOLD}")
            return ErasureOutcome(request, erased=False)
        if not _report_unfollowed(record_id, now):
            raise ApplicationError(
                _(
                    "A helpline contact, a hotline item or a platform's report was made from this "
                    "report: erasing it is not built. Erase it where it is kept, then record what was "
                    "erased as the answer, or refuse the request."
                ),
                code="conflict",
            )
        already = Erasure.objects.filter(kind=REPORT_UNFOLLOWED, record_id=record_id).exists()
        retention.KINDS[REPORT_UNFOLLOWED].erase([record_id], rules()[REPORT_UNFOLLOWED])
        if not already:
            Erasure.objects.create(kind=REPORT_UNFOLLOWED, record_id=record_id, erased_at=now)
        note = _("The report's words, web addresses and contact, and its thread's words, were erased.")
        _close(acting, request, SubjectRequestStatus.ANSWERED, note)
        _audit(acting, AuditAction.DELETE, request, f"erased: {REPORT_UNFOLLOWED}")
    # After the commit, as retention's own runs do: a journal of an erasure rolled back would erase
    # again, after a restore, what was never erased.
    retention.journal_write(REPORT_UNFOLLOWED, [record_id], now)
    return ErasureOutcome(request, erased=True)
