"""The case a break-glass request names."""

from __future__ import annotations

from childshield.accounts.models import Membership
from childshield.accounts.permissions import Scope, require
from childshield.cases.models import Case
from childshield.cases.numbers import number_matches
from childshield.cases.permissions import CasePerm


def breakable_case(*, acting: Membership, number: str, agency_id: int | None) -> Case | None:
    """The case a break-glass request names, if the membership may break the glass for it."""
    scope = require(acting, CasePerm.BREAK_GLASS)
    cases = Case.objects.filter(number_matches(number))
    if agency_id:
        cases = cases.filter(opened_by_agency_id=agency_id)
    if scope != Scope.ALL:
        cases = cases.filter(agency_id=acting.agency_id)
    # A number typed without its agency's code may be several agencies' cases: then it names none.
    found = list(cases.order_by("pk")[:2])
    return found[0] if len(found) == 1 else None
