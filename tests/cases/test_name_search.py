"""Finding a child's case by part of the name, without the name ever being stored or logged in clear."""

from io import StringIO

import pytest
from django.core.management import call_command

from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases import name_search
from childshield.cases.models import ChildNamePart
from childshield.cases.models.consent import ShareSection
from childshield.cases.selectors.case_list import CaseFilters, case_list, case_list_page
from childshield.cases.services.children import children_reindex
from childshield.cases.services.referrals import referral_accept, referral_send
from childshield.directory.models import ServiceKind
from tests.cases.conftest import child_input

pytestmark = pytest.mark.django_db


def _found(acting, term):
    filters = CaseFilters(child_name=term, include_closed=True)
    return [case.number for case in case_list(acting=acting, filters=filters)]


@pytest.fixture
def hoa_case(worker, open_case):
    return open_case(worker)  # the child is "Nguyễn Thị Hoa"


@pytest.mark.parametrize(
    "term",
    [
        "Nguyễn Thị Hoa",
        "nguyen thi hoa",
        "Hoa",
        "hoà",
        "NGUYEN",
        "Nguy",
        "ngu",
        "thi hoa",
        "Hoa Nguyễn",
        " hoa, ",
    ],
)
def test_a_worker_finds_a_case_by_part_of_the_name_with_or_without_accents(worker, hoa_case, term):
    assert _found(worker, term) == [hoa_case.number]


@pytest.mark.parametrize("term", ["Ng", "h", "Hoang", "Nguyen Lan", "oa", "guyen", "  ,  "])
def test_a_search_finds_nothing_for_other_names_inner_letters_or_two_letter_beginnings(
    worker, hoa_case, term
):
    assert _found(worker, term) == []


def test_a_short_whole_word_of_a_name_is_found(worker, open_case, commune):
    case = open_case(worker, child=child_input(commune, full_name="Vũ Ân"))
    assert _found(worker, "an") == [case.number]
    assert _found(worker, "Vu") == [case.number]


def test_aliases_are_searched_too(worker, open_case, commune):
    case = open_case(worker, child=child_input(commune, full_name="Lê Văn Tú", aliases=["Bống"]))
    assert _found(worker, "bong") == [case.number]


def test_khmer_names_are_found_by_a_word_or_its_beginning_and_signs_still_count(worker, open_case, commune):
    case = open_case(worker, child=child_input(commune, full_name="សុខ សុភា"))
    assert _found(worker, "សុភា") == [case.number]
    assert _found(worker, "សុភ") == [case.number]
    # Another vowel sign makes another name: not folded away as Latin accents are.
    assert _found(worker, "សាភា") == []


def test_the_search_stays_within_the_cases_the_worker_may_see(worker, colleague, outsider, hoa_case):
    assert _found(colleague, "hoa") == []
    assert _found(outsider, "hoa") == []


def _referred_and_accepted(case, sender, receiver, sections):
    referral = referral_send(
        acting=sender,
        case=case,
        to_agency=receiver.agency,
        services=[ServiceKind.MHPSS],
        consent=case.consents.get(),
        sections=sections,
    )
    referral_accept(acting=receiver, referral=referral)


def test_a_referred_agency_finds_a_case_by_name_only_if_the_identity_was_shared(
    focal_point, worker, open_case
):
    _referred_and_accepted(open_case(focal_point), focal_point, worker, [ShareSection.HARM])
    assert _found(worker, "hoa") == []
    other = open_case(focal_point, duplicates_acknowledged=True)
    _referred_and_accepted(other, focal_point, worker, [ShareSection.IDENTITY])
    assert _found(worker, "hoa") == [other.number]


def test_only_keyed_hashes_of_name_parts_are_stored(worker, hoa_case):
    stored = set(ChildNamePart.objects.filter(child=hoa_case.child).values_list("part_index", flat=True))
    assert stored == name_search.name_part_indexes(["Nguyễn Thị Hoa"])
    assert len(stored) == len({"nguyen", "ngu", "nguy", "nguye", "thi", "hoa"})
    assert not any("hoa" in value or "nguyen" in value for value in stored)


def test_the_audit_log_keeps_which_cases_a_name_search_showed_but_never_the_words(worker, hoa_case):
    case_list_page(acting=worker, filters=CaseFilters(child_name="Nguyễn Hoa"), page_number=1)
    event = AuditEvent.objects.filter(actor_id=str(worker.user.pk), action=AuditAction.VIEW).latest("id")
    assert f"cases listed: {hoa_case.pk}" in event.reason
    assert "hoa" not in event.reason.lower() and "nguy" not in event.reason.lower()


def test_reindexing_gives_children_recorded_before_name_parts_their_parts(worker, hoa_case):
    ChildNamePart.objects.all().delete()
    assert _found(worker, "hoa") == []
    call_command("reindex_children", stdout=StringIO())
    assert _found(worker, "hoa") == [hoa_case.number]
    assert children_reindex() == 1
