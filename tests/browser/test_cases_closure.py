"""Closure approval that shows why (issue 16), in each language: a worker asks to close a high-risk
case with a follow-up still open; the supervisor reads the warnings and sends it back with a reason;
the worker reads the reason on their home page, does the follow-up and asks again; the supervisor
approves, acknowledging the risk that is still high."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models import Case
from childshield.cases.models.cases import CaseStatus, HarmType
from childshield.cases.models.closure import ClosureDecision
from childshield.cases.models.consent import ShareSection
from childshield.cases.services.consent import ConsentInput
from childshield.cases.services.follow_ups import followup_add
from childshield.cases.services.opening import ChildInput, case_open
from childshield.places.models import Area
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import signed_in_page

pytestmark = pytest.mark.django_db(transaction=True)

SENT_BACK_REASON = "The threats stopped only last week: visit the family at home first, then ask again."


def _ask_to_close(page: Page, base: str, language: str, case: Case) -> None:
    page.goto(f"{base}/{language}/cases/{case.pk}/")
    page.click(f"[data-actions] a[href='/{language}/cases/{case.pk}/close/']")
    page.select_option("select[name=reason]", "goals_met")
    for item in ("child_safe", "services_done", "caregiver_informed"):
        page.check(f"input[name=check_{item}]")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-closure-requested]")).to_be_visible()


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_a_closure_is_sent_back_with_a_reason_then_approved_with_the_risk_acknowledged(
    live_server, browser, axe, make_member, language
):
    base = live_server.url
    country = Area.objects.create(code="VN", country="VN", level=Area.Level.COUNTRY, name_en="Viet Nam")
    province = Area.objects.create(
        code="VN44", country="VN", level=Area.Level.PROVINCE, parent=country, name_en="Quang Binh"
    )
    commune = Area.objects.create(
        code="VN44-LT-KIMTHUY", country="VN", level=Area.Level.COMMUNE, parent=province, name_en="Kim Thuy"
    )
    office = Agency.objects.create(
        country="VN", name="Kim Thuy Commune Social Work (test)", kind=AgencyKind.SOCIAL_SERVICES
    )
    worker = make_member(email="worker@example.org", role=Role.CASE_WORKER, agency=office)
    supervisor = make_member(email="supervisor@example.org", role=Role.CASE_SUPERVISOR, agency=office)
    case = case_open(
        acting=worker,
        child=ChildInput(
            full_name="Đinh Thị Na", area=commune, estimated_age=14, sex="female", gender="girl"
        ),
        risk_level="high",
        harm_types=[HarmType.SEXTORTION],
        summary="Threats to share her photos unless she sends more.",
        supervisor=supervisor,
        consent=ConsentInput(
            purpose="Support from the commune social worker",
            agencies=[office],
            sections=list(ShareSection.values),
            child_assent=True,
            caregiver_consent=True,
            caregiver_name="Đinh Văn Hùng",
        ),
    )
    follow_up = followup_add(
        acting=worker, case=case, due_on=timezone.localdate(), assignee=worker, purpose="Home visit"
    )

    # The worker asks to close.
    worker_page = signed_in_page(browser, base, worker.user.email, language)
    _ask_to_close(worker_page, base, language, case)

    # The supervisor finds it on their home page, with how long it has waited, and reads the warnings.
    supervisor_page = signed_in_page(browser, base, supervisor.user.email, language)
    supervisor_page.goto(f"{base}/{language}/cases/")
    waiting = supervisor_page.locator(f"[data-home-closures-waiting] [data-case='{case.number}']")
    expect(waiting.locator("[data-waiting-days]")).to_be_visible()
    assert_accessible(axe, supervisor_page)
    waiting.locator(f"a[href='/{language}/cases/{case.pk}/close/review/']").click()
    expect(supervisor_page.locator("[data-warning=high_risk]")).to_be_visible()
    expect(supervisor_page.locator("[data-warning=open_follow_ups]")).to_be_visible()
    expect(supervisor_page.locator("[data-open-follow-ups]")).to_contain_text("Home visit")
    assert_accessible(axe, supervisor_page)
    supervisor_page.fill("[data-send-back] textarea[name=reason]", SENT_BACK_REASON)
    supervisor_page.click("[data-send-back] button[type=submit]")
    supervisor_page.wait_for_url(f"{base}/{language}/cases/closures/")
    expect(supervisor_page.locator("[data-no-closures-waiting]")).to_be_visible()

    # The worker reads the reason on their home page, does the home visit and asks again.
    worker_page.goto(f"{base}/{language}/cases/")
    expect(worker_page.locator("[data-closures-sent-back]")).to_contain_text(SENT_BACK_REASON)
    assert_accessible(axe, worker_page)
    worker_page.click(f"[data-sent-back='{case.number}'] a")
    expect(worker_page.locator("[data-closure-sent-back]")).to_contain_text(SENT_BACK_REASON)
    worker_page.fill(f"input[name=follow-up-{follow_up.pk}-outcome]", "Family at home; the threats stopped")
    worker_page.click(f"[data-follow-up='{follow_up.pk}'] button[type=submit]")
    expect(worker_page.locator(f"[data-follow-up='{follow_up.pk}'] form")).to_have_count(0)
    _ask_to_close(worker_page, base, language, case)
    worker_page.goto(f"{base}/{language}/cases/")
    expect(worker_page.locator("[data-closures-sent-back]")).to_have_count(0)
    worker_page.context.close()

    # Only the high risk is left: approving needs it acknowledged.
    supervisor_page.goto(f"{base}/{language}/cases/closures/")
    assert_accessible(axe, supervisor_page)
    supervisor_page.click(f"[data-closures-waiting] a[href='/{language}/cases/{case.pk}/close/review/']")
    expect(supervisor_page.locator("[data-warning=high_risk]")).to_be_visible()
    expect(supervisor_page.locator("[data-warning=open_follow_ups]")).to_have_count(0)
    expect(supervisor_page.locator("[data-closure-history]")).to_contain_text(SENT_BACK_REASON)
    supervisor_page.click("[data-approve] button[type=submit]")
    expect(supervisor_page.locator("[data-approve] .form-error")).to_be_visible()
    assert_accessible(axe, supervisor_page)
    assert Case.objects.get(pk=case.pk).status != CaseStatus.CLOSED
    supervisor_page.check("input[name=acknowledge]")
    supervisor_page.click("[data-approve] button[type=submit]")
    supervisor_page.wait_for_url(f"{base}/{language}/cases/{case.pk}/")
    supervisor_page.context.close()

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closure_approved_by == supervisor
    requests = list(case.closure_requests.order_by("requested_at", "id"))
    assert [request.decision for request in requests] == [ClosureDecision.SENT_BACK, ClosureDecision.APPROVED]
    assert requests[0].sent_back_reason == SENT_BACK_REASON
    assert requests[1].warnings_acknowledged == ["high_risk"]
