"""The printable summary and the case's own audit trail."""

import pytest

from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.services.break_glass import break_glass_open

pytestmark = pytest.mark.django_db


def test_the_printable_summary_names_its_reader_and_is_recorded_as_an_export(worker, open_case, sign_in):
    case = open_case(worker)
    page = sign_in(worker).get(f"/en/cases/{case.pk}/summary/").content.decode()
    assert "Confidential · Test Worker · Commune Social Work Office" in page
    assert "Nguyễn Thị Hoa" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT,
        object_type="cases.Case",
        object_id=str(case.pk),
        actor_id=str(worker.user.pk),
    ).exists()


def test_an_outsider_cannot_print_a_case(worker, outsider, open_case, sign_in):
    case = open_case(worker)
    assert sign_in(outsider).get(f"/en/cases/{case.pk}/summary/").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_lead_worker_sees_who_read_the_case_break_glass_included(
    worker, system_admin, open_case, sign_in
):
    case = open_case(worker)
    break_glass_open(acting=system_admin, case=case, reason="Court order 7/2026 for the hearing")
    page = sign_in(worker).get(f"/en/cases/{case.pk}/").content.decode()
    trail = page[page.index("data-audit-trail") :]
    assert "sysadmin@example.org" in trail and "Court order 7/2026" in trail
    assert "worker@example.org" in trail
