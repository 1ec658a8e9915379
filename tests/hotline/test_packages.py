"""Referral packages: signed JSON and CSV of confirmed items' metadata, hashes and chain of custody,
for the police or a partner hotline; never the images."""

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied

from childshield.audit.models import AuditEvent
from childshield.core.errors import ApplicationError
from childshield.hotline.package_csv import package_csv
from childshield.hotline.services.evidence import evidence_add
from childshield.hotline.services.items import content_item_report
from childshield.hotline.services.packages import package_create
from childshield.hotline.signing import verify_package

from .conftest import confirmed_item
from .test_evidence import _upload, synthetic_png


@pytest.fixture
def items(analyst, second_analyst):
    one = confirmed_item("https://host.example/p1", analyst=analyst, second=second_analyst, category="A")
    evidence_add(acting=analyst, item=one, upload=_upload(synthetic_png()))
    two = confirmed_item("https://host.example/p2", analyst=analyst, second=second_analyst)
    new = content_item_report(acting=analyst, url="https://host.example/unassessed", source="analyst")
    return one, two, new


def test_a_lead_makes_a_signed_package_for_the_police(lead, police_agency, items):
    one, two, new = items
    package = package_create(acting=lead, items=[one, two, new], recipient=police_agency)
    assert package.item_count == 2  # the unassessed item is left out
    document = package.document
    assert verify_package(document)
    payload = document["payload"]
    assert payload["to"] == police_agency.name
    first = next(entry for entry in payload["items"] if entry["reference"] == one.number)
    assert first["url"] == "https://host.example/p1" and first["category"] == "A"
    assert len(first["hashes"]) == 1 and first["hashes"][0]["sha256"]
    assert any("confirmed" in event["what"] for event in first["chain_of_custody"])
    assert "image_data" not in json.dumps(document) and "base64" not in json.dumps(payload)
    assert AuditEvent.objects.filter(action="export", object_type="hotline.ContentItem").count() == 2


def test_a_tampered_package_no_longer_verifies(lead, police_agency, items):
    package = package_create(acting=lead, items=items[:1], recipient=police_agency)
    document = package.document
    document["payload"]["items"][0]["url"] = "https://elsewhere.example/"
    assert not verify_package(document)


def test_the_csv_has_one_row_per_item_and_hash_set(lead, items):
    package = package_create(acting=lead, items=items[:2], recipient_label="Partner hotline, KH")
    rows = list(csv.DictReader(io.StringIO(package_csv(package.document))))
    assert [row["reference"] for row in rows] == sorted(row["reference"] for row in rows)
    assert {row["url"] for row in rows} == {"https://host.example/p1", "https://host.example/p2"}
    assert all(int(row["custody_events"]) >= 3 for row in rows)


def test_analysts_cannot_make_packages_and_packages_need_a_recipient(analyst, lead, items):
    with pytest.raises(PermissionDenied):
        package_create(acting=analyst, items=items[:1], recipient_label="x")
    with pytest.raises(ApplicationError):
        package_create(acting=lead, items=items[:1])
    with pytest.raises(ApplicationError):
        package_create(acting=lead, items=items[2:], recipient_label="x")


def test_the_police_download_packages_addressed_to_them_and_nobody_else_does(
    lead, officer, items, police_agency, make_member, sign_in, client
):
    from childshield.accounts.models import Agency, AgencyKind, Role

    package = package_create(acting=lead, items=items[:2], recipient=police_agency)
    police = sign_in(officer)
    listing = police.get("/en/hotline/packages/")
    assert listing.status_code == 200 and "Make a package" not in listing.content.decode()
    response = police.get(f"/en/hotline/packages/{package.pk}/")
    assert response.status_code == 200
    assert verify_package(json.loads(response.content))
    assert police.get(f"/en/hotline/packages/{package.pk}/?format=csv")["Content-Type"].startswith("text/csv")
    assert AuditEvent.objects.filter(
        action="export", object_type="hotline.ReferralPackage", actor_id=str(officer.user_id)
    ).exists()
    # Police cannot see the hotline's items themselves.
    assert police.get("/en/hotline/").status_code == 403
    client.logout()

    other_police = Agency.objects.create(country="VN", name="Other Police (test)", kind=AgencyKind.POLICE)
    stranger = make_member(email="stranger@example.org", role=Role.CASE_WORKER, agency=other_police)
    assert sign_in(stranger).get(f"/en/hotline/packages/{package.pk}/").status_code == 404


def test_a_lead_makes_a_package_from_the_page(lead, items, police_agency, sign_in):
    client = sign_in(lead)
    one, two, _new = items
    response = client.post(
        "/en/hotline/packages/", {"recipient": police_agency.pk, "items": f"{one.number}, {two.pk}"}
    )
    assert response.status_code == 302
    page = client.get("/en/hotline/packages/").content.decode()
    assert police_agency.name in page
