"""Importing areas from a file in the staff pages: a preview of every row's change and every problem by
line, then "Apply", which writes exactly what was previewed, or nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from childshield.audit.models import AuditEvent
from childshield.places.models import Area
from tests.places.conftest import HEADER

pytestmark = pytest.mark.django_db

IMPORT = "/en/places/areas/import/"
APPLY = "/en/places/areas/import/apply/"

# Against the shipped data: one commune new, a province renamed, a province as shipped.
CHANGES = "\n".join(
    [
        HEADER,
        "VN45-NEW,VN,commune,VN45,Xã Mới,,New Commune,2025-07-01,,",
        "VN01,VN,province,VN,Hà Nội,,Hanoi City,,,",
        "VN04,VN,province,VN,Cao Bằng,,Cao Bang,,,",
    ]
)


def _upload(client, text, name="areas.csv"):
    return client.post(
        IMPORT, {"file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")}
    )


def _token(page):
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def _section(page, marker):
    """The table or list marked `data-<marker>` on the page."""
    start = page.index(f"data-{marker}")
    return page[start : page.index("</table>" if marker != "unchanged" else "</details>", start)]


def test_the_preview_lists_each_row_as_created_updated_or_unchanged_and_writes_nothing(
    shipped_data, admin, sign_in
):
    response = _upload(sign_in(admin), CHANGES)

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 to create, 1 to update, 1 unchanged." in page
    assert 'data-row="VN45-NEW"' in _section(page, "created")
    assert "New Commune" in _section(page, "created")
    updated = _section(page, "updated")
    assert 'data-row="VN01"' in updated
    assert "<code>name_en</code>: Ha Noi → Hanoi City" in updated
    assert 'data-row="VN04"' in _section(page, "unchanged")
    assert not Area.objects.filter(code="VN45-NEW").exists()
    assert Area.objects.get(code="VN01").name_en == "Ha Noi"


def test_apply_writes_exactly_the_preview(shipped_data, admin, sign_in):
    client = sign_in(admin)
    token = _token(_upload(client, CHANGES).content.decode())
    before = Area.objects.count()

    response = client.post(APPLY, {"token": token}, follow=True)

    assert response.redirect_chain[-1][0] == "/en/places/areas/"
    assert "areas.csv applied: 1 created, 1 updated, 1 unchanged." in response.content.decode()
    assert Area.objects.count() == before + 1
    new = Area.objects.get(code="VN45-NEW")
    assert (new.parent.code, new.name_vi, str(new.valid_from)) == ("VN45", "Xã Mới", "2025-07-01")
    assert Area.objects.get(code="VN01").name_en == "Hanoi City"
    event = AuditEvent.objects.get(object_type="places.Area", object_id="areas.csv")
    assert event.actor_id == str(admin.user.pk)


def test_a_merger_is_previewed_as_an_end_and_a_successor(shipped_data, admin, sign_in):
    text = f"{HEADER}\nVN01,VN,province,VN,Hà Nội,,Ha Noi,,2026-12-31,VN04\n"

    page = _upload(sign_in(admin), text).content.decode()

    updated = _section(page, "updated")
    assert "<code>valid_to</code>: (empty) → 2026-12-31" in updated
    assert "<code>replaced_by_code</code>: (empty) → VN04" in updated


def test_problems_are_listed_by_line_and_nothing_can_be_applied(shipped_data, admin, sign_in):
    text = "\n".join(
        [
            HEADER,
            "VN45-A,VN,commune,VN99,,,Under nowhere,,,",
            "VN45-B,VN,commune,VN45,,,B,,,",
            "VN45-B,VN,commune,VN45,,,B again,,,",
        ]
    )

    response = _upload(sign_in(admin), text)

    assert response.status_code == 400
    page = response.content.decode()
    assert "areas.csv: 2 problems. Nothing was written." in page
    problems = _section(page, "problems")
    assert re.search(
        r'data-problem-line="2"><td>2</td><td>parent_code &#x27;VN99&#x27; is not a known area', problems
    )
    assert re.search(
        r'data-problem-line="4"><td>4</td><td>code &#x27;VN45-B&#x27; is already on line 3', problems
    )
    assert 'name="token"' not in page
    assert not Area.objects.filter(code__startswith="VN45-").exists()


def test_a_file_without_the_header_row_is_explained(shipped_data, admin, sign_in):
    response = _upload(sign_in(admin), "VN45-A,VN,commune,VN45,,,A,,,\n")

    assert response.status_code == 400
    assert "no header row; the first line must name the columns" in response.content.decode()


def test_apply_refuses_when_the_areas_changed_since_the_preview_and_shows_the_new_one(
    shipped_data, admin, sign_in
):
    client = sign_in(admin)
    token = _token(_upload(client, CHANGES).content.decode())
    Area.objects.filter(code="VN04").update(name_en="Cao Bang Province")  # someone else, meanwhile

    response = client.post(APPLY, {"token": token})

    assert response.status_code == 409
    page = response.content.decode()
    assert "The areas changed since the preview was made, so the file was not applied." in page
    assert "1 to create, 2 to update, 0 unchanged." in page
    assert "<code>name_en</code>: Cao Bang Province → Cao Bang" in _section(page, "updated")
    assert not Area.objects.filter(code="VN45-NEW").exists()
    assert Area.objects.get(code="VN01").name_en == "Ha Noi"

    response = client.post(APPLY, {"token": _token(page)})  # the new preview, seen, can be applied

    assert response.status_code == 302
    assert Area.objects.get(code="VN04").name_en == "Cao Bang"


def test_apply_refuses_a_tampered_token(shipped_data, admin, sign_in):
    client = sign_in(admin)
    token = _token(_upload(client, CHANGES).content.decode())

    response = client.post(APPLY, {"token": token[:-2] + ("AA" if not token.endswith("AA") else "BB")})

    assert response.status_code == 400
    assert "This preview is too old or not valid. Upload the file again." in response.content.decode()
    assert not Area.objects.filter(code="VN45-NEW").exists()


def test_apply_refuses_once_another_file_was_previewed(shipped_data, admin, sign_in):
    client = sign_in(admin)
    first = _token(_upload(client, CHANGES).content.decode())
    _upload(client, CHANGES.replace("New Commune", "Another Commune"))  # in another tab

    response = client.post(APPLY, {"token": first})

    assert response.status_code == 409
    assert "This is not the file kept for applying" in response.content.decode()
    assert not Area.objects.filter(code="VN45-NEW").exists()


def test_a_file_is_applied_once(shipped_data, admin, sign_in):
    client = sign_in(admin)
    token = _token(_upload(client, CHANGES).content.decode())
    client.post(APPLY, {"token": token})

    response = client.post(APPLY, {"token": token})

    assert response.status_code == 409
    assert Area.objects.filter(code="VN45-NEW").count() == 1


def test_the_stored_areas_download_in_the_import_format_and_load_back_unchanged(shipped_data, admin, sign_in):
    client = sign_in(admin)

    response = client.get("/en/places/areas/export/", {"country": "KH"})

    assert response["Content-Disposition"].startswith('attachment; filename="areas-kh-')
    text = response.content.decode()
    assert text.splitlines()[0] == HEADER
    assert "KH02,KH,province,KH,,បាត់ដំបង,Battambang,,," in text
    assert "VN01" not in text
    page = _upload(client, text, name="kh.csv").content.decode()
    assert "0 to create, 0 to update, 26 unchanged." in page
    assert "The file changes nothing" in page


def test_the_import_page_explains_history_and_links_the_files(shipped_data, admin, sign_in):
    page = sign_in(admin).get(IMPORT).content.decode()

    assert "areas are never deleted" in page
    assert "valid_to" in page and "replaced_by_code" in page
    assert 'href="/en/places/areas/export/?country=VN"' in page


def test_only_system_administrators_import(shipped_data, worker, sign_in):
    client = sign_in(worker)

    assert client.get(IMPORT).status_code == 403
    assert "Import areas from a file" not in client.get("/en/places/areas/").content.decode()
