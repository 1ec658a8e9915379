"""The assessment forms page: an agency copies the default, edits questions per language, previews,
and publishes its own versions; old versions and the assessments that used them stay."""

import pytest

from childshield.accounts.models import Role
from childshield.audit.models import AuditEvent
from childshield.cases.assessment_form_editor import options_from_text
from childshield.cases.assessment_forms import DEFAULT_FORMS
from childshield.cases.models import Assessment, AssessmentForm
from childshield.cases.selectors.assessments import assessment_form_current
from childshield.cases.services.assessments import (
    assessment_form_publish,
    assessment_forms_default_install,
    assessment_record,
)

pytestmark = pytest.mark.django_db

EDIT = "/en/cases/forms/safety/edit/"


def _post_data(questions, *, title_en="Safety check (commune)", action="publish", extra=None):
    data = {
        "title_en": title_en,
        "title_vi": "Kiểm tra an toàn (xã)",
        "title_km": "",
        "preview_language": "vi",
        "action": action,
        "q-TOTAL_FORMS": str(len(questions)),
        "q-INITIAL_FORMS": "0",
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "100",
    }
    for index, question in enumerate(questions):
        for name, value in question.items():
            data[f"q-{index}-{name}"] = value
    data.update(extra or {})
    return data


SAFE_NOW = {
    "label_en": "Is the child safe tonight?",
    "label_vi": "Tối nay trẻ có an toàn không?",
    "label_km": "តើកុមារមានសុវត្ថិភាពនៅយប់នេះទេ?",
    "type": "choice",
    "options": "yes | Yes | Có | បាទ/ចាស\nno | No | Không | ទេ",
    "required": "on",
    "key": "safe_now",
    "ORDER": "2",
}
NOTES = {"label_en": "Anything else", "type": "text", "ORDER": "1"}


@pytest.fixture
def form_manager(make_member, social_agency):
    return make_member(email="admin@example.org", role=Role.AGENCY_ADMIN, agency=social_agency)


def test_the_shipped_default_forms_have_vietnamese_and_khmer_labels():
    for definition in DEFAULT_FORMS.values():
        assert {"vi", "km", "en"} <= set(definition["title"])
        for question in definition["questions"]:
            assert {"vi", "km", "en"} <= set(question["label"]), question["key"]
            for choice in question.get("choices", []):
                assert {"vi", "km", "en"} <= set(choice["label"])


def test_changed_default_data_is_published_as_a_new_default_version_and_old_answers_stay(worker, open_case):
    # The defaults were installed after migrate; say they were installed from older data.
    AssessmentForm.objects.filter(agency=None).delete()
    old = AssessmentForm.objects.create(
        kind="safety", agency=None, version=1, title={"en": "Safety assessment"},
        questions=[{"key": "safe_now", "type": "text", "label": {"en": "Safe now?"}}],
    )  # fmt: skip
    case = open_case(worker)
    recorded = assessment_record(acting=worker, case=case, form=old, answers={"safe_now": "yes"})
    safety, _comprehensive = assessment_forms_default_install()
    assert safety.version == 2 and safety.questions == DEFAULT_FORMS["safety"]["questions"]
    recorded.refresh_from_db()
    assert recorded.form == old


def test_the_page_offers_to_copy_the_default_to_supervisors_and_agency_admins(
    supervisor, form_manager, worker, sign_in
):
    page = sign_in(form_manager).get("/en/cases/forms/").content.decode()
    assert "Copy the default and edit it" in page
    edit = sign_in(supervisor).get(EDIT).content.decode()
    assert "Is the child safe right now?" in edit and "Ngay lúc này, trẻ có an toàn không?" in edit
    assert sign_in(worker).get("/en/cases/forms/").status_code == 403


def test_a_preview_shows_the_draft_in_the_chosen_language_and_saves_nothing(form_manager, sign_in):
    client = sign_in(form_manager)
    client.get(EDIT)
    before = AssessmentForm.objects.count()
    page = client.post(EDIT, _post_data([SAFE_NOW, NOTES], action="preview")).content.decode()
    assert 'data-preview="vi"' in page and "Tối nay trẻ có an toàn không?" in page
    assert page.index('name="q-0-label_en" value="Anything else"') < page.index("Is the child safe tonight?")
    assert AssessmentForm.objects.count() == before


def test_publishing_makes_a_new_agency_version_that_new_assessments_use(
    form_manager, supervisor, worker, open_case, sign_in
):
    case = open_case(worker, supervisor=supervisor)
    default, _ = assessment_forms_default_install()
    earlier = assessment_record(
        acting=worker, case=case, form=default,
        answers={q["key"]: "no" for q in default.questions if q["type"] == "choice"},
    )  # fmt: skip
    response = sign_in(form_manager).post(EDIT, _post_data([SAFE_NOW, NOTES]))
    assert response.status_code == 302
    own = AssessmentForm.objects.get(agency=form_manager.agency, kind="safety")
    assert own.version == 1
    assert [q["key"] for q in own.questions] == ["anything_else", "safe_now"]
    assert own.questions[1]["choices"][0] == {
        "value": "yes",
        "label": {"en": "Yes", "vi": "Có", "km": "បាទ/ចាស"},
    }
    assert own.title == {"en": "Safety check (commune)", "vi": "Kiểm tra an toàn (xã)"}
    assert assessment_form_current(kind="safety", agency_id=case.agency_id) == own
    assert AuditEvent.objects.filter(object_type="cases.AssessmentForm", object_id=str(own.pk)).exists()
    # A second version keeps the first, and the earlier assessment keeps the default.
    sign_in(supervisor).post(EDIT, _post_data([SAFE_NOW]))
    assert list(
        AssessmentForm.objects.filter(agency=form_manager.agency).values_list("version", flat=True)
    ) == [2, 1]
    earlier.refresh_from_db()
    assert earlier.form == default
    page = sign_in(worker).get(f"/en/cases/{case.pk}/assessments/safety/").content.decode()
    assert "Is the child safe tonight?" in page and "Anything else" not in page


def test_a_bad_form_is_refused_with_what_to_fix_and_what_was_typed_kept(form_manager, sign_in):
    client = sign_in(form_manager)
    one_option = {**SAFE_NOW, "options": "yes | Yes"}
    response = client.post(EDIT, _post_data([one_option]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "needs at least two options" in page and "Is the child safe tonight?" in page
    no_english = {**NOTES, "label_en": "", "label_vi": "Điều gì khác"}
    page = client.post(EDIT, _post_data([no_english])).content.decode()
    assert "needs an English label" in page
    assert not AssessmentForm.objects.filter(agency=form_manager.agency).exists()


def test_an_agency_cannot_read_another_agencys_version(form_manager, outsider_agency, make_member, sign_in):
    client = sign_in(form_manager)
    client.post(EDIT, _post_data([SAFE_NOW]))
    own = AssessmentForm.objects.get(agency=form_manager.agency)
    assert client.get(f"/en/cases/forms/versions/{own.pk}/").status_code == 200
    stranger = make_member(email="other-admin@example.org", role=Role.AGENCY_ADMIN, agency=outsider_agency)
    assert sign_in(stranger).get(f"/en/cases/forms/versions/{own.pk}/").status_code == 404


def test_the_list_counts_the_assessments_recorded_with_each_version(supervisor, worker, open_case, sign_in):
    case = open_case(worker, supervisor=supervisor)
    own = assessment_form_publish(
        acting=supervisor, kind="safety", title={"en": "Own"},
        questions=[{"key": "notes", "type": "text", "label": {"en": "Notes"}}],
    )  # fmt: skip
    assessment_record(acting=worker, case=case, form=own, answers={"notes": "ok"})
    page = sign_in(supervisor).get("/en/cases/forms/").content.decode()
    assert '<tr data-version="1">' in page and "<td>1</td><td>1</td>" in page.replace("\n", "")
    assert Assessment.objects.get().form == own


def test_options_can_be_written_as_labels_only():
    assert options_from_text("Often\nNever |") == [
        {"value": "often", "label": {"en": "Often"}},
        {"value": "never", "label": {"en": "Never"}},
    ]
