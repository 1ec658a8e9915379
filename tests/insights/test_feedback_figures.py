"""Programme managers and case supervisors count children's feedback; no small count is published."""

from datetime import date
from html import unescape as html_unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditEvent
from childshield.cases.models import FeedbackResponse
from childshield.cases.services.feedback import feedback_record_paper

ANSWERS = {"listened": "yes", "safe": "yes", "not_blamed": "a_little", "helped": "no"}


@pytest.fixture
def manager(make_member):
    ngo = Agency.objects.create(country="VN", name="Programme NGO", kind=AgencyKind.NGO)
    return make_member(email="manager@example.org", role=Role.PROGRAMME_MANAGER, agency=ngo)


def _answers(*, agency, area, count, respondent="child", **answers):
    values = {**ANSWERS, **answers}
    FeedbackResponse.objects.bulk_create(
        FeedbackResponse(
            agency=agency,
            area=area,
            respondent=respondent,
            channel="paper",
            language="vi",
            period=timezone.localdate().replace(day=1),
            **values,
        )
        for _ in range(count)
    )


def _cells(html: str, respondent: str, question: str) -> dict[str, str]:
    table = html.split(f'data-respondent="{respondent}"')[1].split("</section>")[0]
    row = table.split(f'data-question="{question}"')[1].split("</tr>")[0]
    cells = {}
    for part in row.split('data-answer="')[1:]:
        answer, rest = part.split('"', 1)
        cells[answer] = html_unescape(rest.split(">", 1)[1].split("<", 1)[0])
    cells["total"] = html_unescape(row.split("data-total>")[1].split("<", 1)[0])
    return cells


def test_a_manager_counts_every_agency_of_the_country_and_small_cells_are_hidden(
    manager, worker, open_case, commune, social_agency, sign_in
):
    case = open_case(worker)
    # One answer through the real service, the rest as if typed over the year.
    feedback_record_paper(acting=worker, case=case, respondent="child", answers=ANSWERS, language="vi")
    _answers(agency=social_agency, area=commune, count=11)
    _answers(agency=social_agency, area=commune, count=2, listened="no")
    other = Agency.objects.create(country="VN", name="Another office", kind=AgencyKind.SOCIAL_SERVICES)
    _answers(agency=other, area=commune, count=6, listened="a_little")
    abroad = Agency.objects.create(country="KH", name="Office abroad", kind=AgencyKind.SOCIAL_SERVICES)
    _answers(agency=abroad, area=commune, count=30)

    html = sign_in(manager).get("/en/insights/feedback/").content.decode()

    # 12 + 2 + 6 from Viet Nam; Cambodia's 30 are not counted.
    listened = _cells(html, "child", "listened")
    assert listened["total"] == "20"
    assert listened["yes"] == "12"
    # 2 "no" and 0 "rather not say" are under 5; together they could be worked out from the total
    # and are still under 5, so the next smallest (6 "a little") is hidden too.
    assert listened["no"] == "<5" and listened["not_said"] == "<5"
    assert listened["a_little"] == "[c]"
    assert _cells(html, "child", "safe")["total"] == "20"
    # No caregiver answered: every cell of theirs is under the threshold.
    assert _cells(html, "caregiver", "safe")["total"] == "<5"
    assert "Nguyễn" not in html
    assert AuditEvent.objects.filter(object_type="insights.feedback", actor_id=str(manager.user.pk)).exists()


def test_a_case_supervisor_counts_only_their_own_agency(supervisor, social_agency, commune, sign_in):
    _answers(agency=social_agency, area=commune, count=7)
    other = Agency.objects.create(country="VN", name="Another office", kind=AgencyKind.SOCIAL_SERVICES)
    _answers(agency=other, area=commune, count=9)
    html = sign_in(supervisor).get("/en/insights/feedback/").content.decode()
    assert _cells(html, "child", "helped")["total"] == "7"


def test_a_past_year_is_chosen_and_bad_years_fall_back_to_this_one(manager, social_agency, commune, sign_in):
    last_year = timezone.localdate().year - 1
    FeedbackResponse.objects.create(
        agency=social_agency,
        area=commune,
        respondent="child",
        channel="link",
        language="km",
        period=date(last_year, 6, 1),
        **ANSWERS,
    )
    client = sign_in(manager)
    html = client.get(f"/en/insights/feedback/?year={last_year}").content.decode()
    assert f'<option value="{last_year}" selected>' in html
    html = client.get("/en/insights/feedback/?year=../../etc").content.decode()
    assert f"· {timezone.localdate().year}" in html


def test_workers_and_outsiders_see_no_figures(worker, outsider, sign_in):
    assert sign_in(worker).get("/en/insights/feedback/").status_code == 403
    assert sign_in(outsider).get("/en/insights/feedback/").status_code == 403


def test_the_figures_take_the_same_few_queries_however_many_answers(manager, social_agency, commune, sign_in):
    client = sign_in(manager)
    _answers(agency=social_agency, area=commune, count=3)
    with CaptureQueriesContext(connection) as few:
        client.get("/en/insights/feedback/")
    _answers(agency=social_agency, area=commune, count=300, respondent="caregiver")
    with CaptureQueriesContext(connection) as many:
        client.get("/en/insights/feedback/")
    assert len(many) == len(few)
