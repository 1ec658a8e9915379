"""Retention: each night, what is past its time is anonymised or deleted, held records excepted,
each erasure logged in `Erasure`, one audit record per run with the counts.

The figures survive it by design: retention never deletes a row that insights counts or times
(`insights/figures/sources.py`, `durations.py`). It empties the personal fields of such a row and
keeps the fields the figures read (dates, country, province, categories, age band, gender,
who sent a message and when), so the nightly recount of every month gives the same numbers.
A child-protection duty to keep a case overrides erasure: records tied to a case that is not closed
are kept whatever their age (docs/retention.md). The audit log is never touched.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.fields import EncryptedField
from childshield.operations.models import Erasure, LegalHold
from childshield.operations.retention_periods import KindRule, period_days, rules

BATCH = 500
JOURNAL_DIR = "retention/erasures/"

# A report's own parts: these do not make it "followed" (a contact, a case, a hotline item do).
REPORT_OWN_PARTS = {
    "intake.ReportMessage",
    "intake.BlockedImage",
    "helpline.QueueClaim",
    "helpline.ReportTriage",
    "helpline.UrgentAlert",
    "messaging.Conversation",
}
CASE_CLOSED = "closed"


@dataclass(frozen=True)
class Kind:
    """One kind of record: which rows are past their time, what holds reach them, how to erase."""

    name: str
    model: str
    due: Callable[[datetime], QuerySet[models.Model]]  # past the cutoff, duties to keep left out
    # A hold on any of these records keeps the row: (model label, the row's field naming it).
    held_through: tuple[tuple[str, str], ...]
    # Erases the rows (their ids given) inside the run's transaction; the stored files to delete after.
    erase: Callable[[list[int], KindRule], list[str]]


@dataclass
class RunResult:
    now: datetime
    dry_run: bool
    due: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    erased: dict[str, int] = field(default_factory=dict)


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _emptied(model: type[models.Model], names: Iterable[str]) -> dict[str, object]:
    """Each field's empty value: NULL where it may be, else its default ("" or [])."""
    values: dict[str, object] = {}
    for name in names:
        model_field = model._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        values[name] = None if model_field.null else model_field.get_default()
    return values


def _messages_emptied(report_ids: Iterable[int]) -> None:
    # The row stays: who sent it and when is the reply-time figure (R9).
    _model("intake.ReportMessage")._default_manager.filter(report_id__in=report_ids).update(
        body="", cut_from=None
    )


def _kept_by_case_duty() -> QuerySet[models.Model]:
    """Cases a child-protection duty keeps: every case not closed."""
    return _model("cases.Case")._default_manager.exclude(status=CASE_CLOSED)


# Reports with nothing following them ---------------------------------------------------------------------


def _report_followers() -> list[tuple[type[models.Model], str]]:
    """(model, column) of every record of another kind that names a report, its own parts aside."""
    found = []
    for relation in _model("intake.Report")._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ForeignObjectRel) or not (
            relation.one_to_many or relation.one_to_one
        ):
            continue
        related = relation.related_model
        if isinstance(related, str) or related._meta.auto_created:
            continue
        if related._meta.label not in REPORT_OWN_PARTS:
            found.append((related, relation.field.attname))
    return found


def _reports_due(cutoff: datetime) -> QuerySet[models.Model]:
    """Received before the cutoff, no message in its thread since, and nothing made from it: any
    record of another app that names it (a contact, a case, a hotline item, a platform's report)
    keeps it, including one a new app adds."""
    due = _model("intake.Report")._default_manager.filter(created_at__lt=cutoff)
    recent = _model("intake.ReportMessage")._default_manager.filter(created_at__gte=cutoff)
    due = due.exclude(pk__in=recent.values("report_id"))
    for related, column in _report_followers():
        followers = related._default_manager.filter(**{f"{column}__isnull": False})
        due = due.exclude(pk__in=followers.values(column))
    return due


def _reports_anonymise(ids: Iterable[int], fields: Iterable[str]) -> None:
    report = _model("intake.Report")
    report._default_manager.filter(pk__in=ids).update(**_emptied(report, fields))
    _messages_emptied(ids)
    # The words that raised triage signals quote the child.
    _model("helpline.ReportTriage")._default_manager.filter(report_id__in=ids).update(words={})


def _reports_erase(ids: list[int], rule: KindRule) -> list[str]:
    _reports_anonymise(ids, rule.fields)
    return []


# Helpline contact notes ----------------------------------------------------------------------------------


def _contacts_due(cutoff: datetime) -> QuerySet[models.Model]:
    """Started before the cutoff, and not tied to a case its duty keeps."""
    contacts = _model("helpline.Contact")._default_manager.filter(started_at__lt=cutoff)
    return contacts.exclude(case__in=_kept_by_case_duty())


def _contacts_erase(ids: list[int], rule: KindRule) -> list[str]:
    contact = _model("helpline.Contact")
    contact._default_manager.filter(pk__in=ids).update(**_emptied(contact, rule.fields))
    return []


# Channel transcripts --------------------------------------------------------------------------------------


def _conversations_due(cutoff: datetime) -> QuerySet[models.Model]:
    """Nothing from the sender, and no message either way, since the cutoff; not the report of a case
    a duty keeps."""
    recent = _model("intake.ReportMessage")._default_manager.filter(created_at__gte=cutoff)
    kept = _kept_by_case_duty().filter(source_report__isnull=False).values("source_report_id")
    return (
        _model("messaging.Conversation")
        ._default_manager.filter(last_inbound_at__lt=cutoff)
        .exclude(report_id__in=recent.values("report_id"))
        .exclude(report_id__in=kept)
    )


def _conversations_erase(ids: list[int], rule: KindRule) -> list[str]:
    conversation = _model("messaging.Conversation")
    rows = conversation._default_manager.filter(pk__in=ids)
    report_ids = list(rows.values_list("report_id", flat=True))
    rows.update(**_emptied(conversation, rule.fields))
    _messages_emptied(report_ids)
    # The provider's reference to each picture the sender sent: it could fetch the picture again.
    _model("messaging.ReceivedPicture")._default_manager.filter(message__report_id__in=report_ids).update(
        file_ref=""
    )
    return []


# Hotline evidence ------------------------------------------------------------------------------------------


def _evidence_due(cutoff: datetime) -> QuerySet[models.Model]:
    """The item closed before the cutoff, or removed before it and not closed since."""
    return _model("hotline.Evidence")._default_manager.filter(
        Q(item__closed_at__lt=cutoff) | Q(item__closed_at__isnull=True, item__removed_at__lt=cutoff)
    )


def _evidence_erase(ids: list[int], rule: KindRule) -> list[str]:
    evidence = _model("hotline.Evidence")._default_manager.filter(pk__in=ids)
    names = list(evidence.values_list("storage_name", flat=True))
    evidence.delete()
    return names


# Caller notes ---------------------------------------------------------------------------------------------


def _caller_notes_due(cutoff: datetime) -> QuerySet[models.Model]:
    """No longer shown since before the cutoff (`expires_on`), and not a note of a contact tied to a
    case its duty keeps."""
    notes = _model("helpline.CallerNote")._default_manager.filter(expires_on__lt=timezone.localdate(cutoff))
    return notes.exclude(contact__case__in=_kept_by_case_duty())


def _caller_notes_erase(ids: list[int], rule: KindRule) -> list[str]:
    _model("helpline.CallerNote")._default_manager.filter(pk__in=ids).delete()
    return []


# Pictures passed from chats ---------------------------------------------------------------------------------


def _received_pictures_due(cutoff: datetime) -> QuerySet[models.Model]:
    """Passed to the hotline before the cutoff, and not from the report of a case its duty keeps."""
    kept = _kept_by_case_duty().filter(source_report__isnull=False).values("source_report_id")
    pictures = _model("hotline.ReceivedImage")._default_manager.filter(passed_at__lt=cutoff)
    return pictures.exclude(report_id__in=kept)


def _received_pictures_erase(ids: list[int], rule: KindRule) -> list[str]:
    pictures = _model("hotline.ReceivedImage")._default_manager.filter(pk__in=ids)
    names = list(pictures.values_list("storage_name", flat=True))
    pictures.delete()
    return names


# Closed cases ----------------------------------------------------------------------------------------------

CHILD = "cases.Child"
CASE = "cases.Case"
# What a case's source report loses with the case: as a report with nothing following it.
REPORT_FIELDS = ("description", "urls", "contact", "passphrase_hash", "idempotency_key")
# The keyed hashes of a child's names: a search by name would still find the erased child.
CHILD_NAME_HASHES = {"name_index": "", "duplicate_index": ""}
CHILD_NAME_PARTS = ("cases.ChildNamePart", "cases.ChildDuplicateKey")
ATTACHMENT = "cases.Attachment"


def _children_kept(cutoff: datetime) -> QuerySet[models.Model]:
    """Children a duty still keeps: one of their cases is not closed, or closed since the cutoff; a
    record merged into another keeps both."""
    cases = _model(CASE)._default_manager
    kept = cases.exclude(status=CASE_CLOSED, closed_at__lt=cutoff).values("child_id")
    children = _model(CHILD)._default_manager
    return children.filter(
        Q(pk__in=kept)
        | Q(merged_into__in=kept)
        | Q(pk__in=children.filter(pk__in=kept).values("merged_into"))
    )


def _closed_cases_due(cutoff: datetime) -> QuerySet[models.Model]:
    """Closed before the cutoff; every other case of the child too; the child grown up (the file's
    `keep_until_age`), where the year of birth is known."""
    due = _model(CASE)._default_manager.filter(status=CASE_CLOSED, closed_at__lt=cutoff)
    due = due.exclude(child__in=_children_kept(cutoff).values("pk"))
    until_age = rules()["closed_case"].keep_until_age
    if until_age is not None:
        # Sure to be that old on the run's day: born at least `until_age` + 1 years before its year.
        now = cutoff + timedelta(days=period_days("closed_case"))
        youngest = timezone.localtime(now).year - until_age - 1
        due = due.exclude(child__birth_year__gt=youngest)
    return due


def _reached_from(label: str, depth: int = 2) -> list[tuple[type[models.Model], str]]:
    """Every model naming `label`'s rows, directly or through one more record (a referral's service,
    a contact's caller note), with the lookup from it to those rows: what a case's erasure reaches."""
    found: list[tuple[type[models.Model], str]] = []
    frontier: list[tuple[type[models.Model], str]] = [(_model(label), "")]
    for _ in range(depth):
        following = []
        for model, path in frontier:
            for relation in model._meta.get_fields(include_hidden=True):
                if not isinstance(relation, models.ForeignObjectRel) or not (
                    relation.one_to_many or relation.one_to_one
                ):
                    continue
                related = relation.related_model
                if isinstance(related, str) or related._meta.auto_created or related is model:
                    continue
                lookup = relation.field.name + (f"__{path}" if path else "")
                following.append((related, lookup))
        found.extend(following)
        frontier = following
    return found


def _encrypted_fields(model: type[models.Model]) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedField)]


def _closed_cases_erase(ids: list[int], rule: KindRule) -> list[str]:
    """Every encrypted field of the cases and of what names them emptied (notes, assessments'
    answers, consents, referrals' messages, people who harmed, contacts' notes, …); attachments
    deleted with their files; the child's identity and name hashes once none of the child's cases is
    left; the source report's words as an unfollowed report's. What the figures count is in clear
    fields and stays."""
    case_model = _model(CASE)
    cases = case_model._default_manager.filter(pk__in=ids)
    cases.update(**_emptied(case_model, _encrypted_fields(case_model)))
    attachments = _model(ATTACHMENT)._default_manager.filter(case_id__in=ids)
    files = list(attachments.values_list("storage_name", flat=True))
    attachments.delete()
    for model, lookup in _reached_from(CASE):
        encrypted = _encrypted_fields(model)
        if encrypted:
            model._default_manager.filter(**{f"{lookup}__in": ids}).update(**_emptied(model, encrypted))
    erased_before = Erasure.objects.filter(kind="closed_case").values("record_id")
    child_ids = set(cases.values_list("child_id", flat=True))
    remaining = (
        case_model._default_manager.filter(child_id__in=child_ids)
        .exclude(pk__in=ids)
        .exclude(pk__in=erased_before)
    )
    child_ids -= set(remaining.values_list("child_id", flat=True))
    child = _model(CHILD)
    child._default_manager.filter(pk__in=child_ids).update(
        **_emptied(child, _encrypted_fields(child)), **CHILD_NAME_HASHES
    )
    for label in CHILD_NAME_PARTS:
        _model(label)._default_manager.filter(child_id__in=child_ids).delete()
    report_ids = set(cases.exclude(source_report=None).values_list("source_report_id", flat=True))
    report_ids -= set(
        case_model._default_manager.filter(source_report_id__in=report_ids)
        .exclude(pk__in=ids)
        .exclude(pk__in=erased_before)
        .values_list("source_report_id", flat=True)
    )
    _reports_anonymise(report_ids, REPORT_FIELDS)
    return files


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            name="report_unfollowed",
            model="intake.Report",
            due=_reports_due,
            held_through=(("intake.Report", "pk"),),
            erase=_reports_erase,
        ),
        Kind(
            name="contact_notes",
            model="helpline.Contact",
            due=_contacts_due,
            held_through=(
                ("helpline.Contact", "pk"),
                ("intake.Report", "report_id"),
                ("cases.Case", "case_id"),
            ),
            erase=_contacts_erase,
        ),
        Kind(
            name="channel_transcript",
            model="messaging.Conversation",
            due=_conversations_due,
            held_through=(("messaging.Conversation", "pk"), ("intake.Report", "report_id")),
            erase=_conversations_erase,
        ),
        Kind(
            name="hotline_evidence",
            model="hotline.Evidence",
            due=_evidence_due,
            held_through=(("hotline.Evidence", "pk"), ("hotline.ContentItem", "item_id")),
            erase=_evidence_erase,
        ),
        Kind(
            name="caller_notes",
            model="helpline.CallerNote",
            due=_caller_notes_due,
            held_through=(("helpline.CallerNote", "pk"), ("helpline.Contact", "contact_id")),
            erase=_caller_notes_erase,
        ),
        Kind(
            name="received_pictures",
            model="hotline.ReceivedImage",
            due=_received_pictures_due,
            held_through=(("hotline.ReceivedImage", "pk"), ("intake.Report", "report_id")),
            erase=_received_pictures_erase,
        ),
        Kind(
            name="closed_case",
            model=CASE,
            due=_closed_cases_due,
            held_through=((CASE, "pk"), (CHILD, "child_id"), ("intake.Report", "source_report_id")),
            erase=_closed_cases_erase,
        ),
    )
}


# The run ----------------------------------------------------------------------------------------------


def _held(kind: Kind, now: datetime) -> Q:
    """Rows of `kind` a standing hold reaches."""
    condition = Q(pk__in=[])
    standing = LegalHold.objects.filter(LegalHold.standing(now))
    for label, column in kind.held_through:
        content_type = ContentType.objects.get_for_model(_model(label))
        condition |= Q(**{f"{column}__in": standing.filter(content_type=content_type).values("object_id")})
    return condition


def _candidates(kind: Kind, now: datetime) -> QuerySet[models.Model]:
    """The rows past their time not yet erased, holds not yet applied."""
    cutoff = now - timedelta(days=period_days(kind.name))
    erased = Erasure.objects.filter(kind=kind.name).values("record_id")
    return kind.due(cutoff).exclude(pk__in=erased)


def _batches(ids: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _erase_batch(kind: Kind, rule: KindRule, ids: list[int], now: datetime) -> tuple[list[int], list[str]]:
    """Erase one batch in one transaction: rows are read again under lock, so one that gained a
    follower, a hold or an erasure since the listing is left alone. Only the kind's own rows are
    locked: PostgreSQL cannot lock the nullable side of the outer join a rule may need."""
    with transaction.atomic():
        still = list(
            _candidates(kind, now)
            .exclude(_held(kind, now))
            .filter(pk__in=ids)
            .select_for_update(of=("self",))
            .values_list("pk", flat=True)
        )
        if not still:
            return [], []
        files = kind.erase(still, rule)
        Erasure.objects.bulk_create([Erasure(kind=kind.name, record_id=pk, erased_at=now) for pk in still])
    return still, files


def _delete_files(names: Iterable[str]) -> None:
    """Stored files of erased rows, deleted once their rows' deletion has committed."""
    for name in names:
        default_storage.delete(name)


def journal_write(kind: str, ids: list[int], now: datetime) -> None:
    """The batch's erasures, also kept in the storage beside the database: a restored database has
    lost the `Erasure` rows made after its backup, and the journal brings them back (no personal data:
    kind, id, when)."""
    entries = [{"kind": kind, "record_id": pk, "erased_at": now.isoformat()} for pk in ids]
    name = f"{JOURNAL_DIR}{now:%Y%m%dT%H%M%S}-{kind}-{ids[0]}.json"
    default_storage.save(name, ContentFile(json.dumps(entries).encode()))


def journal_read(*, since: datetime) -> list[tuple[str, int, datetime]]:
    """The erasures the storage's journal holds from `since` on."""
    try:
        _, names = default_storage.listdir(JOURNAL_DIR)
    except FileNotFoundError:
        return []
    found = []
    for name in sorted(names):
        with default_storage.open(f"{JOURNAL_DIR}{name}") as journal:
            for entry in json.loads(journal.read()):
                erased_at = datetime.fromisoformat(entry["erased_at"])
                if erased_at >= since:
                    found.append((str(entry["kind"]), int(entry["record_id"]), erased_at))
    return found


def retention_run(*, now: datetime | None = None, dry_run: bool = False, batch: int = BATCH) -> RunResult:
    """Anonymise or delete every record past its time, in batches, each in its transaction (call it
    outside any transaction: stored files are deleted after their batch commits). A dry run counts
    and changes nothing, the audit log included."""
    now = now or timezone.now()
    result = RunResult(now=now, dry_run=dry_run)
    in_force = rules()
    for name, kind in KINDS.items():
        if name not in in_force:
            continue
        candidates = _candidates(kind, now)
        ids = list(candidates.exclude(_held(kind, now)).order_by("pk").values_list("pk", flat=True))
        result.due[name] = len(ids)
        result.held[name] = candidates.filter(_held(kind, now)).count()
        result.erased[name] = 0
        if dry_run:
            continue
        for chunk in _batches(ids, batch):
            erased, files = _erase_batch(kind, in_force[name], chunk, now)
            result.erased[name] += len(erased)
            if erased:
                journal_write(name, erased, now)
            _delete_files(files)
    if not dry_run:
        with transaction.atomic():
            audit.record(
                action=AuditAction.DELETE,
                object_type="retention",
                reason=json.dumps({"erased": result.erased, "held": result.held}, sort_keys=True),
            )
    return result


def retention_reapply(*, since: datetime) -> dict[str, int]:
    """After a restore: erase again what was erased from `since` (the backup's time) on, as the
    database's `Erasure` rows and the storage's journal say; a record gone since is passed over.
    Holds are not asked again: the erasure was lawful when made. The counts per kind."""
    logged = [
        (erasure.kind, erasure.record_id, erasure.erased_at)
        for erasure in Erasure.objects.filter(erased_at__gte=since)
    ]
    wanted: dict[str, dict[int, datetime]] = {}
    for kind, record_id, erased_at in [*logged, *journal_read(since=since)]:
        if erased_at >= since and kind in KINDS:
            wanted.setdefault(kind, {})[record_id] = erased_at
    in_force = rules()
    counts: dict[str, int] = {}
    for name, records in wanted.items():
        chosen = KINDS[name]
        with transaction.atomic():
            present = list(
                _model(chosen.model)
                ._default_manager.filter(pk__in=list(records))
                .values_list("pk", flat=True)
            )
            files = chosen.erase(present, in_force[name]) if present else []
            done = set(
                Erasure.objects.filter(kind=name, record_id__in=present).values_list("record_id", flat=True)
            )
            Erasure.objects.bulk_create(
                [Erasure(kind=name, record_id=pk, erased_at=records[pk]) for pk in present if pk not in done]
            )
        _delete_files(files)
        counts[name] = len(present)
    with transaction.atomic():
        audit.record(
            action=AuditAction.DELETE,
            object_type="retention",
            reason=json.dumps({"reapplied": counts, "since": since.isoformat()}, sort_keys=True),
        )
    return counts
