"""Loads the demo: reference data, synthetic agencies in the pilot areas, and one account per role."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from childshield.accounts.models import Agency, Membership, User
from childshield.accounts.services import user_languages_set
from childshield.core.errors import ApplicationError
from childshield.demo.accounts import ACCOUNTS, AGENCIES
from childshield.demo.cases import demo_cases_seed
from childshield.demo.chats import demo_chats_seed
from childshield.demo.directory import seed_directory
from childshield.demo.exchanges import demo_exchange_seed
from childshield.demo.figures import demo_figures_seed
from childshield.demo.hashing import demo_hash_bank_seed
from childshield.demo.helpline import demo_helpline_seed
from childshield.demo.hotline import seed_hotline
from childshield.demo.intake import DEMO_BLOCK_IMAGE_REFERENCE, demo_block_image_seed, demo_intake_seed
from childshield.demo.platforms import demo_block_image_feedback_seed, demo_platforms_seed
from childshield.demo.training import demo_training_seed
from childshield.insights.figures.refresh import refresh as figures_refresh
from childshield.places.models import Area, MembershipProvince
from childshield.places.services.agency_areas import agency_areas_add
from childshield.places.services.reference_data import reference_data_load
from childshield.settings.demo_secrets import DEMO_PASSWORD


@dataclass
class SeedReport:
    reference: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _province_limit(membership: Membership, code: str) -> None:
    """Limit a demo manager to a province, through the model's own checks (no one acts: this is set-up)."""
    province = Area.objects.get(code=code)
    limit = MembershipProvince.objects.filter(membership=membership).first()
    if limit is None:
        limit = MembershipProvince(membership=membership, province=province)
        limit.full_clean()
        limit.save()


@transaction.atomic
def demo_seed(*, country: str = "VN", figures: bool = True) -> SeedReport:
    """Create what is missing and leave what exists alone, so running it twice loses nothing.
    `figures=False` leaves out the thousands of records behind the indicators (tests that do not
    read them seed faster)."""
    if not settings.ALLOW_DEMO_DATA:
        raise ApplicationError("Demo data is refused by these settings (production).", code="forbidden")
    report = SeedReport()
    report.reference = [result.summary() for result in reference_data_load()]
    agencies: dict[str, Agency] = {}
    for spec in AGENCIES:
        agency, created = Agency.objects.get_or_create(
            country=country, name=spec.name, defaults={"kind": spec.kind, "on_call_phone": spec.on_call_phone}
        )
        agencies[spec.key] = agency
        agency_areas_add(agency=agency, area_codes=spec.area_codes)
        (report.created if created else report.kept).append(f"agency {spec.name}")
    for account in ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(
                email=account.email,
                password=DEMO_PASSWORD,
                full_name=account.full_name,
                is_staff=account.is_staff,
                is_superuser=account.is_staff,
                languages=list(account.languages),
            )
            report.created.append(f"account {account.email}")
        else:
            report.kept.append(f"account {account.email}")
            if account.languages and not user.languages:
                # A demo made before people had languages gets them; a choice made since is kept.
                user_languages_set(user=user, languages=list(account.languages))
        for agency_key, role in account.memberships:
            membership, _created = Membership.objects.get_or_create(
                user=user, agency=agencies[agency_key], role=role
            )
            if account.province_code:
                _province_limit(membership, account.province_code)
    bank = demo_hash_bank_seed()
    report.kept.append(f"hash bank {bank.name}")
    (report.created if demo_exchange_seed(bank=bank) else report.kept).append("demo exchange connection")
    resources_made = seed_directory(country=country)
    (report.created if resources_made else report.kept).append(f"demo services ({resources_made} new)")
    made = demo_intake_seed()
    (report.created if made else report.kept).append(f"demo reports ({made} new)")
    items_made = seed_hotline()
    (report.created if items_made else report.kept).append(f"demo hotline items ({items_made} new)")
    answers_made = demo_platforms_seed()
    (report.created if answers_made else report.kept).append(f"demo platform answers ({answers_made} new)")
    blocks_made = demo_block_image_seed()
    (report.created if blocks_made else report.kept).append(f"demo block-image requests ({blocks_made} new)")
    said = demo_block_image_feedback_seed(reference=DEMO_BLOCK_IMAGE_REFERENCE)
    (report.created if said else report.kept).append(f"demo feedback on a child's picture ({said} new)")
    cases_made = demo_cases_seed()
    (report.created if cases_made else report.kept).append(f"demo cases ({cases_made} new)")
    chats_made = demo_chats_seed()
    (report.created if chats_made else report.kept).append(f"demo chats ({chats_made} new)")
    contacts_made = demo_helpline_seed()
    (report.created if contacts_made else report.kept).append(f"demo helpline contacts ({contacts_made} new)")
    training_made = demo_training_seed()
    (report.created if training_made else report.kept).append(f"demo training session ({training_made} new)")
    # Enough synthetic records, in agencies of their own, for most national figures to be shown.
    if figures:
        figures_made = demo_figures_seed(country=country)
        (report.created if figures_made.total else report.kept).append(figures_made.summary())
    # The indicators read counts made in the background: the demo shows them from its first page.
    report.created.append(f"indicator counts ({figures_refresh()} rows)")
    return report
