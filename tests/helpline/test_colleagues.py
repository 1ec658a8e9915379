"""Who a queue item can be handed to: counsellors and supervisors of the same helpline, nobody else."""

import pytest

from childshield.accounts.models import Role
from childshield.helpline import selectors

pytestmark = pytest.mark.django_db


def test_items_are_handed_only_to_colleagues_who_work_the_queue(
    make_member, helpline_agency, counsellor, second_counsellor, supervisor, worker
):
    admin = make_member(email="admin@example.org", role=Role.AGENCY_ADMIN, agency=helpline_agency)
    colleagues = list(selectors.colleagues_on_queue(acting=counsellor))
    assert set(colleagues) == {second_counsellor, supervisor}
    assert admin not in colleagues and worker not in colleagues


def test_the_roles_on_the_queue_come_from_the_grants():
    assert set(selectors.roles_on_queue()) == {Role.COUNSELLOR, Role.HELPLINE_SUPERVISOR}
