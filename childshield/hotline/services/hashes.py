"""Hashes of confirmed abuse material go to the hotline's own bank, for platforms to match uploads."""

from datetime import datetime

from django.utils import timezone

from childshield.accounts.models import Membership
from childshield.core.errors import ApplicationError
from childshield.hashing import services as hashing_services
from childshield.hashing.models import PDQ_MIN_QUALITY, Algorithm, BankSource, HashBank, SharingPolicy
from childshield.hotline.models import ContentItem, ReceivedImage

CONFIRMED_BANK_NAME = "Hotline: confirmed items"


def _confirmed_bank(acting: Membership) -> HashBank:
    bank = (
        HashBank.objects.filter(owner=acting.agency, source=BankSource.HOTLINE_CONFIRMED)
        .order_by("pk")
        .first()
    )
    if bank is None:
        bank = hashing_services.bank_create(
            actor=acting,
            name=CONFIRMED_BANK_NAME,
            source=BankSource.HOTLINE_CONFIRMED,
            sharing=SharingPolicy.TRUSTED_PLATFORMS,
            description="Hashes of images the hotline's analysts confirmed as abuse material.",
        )
    return bank


def _bank_picture(
    acting: Membership,
    bank: HashBank,
    *,
    md5: str,
    sha256: str,
    pdq: str,
    quality: int | None,
    reference: str,
) -> int:
    """Add one picture's hashes (PDQ when good enough, MD5, SHA-256) to the bank; how many were new."""
    hashes: list[tuple[str, str, int | None]] = [(Algorithm.MD5, md5, None), (Algorithm.SHA256, sha256, None)]
    if pdq and (quality or 0) >= PDQ_MIN_QUALITY:
        hashes.insert(0, (Algorithm.PDQ, pdq, quality))
    added = 0
    for algorithm, value, hash_quality in hashes:
        try:
            hashing_services.entry_add(
                actor=acting,
                bank=bank,
                algorithm=algorithm,
                value=value,
                quality=hash_quality,
                source_reference=reference,
            )
        except ApplicationError as error:
            if error.code != "duplicate":
                raise
        else:
            added += 1
    return added


def hashes_bank(*, acting: Membership, item: ContentItem, now: datetime | None = None) -> int:
    """Add the confirmed item's image hashes (PDQ, MD5, SHA-256) to the hotline's bank; returns how many."""
    pending = list(item.evidence.filter(hashes_banked_at__isnull=True, content_type__startswith="image/"))
    if not pending:
        return 0
    bank = _confirmed_bank(acting)
    added = 0
    for evidence in pending:
        added += _bank_picture(
            acting,
            bank,
            md5=evidence.md5,
            sha256=evidence.sha256,
            pdq=evidence.pdq,
            quality=evidence.pdq_quality,
            reference=f"hotline item {item.number}",
        )
        evidence.hashes_banked_at = now or timezone.now()
        evidence.save(update_fields=["hashes_banked_at"])
    return added


def received_image_hashes_bank(*, acting: Membership, image: ReceivedImage) -> int:
    """Add a picture passed from a chat, assessed as abuse material, to the hotline's bank."""
    if image.hashes_banked_at is not None:
        return 0
    added = _bank_picture(
        acting,
        _confirmed_bank(acting),
        md5=image.md5,
        sha256=image.sha256,
        pdq=image.pdq,
        quality=image.pdq_quality,
        reference=f"picture from a chat {image.pk}",
    )
    image.hashes_banked_at = timezone.now()
    image.save(update_fields=["hashes_banked_at"])
    return added
