"""The demo bank: synthetic hashes, and its drawn pictures match it through the API."""

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.demo.hashing import demo_hash_bank_seed, demo_picture
from childshield.hashing import services
from childshield.hashing.imaging import pdq_from_bytes
from childshield.hashing.models import HashEntry, MatchChannel


def test_the_demo_bank_is_seeded_once_and_its_pictures_match(make_member):
    hotline = Agency.objects.create(country="VN", name="Child Online Hotline (demo)", kind=AgencyKind.HOTLINE)
    make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)
    bank = demo_hash_bank_seed(pictures=2, random_hashes=20)
    assert demo_hash_bank_seed(pictures=2, random_hashes=20) == bank
    assert HashEntry.objects.filter(bank=bank).count() == 2 + 20 + 5
    hashed = pdq_from_bytes(demo_picture(1))
    [result] = services.hashes_match(
        queries=[services.HashQuery("pdq", hashed.value, hashed.quality)],
        bank_ids=[bank.pk],
        channel=MatchChannel.SERVICE,
        agency=None,
    )
    assert result.status == "matched"
    assert result.matches[0].distance == 0
