"""Evidence kept with an item: hashed in memory, encrypted before it is stored, re-encrypted on rotation."""

from dataclasses import asdict

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hashing.models import Algorithm, MatchChannel
from childshield.hashing.permissions import HashPerm
from childshield.hashing.selectors import matchable_bank_ids_for_member
from childshield.hashing.services import HashQuery, hashes_match
from childshield.hotline.custody import custody_record
from childshield.hotline.evidence_files import evidence_kind, file_keep, files_rotate
from childshield.hotline.models import Classification, ContentItem, Evidence, Notice
from childshield.hotline.permissions import HotlinePerm, require_for_item
from childshield.hotline.services.hashes import hashes_bank


@transaction.atomic
def evidence_add(*, acting: Membership, item: ContentItem, upload: UploadedFile) -> Evidence:
    """Keep a capture with the item, hashed in memory and encrypted before it is stored."""
    require_for_item(acting, item, HotlinePerm.EVIDENCE_ADD)
    limit = settings.HOTLINE_EVIDENCE_MAX_BYTES
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ApplicationError(
            _("The file is too large: at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)}, code="too_large"
        )
    content_type = evidence_kind(content)
    if content_type is None:
        raise ApplicationError(
            _("Only JPEG, PNG, GIF and WebP images and MP4 videos can be kept."), code="wrong_type"
        )
    return evidence_keep(item=item, content=content, content_type=content_type, uploaded_by=acting)


def evidence_keep(
    *,
    item: ContentItem,
    content: bytes,
    content_type: str,
    uploaded_by: Membership,
    notice: Notice | None = None,
) -> Evidence:
    """Store a checked capture encrypted, match it against the banks the hotline matches (as
    `uploaded_by`), and bank it when the item is confirmed abuse material. Run inside the caller's
    transaction: by an analyst's upload, or a platform's file sent for a file request (`notice`)."""
    kept = file_keep(content, content_type)
    try:
        evidence = Evidence.objects.create(item=item, **asdict(kept), uploaded_by=uploaded_by, notice=notice)
    except Exception:
        default_storage.delete(kept.storage_name)
        raise
    evidence.known_matches = _known_matches(uploaded_by, evidence)
    evidence.save(update_fields=["known_matches"])
    known = f", already in {len(evidence.known_banks)} bank(s)" if evidence.known_matches else ""
    origin = f" from the platform for file request {notice.sequence}" if notice is not None else ""
    actor = None if notice is not None else uploaded_by
    custody_record(
        actor,
        AuditAction.CREATE,
        item,
        f"evidence {evidence.pk} added{origin} ({content_type}){known}",
        item.agency,
    )
    if item.classification == Classification.ABUSE_MATERIAL and item.confirmed_at is not None:
        hashes_bank(acting=uploaded_by, item=item)
    return evidence


def _known_matches(acting: Membership, evidence: Evidence) -> list[dict[str, object]]:
    """Its hashes looked up in every bank the hotline matches against (its own and those shared)."""
    if not may(acting, HashPerm.MATCH):
        return []
    queries = [HashQuery(Algorithm.SHA256, evidence.sha256), HashQuery(Algorithm.MD5, evidence.md5)]
    if evidence.pdq:
        queries.append(HashQuery(Algorithm.PDQ, evidence.pdq, evidence.pdq_quality))
    results = hashes_match(
        queries=[query for query in queries if query.value],
        bank_ids=matchable_bank_ids_for_member(membership=acting),
        channel=MatchChannel.STAFF,
        agency=acting.agency,
    )
    return [
        {
            "bank": match.bank_name,
            "bank_id": match.bank_id,
            "algorithm": result.algorithm,
            "distance": match.distance,
        }
        for result in results
        for match in result.matches
    ]


def evidence_rotate(dry_run: bool) -> int:
    """Re-encrypt every evidence file with the primary key (`manage.py rotate_keys` calls this)."""
    return files_rotate(Evidence, dry_run=dry_run)
