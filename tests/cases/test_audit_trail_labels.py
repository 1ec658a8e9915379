"""The case's audit trail reads in the reader's language: reason codes become words, never raw
codes with underscores."""

import pytest
from django.utils import translation

from childshield.audit.reasons import reason_label
from childshield.cases.services.status import case_status_change

pytestmark = pytest.mark.django_db


def test_the_trail_shows_reasons_in_vietnamese(worker, open_case, sign_in):
    case = open_case(worker)
    case_status_change(acting=worker, case=case, version=case.version, to_status="safety_assessment")
    client = sign_in(worker, language="vi")
    client.get(f"/vi/cases/{case.pk}/")
    page = client.get(f"/vi/cases/{case.pk}/").content.decode()
    trail = page[page.index("data-audit-trail") :]
    assert "Đã xem trường hợp" in trail and "Chuyển sang: Đánh giá an toàn" in trail
    assert "case read" not in trail and "status safety_assessment" not in trail
    sign_in(worker, language="en")  # so that the language does not leak into the tests after it


@pytest.mark.parametrize(
    ("code", "khmer"),
    [
        ("case read", "បានអានករណី"),
        ("closure requested", "បានស្នើសុំបិទករណី"),
        ("child link asked", "បានសួរស្ថាប័នផ្សេងទៀតថាតើស្គាល់កុមារនេះឬទេ"),
        ("status follow_up", "បានប្ដូរទៅ៖ ការតាមដាន"),
        ("printable case summary: child,follow_ups", "បានបោះពុម្ពសេចក្តីសង្ខេប: child, follow ups"),
    ],
)
def test_known_codes_read_in_khmer(code, khmer):
    with translation.override("km"):
        assert reason_label(code) == khmer


def test_an_unknown_code_never_shows_underscores():
    with translation.override("en"):
        assert reason_label("status some_new_step") == "Moved to: some new step"
        assert reason_label("something_new happened") == "something new happened"
        assert reason_label("Court order 7/2026 for the hearing") == "Court order 7/2026 for the hearing"
