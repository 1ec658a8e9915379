"""The values of dimensions read per record by a function (`Dimension.values_of`): a report's harms,
a contact's CHI categories, a case's age band and harms, a referral's timeliness and its pair of kinds
of agency (C12, C13 per pair; `figures.pairs` shows them). `figures.sources` declares the dimensions."""

from collections.abc import Iterable

from django.db.models import Model, QuerySet

from childshield.cases.models.cases import HarmType
from childshield.cases.models.referrals import ReferralStatus
from childshield.core.choices import ReporterAgeBand
from childshield.helpline.models import Contact
from childshield.insights.figures.derived import NOT_SAID
from childshield.intake.models import Harm


def answered_in_time_values(records: QuerySet[Model]) -> dict[int, list[str]]:
    """Whether each referral was answered by its due time, late, or is still waiting."""
    found = {}
    for pk, responded_at, respond_by in records.values_list("pk", "responded_at", "respond_by").iterator(
        chunk_size=5000
    ):
        found[pk] = [
            "waiting" if responded_at is None else "on_time" if responded_at <= respond_by else "late"
        ]
    return found


# C12 and C13 per pair of agencies, published as pairs of kinds of agency: a referral's pair is
# "<sending agency's kind>><receiving agency's kind>" (a school to a social work office), and its answer
# or its timeliness within the pair "<pair>:<group>". Pairs of kinds are a few dozen at most; pairs of
# agencies are as many as a country's agencies squared (174,438 of them in bench/insights.py's 300,000
# referrals), nearly all of one or two referrals, which no publication could show and protecting
# them took longer than the count. Each agency's exact figures per partner are on its own page
# (`insights.agency`). Each referral has exactly one value of each, so a pair's values add up to the
# pair's referrals (`Dimension.within`), and the pairs to the total.
PAIR_SEPARATOR = ">"
GROUP_SEPARATOR = ":"
# A pair's answers are the statuses themselves, so that summed over the pairs each is the referrals of
# that status (C12b), declared as an equation: a pair's count is never the status's less the others.
PAIR_ANSWER_GROUPS = tuple(ReferralStatus.values)
PAIR_IN_TIME_GROUPS = ("on_time", "late", "waiting")


def pair_value(from_kind: str, to_kind: str) -> str:
    return f"{from_kind}{PAIR_SEPARATOR}{to_kind}"


def referral_pairs(records: QuerySet[Model]) -> dict[int, list[str]]:
    return {
        pk: [pair_value(sender, receiver)]
        for pk, sender, receiver in records.values_list(
            "pk", "from_agency__kind", "to_agency__kind"
        ).iterator(chunk_size=5000)
    }


def pair_answers(records: QuerySet[Model]) -> dict[int, list[str]]:
    """Each referral's pair and status (sent, accepted, declined, completed, cancelled)."""
    return {
        pk: [f"{pair_value(sender, receiver)}{GROUP_SEPARATOR}{status}"]
        for pk, sender, receiver, status in records.values_list(
            "pk", "from_agency__kind", "to_agency__kind", "status"
        ).iterator(chunk_size=5000)
    }


def pairs_in_time(records: QuerySet[Model]) -> dict[int, list[str]]:
    """Each referral's pair and whether it was answered by its due time, late, or not yet."""
    pairs = referral_pairs(records)
    return {
        pk: [f"{pairs[pk][0]}{GROUP_SEPARATOR}{value}" for value in values]
        for pk, values in answered_in_time_values(records).items()
    }


def age_band_of(birth_year: int | None, year: int) -> str:
    """The report form's age bands (docs/indicators.md: cases and reports read side by side)."""
    if birth_year is None:
        return NOT_SAID
    age = year - birth_year
    if age < 10:
        return ReporterAgeBand.UNDER_10
    if age <= 12:
        return ReporterAgeBand.AGE_10_12
    if age <= 15:
        return ReporterAgeBand.AGE_13_15
    if age <= 17:
        return ReporterAgeBand.AGE_16_17
    return ReporterAgeBand.ADULT


def case_age_bands(records: QuerySet[Model]) -> dict[int, list[str]]:
    return {
        pk: [age_band_of(birth_year, opened_at.year)]
        for pk, birth_year, opened_at in records.values_list("pk", "child__birth_year", "opened_at").iterator(
            chunk_size=5000
        )
    }


def case_harm_types(records: QuerySet[Model]) -> dict[int, list[str]]:
    return {
        pk: [harm for harm in dict.fromkeys(harms or []) if harm in HarmType.values]
        for pk, harms in records.values_list("pk", "harm_types").iterator(chunk_size=5000)
    }


def open_case_age_bands(records: QuerySet[Model]) -> dict[int, list[str]]:
    """Age at the end of the period counted (C6 for C2)."""
    return {
        pk: [age_band_of(birth_year, year)]
        for pk, birth_year, year in records.values_list(
            "pk", "child__birth_year", "counted_in_year"
        ).iterator(chunk_size=5000)
    }


def report_harms(records: QuerySet[Model]) -> dict[int, list[str]]:
    return {
        pk: [harm for harm in dict.fromkeys(harms or []) if harm in Harm.values]
        for pk, harms in records.values_list("pk", "harms").iterator(chunk_size=5000)
    }


def _category_rows(records: QuerySet[Model]) -> Iterable[tuple[int, str, str | None, bool]]:
    through = Contact.categories.through
    return through.objects.filter(contact__in=records.values("pk")).values_list(
        "contact_id", "category__code", "category__parent__code", "category__online_protection"
    )


def main_categories(records: QuerySet[Model]) -> dict[int, list[str]]:
    """The CHI main categories each contact names (a sub-category counts for its main one), each once."""
    found: dict[int, list[str]] = {}
    for contact, code, parent, _online in _category_rows(records):
        main = parent or code
        if main not in found.setdefault(contact, []):
            found[contact].append(main)
    return found


def online_protection(records: QuerySet[Model]) -> dict[int, list[str]]:
    return {contact: ["yes"] for contact, _code, _parent, online in _category_rows(records) if online}
