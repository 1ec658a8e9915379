"""A synthetic demo hash bank: hashes of drawn test pictures and random values, never of real material."""

import numpy as np
from django.db import transaction

from childshield.accounts.models import Membership, Role
from childshield.hashing import services
from childshield.hashing.imaging import pdq_from_bytes
from childshield.hashing.models import BankSource, HashBank, SharingPolicy
from childshield.hashing.synthetic import synthetic_picture

DEMO_BANK_NAME = "Demo bank (synthetic hashes)"
DEMO_SEED = 2026


def demo_picture(number: int) -> bytes:
    """A drawn picture (gradient, shapes, a label) that the demo's visitors can re-create to try matching."""
    return synthetic_picture(number, seed=DEMO_SEED, label=f"childshield demo picture {number}")


@transaction.atomic
def demo_hash_bank_seed(*, pictures: int = 5, random_hashes: int = 200) -> HashBank:
    """The demo hotline's bank: PDQ hashes of `demo_picture(0..)`, random PDQ and MD5 values. Idempotent."""
    lead = Membership.objects.filter(role=Role.HOTLINE_LEAD, is_active=True, agency__kind="hotline").first()
    if lead is None:
        raise LookupError("the demo hotline lead must exist first")
    bank = HashBank.objects.filter(owner=lead.agency, name=DEMO_BANK_NAME).first()
    if bank is not None:
        return bank
    bank = services.bank_create(
        actor=lead,
        name=DEMO_BANK_NAME,
        source=BankSource.HOTLINE_CONFIRMED,
        sharing=SharingPolicy.TRUSTED_PLATFORMS,
        description="Synthetic: hashes of drawn demo pictures and random values.",
    )
    rng = np.random.default_rng(DEMO_SEED)
    lines = ["signal_type,signal,quality"]
    for number in range(pictures):
        hashed = pdq_from_bytes(demo_picture(number))
        lines.append(f"pdq,{hashed.value},{hashed.quality}")
    lines += [f"pdq,{rng.bytes(32).hex()},100" for _ in range(random_hashes)]
    lines += [f"md5,{rng.bytes(16).hex()}" for _ in range(random_hashes // 4)]
    services.list_import(
        actor=lead, bank=bank, text="\n".join(lines) + "\n", fmt="signals", filename="demo-bank.csv"
    )
    return bank
