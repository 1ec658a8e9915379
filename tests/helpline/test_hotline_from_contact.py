"""A counsellor reports the web addresses a caller gave to the hotline; item and contact stay linked."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.accounts.related import related_for
from childshield.audit.models import AuditEvent
from childshield.core.errors import ApplicationError
from childshield.helpline.models import Category, Contact, ContactHotlineItem
from childshield.helpline.services.contact_links import contact_addresses_report
from childshield.helpline.services.contacts import ContactDetails, contact_log
from childshield.hotline.models import ContentItem, SourceKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline(db) -> Agency:
    return Agency.objects.create(country="VN", name="Child Online Hotline (test)", kind=AgencyKind.HOTLINE)


@pytest.fixture
def contact(counsellor) -> Contact:
    return contact_log(
        acting=counsellor,
        details=ContactDetails(
            channel="chat",
            categories=[Category.objects.get(code="online.images_shared")],
            summary="Her photos were posted on a forum.",
        ),
    )


def test_a_counsellor_reports_addresses_and_the_contact_lists_the_items(
    sign_in, counsellor, contact, hotline
):
    client = sign_in(counsellor)
    response = client.post(
        f"/en/helpline/contacts/{contact.pk}/hotline/",
        {"addresses": "https://forum.example.com/t/123\n\nexample.net/photos/9\n"},
        follow=True,
    )
    html = response.content.decode()
    assert "2 addresses reported to the hotline." in html
    items = list(ContentItem.objects.order_by("pk"))
    assert len(items) == 2 and all(item.agency == hotline for item in items)
    assert {source.kind for item in items for source in item.sources.all()} == {SourceKind.CONTACT}
    assert items[0].number in html
    assert f"/hotline/items/{items[0].pk}/" not in html  # counsellors do not open hotline items
    assert AuditEvent.objects.filter(
        object_type="helpline.Contact", reason__contains="reported to the hotline"
    ).exists()
    assert not AuditEvent.objects.filter(reason__contains="forum.example.com").exists()


def test_a_bad_line_is_explained_and_the_good_ones_are_filed(sign_in, counsellor, contact, hotline):
    response = sign_in(counsellor).post(
        f"/en/helpline/contacts/{contact.pk}/hotline/",
        {"addresses": "https://forum.example.com/t/123\nnot an address at all"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Line 2:" in html and "not an address at all" in html
    assert ContactHotlineItem.objects.filter(contact=contact).count() == 1


def test_the_same_address_twice_is_one_item_and_one_link(counsellor, contact, hotline):
    contact_addresses_report(acting=counsellor, contact=contact, text="https://forum.example.com/t/1")
    contact_addresses_report(acting=counsellor, contact=contact, text="https://forum.example.com/t/1")
    assert ContentItem.objects.count() == 1
    assert ContactHotlineItem.objects.count() == 1


def test_without_a_hotline_the_counsellor_is_told(counsellor, contact):
    with pytest.raises(ApplicationError) as error:
        contact_addresses_report(acting=counsellor, contact=contact, text="https://forum.example.com/")
    assert error.value.code == "no_hotline"


def test_the_hotline_item_links_back_to_the_contact_for_those_who_may_open_it(
    make_member, counsellor, second_counsellor, contact, hotline
):
    [result] = contact_addresses_report(
        acting=counsellor, contact=contact, text="https://forum.example.com/t/1"
    )
    analyst = make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)

    def contact_links(member):
        return [link for link in related_for(result.item, member) if str(link.kind) == "Helpline contact"]

    assert [link.url for link in contact_links(counsellor)] == [f"/en/helpline/contacts/{contact.pk}/"]
    assert contact_links(second_counsellor) == []
    assert contact_links(analyst) == []
