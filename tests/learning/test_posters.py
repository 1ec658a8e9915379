"""Posters that measure reach: a poster made for a school's area in its language, its QR code read as a
phone reads it (zxing-cpp) to the report form at a short neutral address, the report sent from there
counted under the poster's source (R3), the library's visits through it counted per day (R3c); an area
that has ended refused, naming its successor, with nothing typed lost."""

import re
from datetime import date

import pytest
import zxingcpp
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditEvent
from childshield.core.errors import ApplicationError
from childshield.insights.figures.derived import report_link_kinds
from childshield.insights.figures.refresh import refresh
from childshield.intake.models import Report, SourceLink, SourceLinkKind
from childshield.learning.models import Poster, SourceVisit
from childshield.learning.services.posters import PosterInput, poster_make, source_visit_count
from childshield.learning.visits import count_visit
from childshield.places.models import Area, HelplineNumber
from tests.insights.test_indicators import _exact
from tests.intake.conftest import GOOD_REPORT

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_agency(db):
    return Agency.objects.create(country="VN", name="Kim Thủy School (test)", kind=AgencyKind.SCHOOL)


@pytest.fixture
def focal_point(make_member, school_agency):
    return make_member(email="focal@example.org", role=Role.FOCAL_POINT, agency=school_agency)


@pytest.fixture
def areas(db):
    """A province, a commune of today, and one merged into it on 30 June 2025."""
    province = Area.objects.create(
        code="VN99", country="VN", level=Area.Level.PROVINCE, name_en="Test province"
    )
    commune = Area.objects.create(
        code="VN99001", country="VN", level=Area.Level.COMMUNE, parent=province, name_en="Kim Thuy"
    )
    merged = Area.objects.create(
        code="VN99002",
        country="VN",
        level=Area.Level.COMMUNE,
        parent=province,
        name_en="Old Thuy",
        valid_to=date(2025, 6, 30),
        replaced_by=commune,
    )
    HelplineNumber.objects.create(country="VN", name_en="National child helpline", number="111", is_free=True)
    return {"commune": commune, "merged": merged}


def _input(**more):
    return PosterInput(
        **{
            "area_code": "VN99001",
            "place_name": "Kim Thuy school",
            "kind": SourceLinkKind.SCHOOL,
            "language": "vi",
            "paper": "A4",
            **more,
        }
    )


def _decode_qr(svg_page: str) -> str:
    """What a phone reads from the page's QR code: the SVG's modules drawn as a picture, then decoded."""
    svg = re.search(r"<svg.*?</svg>", svg_page, re.S)
    assert svg, "the page has no inline SVG"
    # segno draws one path; rebuild its matrix from the same address is not a test: rasterise the SVG
    # path instead (its "M x y h n" moves, one row segment each).
    path = re.search(r'\sd="([^"]+)"', svg.group(0)).group(1)
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg.group(0)).group(1))
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    pixels = image.load()
    x = y = 0.0
    for op, a, b in re.findall(r"([MmHhVv])\s*(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path):
        if op in "Mm":
            x, y = (float(a), float(b)) if op == "M" else (x + float(a), y + float(b))
        elif op in "Hh":
            end = float(a) if op == "H" else x + float(a)
            row = int(y - 0.5) if y % 1 else int(y)
            for column in range(int(min(x, end)), int(max(x, end))):
                for dy in range(scale):
                    for dx in range(scale):
                        pixels[column * scale + dx, row * scale + dy] = 0
            x = end
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code could be read from the poster"
    return found[0].text


def test_a_poster_registers_one_neutral_source_link_per_school_and_is_audited(focal_point, areas):
    first = poster_make(actor=focal_point, data=_input())
    second = poster_make(actor=focal_point, data=_input(language="km", paper="A3"))
    assert first.link == second.link
    link = first.link
    assert (link.country, link.kind, link.area, link.label) == (
        "VN",
        "school",
        areas["commune"],
        "Kim Thuy school",
    )
    assert re.fullmatch(r"[2-9a-z]{6}", link.code) and "kim" not in link.code
    assert AuditEvent.objects.filter(object_type="learning.Poster").count() == 2


def test_an_area_that_has_ended_is_refused_naming_its_successor(focal_point, areas):
    with pytest.raises(ApplicationError) as refused:
        poster_make(actor=focal_point, data=_input(area_code="VN99002"))
    assert "Old Thuy" in str(refused.value.message) and "Kim Thuy" in str(refused.value.message)
    assert refused.value.extra["successor"] == "VN99001"
    assert not Poster.objects.exists() and not SourceLink.objects.exists()


def test_the_form_keeps_what_was_typed_when_the_area_has_ended(client, sign_in, focal_point, areas):
    sign_in(focal_point)
    typed = {
        "place_name": "Old Thuy school",
        "kind": "school",
        "area_code": "VN99002",
        "language": "km",
        "paper": "A3",
    }
    response = client.post(reverse("learning:poster_new"), typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "VN99001" in page and 'value="Old Thuy school"' in page and 'value="VN99002"' in page
    assert not Poster.objects.exists()


def test_a_case_worker_may_not_make_posters(make_member, school_agency, areas):
    worker = make_member(email="worker@example.org", role=Role.CASE_WORKER, agency=school_agency)
    with pytest.raises(PermissionDenied):
        poster_make(actor=worker, data=_input())


def test_another_agencys_poster_is_not_found(
    client, sign_in, focal_point, make_member, outsider_agency, areas
):
    poster = poster_make(actor=focal_point, data=_input())
    other = make_member(email="other@example.org", role=Role.FOCAL_POINT, agency=outsider_agency)
    sign_in(other)
    assert client.get(reverse("learning:poster_print", args=[poster.pk])).status_code == 404


def test_the_posters_qr_code_opens_the_report_form_whose_report_counts_under_its_source(
    client, sign_in, focal_point, areas
):
    sign_in(focal_point)
    response = client.post(reverse("learning:poster_new"), {**_input().__dict__})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    poster = Poster.objects.get()
    code = poster.link.code
    assert "111" in page and f"/vi/s/{code}/" in page and "@page" not in page  # print CSS is a file

    address = _decode_qr(page)
    assert address.endswith(f"/vi/s/{code}/")
    assert "report" not in address and "from" not in address  # nothing in the history says what it is

    child = client.__class__()
    form = child.get(address)
    assert form.status_code == 200
    html = form.content.decode()
    assert f'value="{code}"' in html and f'action="/vi/s/{code}/"' in html
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    sent = child.post(
        address,
        {**GOOD_REPORT, "url1": "", "platform": "", "form_token": token, "source": code},
    )
    assert sent.status_code == 200, sent.content.decode()[:500]
    report = Report.objects.get()
    assert report.source == code
    assert report_link_kinds(Report.objects.all()) == {report.pk: ["school"]}


def test_a_library_visit_through_a_link_adds_to_the_days_count_and_nothing_else(rf, focal_point, areas):
    poster = poster_make(actor=focal_point, data=_input())
    code = poster.link.code
    for _visit in range(3):
        count_visit(rf.get("/vi/learn/x/", {"from": code}))
    count_visit(rf.get("/vi/learn/x/", {"from": "nobody-registered-this"}))
    count_visit(rf.get("/vi/learn/x/"))
    visit = SourceVisit.objects.get()
    assert (visit.link, visit.day, visit.count) == (poster.link, timezone.localdate(), 3)
    assert source_visit_count(country="KH", code=code) is False  # another country's code


def test_library_visits_are_counted_by_kind_of_link_and_suppressed_like_reports(focal_point, areas):
    poster = poster_make(actor=focal_point, data=_input())
    campaign = SourceLink.objects.create(
        country="VN", code="safe-online", kind=SourceLinkKind.CAMPAIGN, label="Safe online", published=True
    )
    day = date(2026, 3, 10)
    SourceVisit.objects.create(link=poster.link, day=day, count=40)
    SourceVisit.objects.create(link=poster.link, day=date(2026, 3, 11), count=2)
    SourceVisit.objects.create(link=campaign, day=day, count=7)
    refresh()
    # The school's link is a commune's: counted with its kind only, never on its own.
    assert _exact("R3c") == {"school": 42, "campaign": 7, "total": 49}
    assert _exact("R3d") == {"safe-online": 7, "not_shown": 42, "total": 49}
