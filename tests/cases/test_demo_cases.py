"""The demo cases: made through the services, at every stage, in the pilot communes, once."""

import pytest

from childshield.accounts.models import Membership
from childshield.cases.models import Case, Child, Referral
from childshield.cases.models.cases import CaseStatus
from childshield.cases.models.referrals import ReferralStatus
from childshield.cases.selectors.home import worker_home
from childshield.core.ethnic_groups import ETHNICITY_NOT_SAID, ethnic_group_lists
from childshield.demo.cases import KON_TUM, QUANG_BINH, demo_cases_seed

pytestmark = pytest.mark.django_db


def test_the_demo_cases_cover_every_stage_and_are_made_once(demo):
    # Whether or not demo_seed already calls it, the cases exist once afterwards.
    demo_cases_seed()
    # The demo's stories, not the synthetic figures' cases (tests/demo/test_seed_demo.py).
    stories = Case.objects.exclude(agency__name__endswith="(figures)")
    made = stories.count()
    assert made >= 30
    assert set(stories.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(stories.values_list("child__area__code", flat=True)) <= set(QUANG_BINH + KON_TUM)
    assert {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED} <= set(
        Referral.objects.values_list("status", flat=True)
    )
    assert demo_cases_seed() == 0
    assert stories.count() == made


def test_the_demo_worker_has_cases_follow_ups_and_referrals_waiting(demo):
    demo_cases_seed()
    worker = Membership.objects.get(
        user__email="case.worker@demo.childshield.test", agency__name__startswith="Lệ Thủy"
    )
    home = worker_home(acting=worker)
    assert home.my_cases and home.high_risk
    assert home.overdue
    assert home.referrals_waiting >= 3
    focal_point = Membership.objects.get(user__email="focal.point@demo.childshield.test")
    assert worker_home(acting=focal_point).updates


def test_the_demo_has_children_s_feedback_to_count_without_any_link_to_a_case(demo):
    from childshield.cases.models import FeedbackResponse

    responses = FeedbackResponse.objects.all()
    assert responses.filter(respondent="child").count() >= 5
    assert responses.filter(respondent="caregiver").count() >= 5
    made = responses.count()
    assert demo_cases_seed() == 0
    assert FeedbackResponse.objects.count() == made


def test_every_ethnic_group_the_demo_stores_is_in_its_country_s_list(demo):
    demo_cases_seed()
    listed = {
        (country, group.code) for country, groups in ethnic_group_lists().items() for group in groups.groups
    }
    stored = set(Child.objects.exclude(ethnicity="").values_list("area__country", "ethnicity"))
    assert stored
    assert {(country, code) for country, code in stored if code != ETHNICITY_NOT_SAID} <= listed
