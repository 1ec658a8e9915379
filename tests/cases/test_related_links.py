"""Where a case came from and what it led to: the report's page learns of the cases opened from it
(in full only for those who may open them), and the case page lists what other apps link to it."""

import pytest

from childshield.accounts import related
from childshield.accounts.related import RelatedLink, related_for
from childshield.cases.models.cases import HarmType, RiskLevel
from childshield.cases.services.opening import case_open
from childshield.intake.services import ReportContent, report_submit
from tests.cases.conftest import child_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(db):
    content = ReportContent(
        about="me", safe_now="yes", harms=["threatened"], description="Made up.", gender="girl"
    )
    return report_submit(content=content, idempotency_key="test-related-1", language="vi").report


@pytest.fixture
def case_from_report(worker, report, commune):
    return case_open(
        acting=worker,
        child=child_input(commune),
        risk_level=RiskLevel.HIGH,
        harm_types=[HarmType.SEXTORTION],
        source_report=report,
    )


def _case_links(report, acting):
    return [link for link in related_for(report, acting) if str(link.kind) == "Case"]


def test_the_case_worker_sees_the_case_opened_from_a_report(worker, report, case_from_report):
    (link,) = _case_links(report, worker)
    assert link.label == case_from_report.number
    assert link.url == f"/en/cases/{case_from_report.pk}/" or link.url.endswith(
        f"/cases/{case_from_report.pk}/"
    )
    assert str(link.status) == "Open"


def test_others_learn_only_that_a_case_was_opened(colleague, outsider, report, case_from_report):
    for acting in (colleague, outsider):
        (link,) = _case_links(report, acting)
        assert link.url == "" and link.status == ""
        assert case_from_report.number not in link.label and "Hoa" not in link.label


def test_a_report_without_a_case_or_a_reader_without_membership_gets_no_case_link(worker, report):
    assert _case_links(report, worker) == []
    assert _case_links(report, None) == []


def test_the_case_page_lists_what_other_apps_link_to_it(worker, case_from_report, sign_in, monkeypatch):
    seen = []

    def contacts(case, acting):
        seen.append((case.pk, acting.pk))
        return [
            RelatedLink(
                kind="Helpline contact", label="HC-0042", url="/en/helpline/contacts/42/", status="Closed"
            )
        ]

    monkeypatch.setitem(related._PROVIDERS, "cases.case", [contacts])
    page = sign_in(worker).get(f"/en/cases/{case_from_report.pk}/").content.decode()
    assert "Where this came from, what it led to" in page
    assert '<a href="/en/helpline/contacts/42/">HC-0042</a>' in page
    assert seen == [(case_from_report.pk, worker.pk)]
