"""A counsellor opens a case from a contact, prefilled from it; contact and case stay linked both ways."""

import pytest

from childshield.accounts.related import related_for
from childshield.audit.models import AuditEvent
from childshield.cases.models import Case
from childshield.cases.services.opening import ChildInput, case_open
from childshield.core.errors import ApplicationError
from childshield.helpline.models import Category, Contact
from childshield.helpline.services.contact_links import CaseFromContact, contact_case_open
from childshield.helpline.services.contacts import ContactDetails, contact_log
from childshield.helpline.services.queue import queue_claim
from childshield.places.models import Area
from childshield.places.services.reference_data import reference_data_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db) -> Area:
    reference_data_load()
    return Area.objects.filter(country="VN", level="province").order_by("code").first()


@pytest.fixture
def contact(counsellor, province, send_report) -> Contact:
    return contact_log(
        acting=counsellor,
        details=ContactDetails(
            channel="phone",
            age_band="13_15",
            gender="girl",
            province=province,
            categories=[Category.objects.get(code="online.sextortion")],
            summary="A man threatens to share her photos.",
            actions=["counselling", "police"],
            report=send_report(),
        ),
    )


def test_the_case_form_is_prefilled_with_what_the_contact_knows(sign_in, counsellor, contact, province):
    html = sign_in(counsellor).get(f"/en/helpline/contacts/{contact.pk}/case/").content.decode()
    assert f'<option value="{province.pk}" selected>' in html
    assert 'name="estimated_age" value="14"' in html
    assert 'value="sextortion" id="id_harm_types_1" checked' in html
    assert '<option value="high" selected>' in html
    assert "A man threatens to share her photos." in html


def test_a_counsellor_opens_a_case_from_a_contact_and_both_link_to_each_other(
    sign_in, counsellor, contact, province
):
    client = sign_in(counsellor)
    response = client.post(
        f"/en/helpline/contacts/{contact.pk}/case/",
        {
            "child_name": "Lan",
            "area": province.pk,
            "estimated_age": "14",
            "gender": "girl",
            "harm_types": ["sextortion"],
            "risk_level": "high",
            "summary": "A man threatens to share her photos.",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/cases/{case.pk}/")
    contact.refresh_from_db()
    assert contact.case == case
    assert case.lead_worker == counsellor and case.source_report == contact.report
    assert case.harm_types == ["sextortion"] and case.child.gender == "girl"
    assert AuditEvent.objects.filter(object_type="helpline.Contact", reason__startswith="case ").exists()

    page = client.get(f"/en/helpline/contacts/{contact.pk}/").content.decode()
    assert f'href="/en/cases/{case.pk}/"' in page and "data-open-case" not in page

    case_page = client.get(f"/en/cases/{case.pk}/").content.decode()
    assert f'href="/en/helpline/contacts/{contact.pk}/"' in case_page
    [link] = [link for link in related_for(case, counsellor) if str(link.kind) == "Helpline contact"]
    assert link.url == f"/en/helpline/contacts/{contact.pk}/"
    assert [str(link.kind) for link in related_for(contact.report, counsellor)].count("Helpline contact") == 1


def test_the_same_contact_opens_one_case(counsellor, contact, province):
    data = CaseFromContact(child_name="Lan", area=province, risk_level="high", harm_types=["sextortion"])
    contact_case_open(acting=counsellor, contact=contact, data=data)
    with pytest.raises(ApplicationError) as error:
        contact_case_open(acting=counsellor, contact=contact, data=data)
    assert error.value.code == "case_exists"
    assert Case.objects.count() == 1


def test_the_contacts_of_a_case_are_hidden_from_those_who_may_not_open_them(
    counsellor, second_counsellor, supervisor, outsider, contact, province
):
    data = CaseFromContact(child_name="Lan", area=province, risk_level="high", harm_types=["sextortion"])
    case = contact_case_open(acting=counsellor, contact=contact, data=data)

    def kinds(member):
        return [str(link.kind) for link in related_for(case, member)].count("Helpline contact")

    assert kinds(counsellor) == 1
    assert kinds(supervisor) == 1  # supervisors read their helpline's contacts
    assert kinds(second_counsellor) == 0  # counsellors read their own
    assert kinds(outsider) == 0
    assert kinds(None) == 0


def test_opening_a_case_with_fields_missing_says_what_is_missing(sign_in, counsellor, contact):
    response = sign_in(counsellor).post(f"/en/helpline/contacts/{contact.pk}/case/", {"child_name": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter the child&#x27;s name, or a name the child chose." in html
    assert "Choose at least one harm type." in html
    assert not Case.objects.exists()


def test_the_reply_page_offers_to_open_a_case_from_the_report(sign_in, counsellor, send_report):
    report = send_report()
    queue_claim(acting=counsellor, report=report)
    html = sign_in(counsellor).get(f"/en/helpline/queue/{report.reference}/reply/").content.decode()
    assert f'href="/en/cases/open/?report={report.reference}" data-open-case' in html


def test_a_case_opened_from_a_report_lists_the_contacts_logged_for_that_report(counsellor, contact, province):
    case = case_open(
        acting=counsellor,
        child=ChildInput(full_name="Lan", area=province),
        risk_level="medium",
        harm_types=["sextortion"],
        source_report=contact.report,
    )
    [link] = [link for link in related_for(case, counsellor) if str(link.kind) == "Helpline contact"]
    assert link.url == f"/en/helpline/contacts/{contact.pk}/"
