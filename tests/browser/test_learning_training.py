"""Issue 22's training, on a 360 px phone: a focal point records a session (a course, the day, a
member ticked with scores before and after, a parent typed, children counted), a score out of range
is refused with everything typed kept, then the session shows the scores and the refresher date, and
the attendee's certificate opens ready to print. Every page passes axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.learning.models import Course, TrainingSession
from childshield.learning.models.training import CourseTopic, add_months
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_focal_point_records_a_session_on_a_phone(live_server, open_page, axe, make_member):
    school = Agency.objects.create(
        country="VN", name="Kim Thủy Primary School (test)", kind=AgencyKind.SCHOOL
    )
    focal = make_member(email="focal@example.org", role=Role.FOCAL_POINT, agency=school)
    teacher = make_member(email="teacher@example.org", role=Role.CASE_WORKER, agency=school)
    course = Course.objects.get(topic=CourseTopic.DISCLOSURE)
    held_on = timezone.localdate() - timedelta(days=2)
    base = live_server.url

    page = open_page(viewport={"width": 360, "height": 780})
    sign_in(page, base, focal.user.email, "en")
    page.goto(f"{base}/en/learning/training/")
    assert_accessible(axe, page)
    page.click("main a.button")
    page.wait_for_selector("[data-session-form]")
    assert fits_the_screen(page)
    assert_accessible(axe, page)

    page.select_option("select[name=course]", str(course.pk))
    page.fill("input[name=held_on]", held_on.isoformat())
    page.fill("input[name=place]", "Kim Thủy commune hall")
    page.fill("input[name=trainer]", "Made-up Trainer")
    page.check(f"input[name=attended_{teacher.pk}]")
    page.fill(f"input[name=pre_{teacher.pk}]", "1")
    page.fill(f"input[name=post_{teacher.pk}]", "9")
    page.fill("textarea[name=guests]", "Made-up Parent, parent, 0, 2")
    page.fill("input[name=children_count]", "14")
    page.click("main form button[type=submit]")

    # A score past the test's three points: said so, nothing recorded, nothing typed lost.
    page.wait_for_selector(".form-error")
    assert "At most 3." in page.inner_text("main")
    assert page.input_value("textarea[name=guests]") == "Made-up Parent, parent, 0, 2"
    assert page.input_value("input[name=place]") == "Kim Thủy commune hall"
    assert not TrainingSession.objects.exists()
    assert_accessible(axe, page)

    page.fill(f"input[name=post_{teacher.pk}]", "3")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-refresher-due]")
    session = TrainingSession.objects.get()
    assert (
        page.get_attribute("[data-refresher-due]", "data-refresher-due")
        == add_months(held_on, course.refresher_months).isoformat()
    )
    row = page.locator(f"[data-attendance='{session.attendances.get(membership=teacher).pk}']")
    assert row.locator("[data-pre]").inner_text() == "1" and row.locator("[data-post]").inner_text() == "3"
    assert page.inner_text("[data-children-count]") == "14"
    assert_accessible(axe, page)

    row.locator("a").click()
    page.wait_for_selector("[data-certificate]")
    certificate = page.inner_text("[data-certificate]")
    assert teacher.user.full_name in certificate and course.title_en in certificate
    assert_accessible(axe, page)
    page.emulate_media(media="print")
    assert not page.is_visible("header.topbar")

    page.emulate_media(media="screen")
    page.goto(f"{base}/en/learning/training/trained/")
    assert "Made-up Parent" in page.inner_text("main")
    assert_accessible(axe, page)
