"""Assessment: classified by one analyst, confirmed by another before any notice (configurable), audited."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from childshield.audit.models import AuditEvent
from childshield.core.errors import ApplicationError
from childshield.hotline.models import Classification, ItemStatus
from childshield.hotline.services.assessment import AssessmentInput, assessment_confirm, assessment_record
from childshield.hotline.services.items import content_item_report

from .conftest import abuse


@pytest.fixture
def item(analyst):
    return content_item_report(acting=analyst, url="https://example.org/clip", source="analyst")


def test_abuse_material_needs_every_classification_field(analyst, item):
    with pytest.raises(ApplicationError) as refused:
        assessment_record(
            acting=analyst,
            item=item,
            data=AssessmentInput(classification="abuse_material", category="A"),
        )
    assert refused.value.code == "incomplete"
    assert "INTERPOL" in str(refused.value.message)


def test_harmful_content_keeps_no_abuse_classification(analyst, second_analyst, item):
    data = AssessmentInput(classification="harmful", category="A", content_type="video", commercial=True)
    assessment = assessment_record(acting=analyst, item=item, data=data)
    assert assessment.category == "" and assessment.commercial is None and assessment.content_type == "video"


def test_the_assessor_cannot_confirm_their_own_assessment(analyst, item):
    assessment = assessment_record(acting=analyst, item=item, data=abuse())
    with pytest.raises(ApplicationError) as refused:
        assessment_confirm(acting=analyst, assessment=assessment)
    assert refused.value.code == "same_person"
    item.refresh_from_db()
    assert item.status == ItemStatus.ASSESSED and item.confirmed_at is None


def test_no_notice_before_the_second_analyst_confirms(
    analyst, second_analyst, item, traced_to_provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assessment = assessment_record(acting=analyst, item=item, data=abuse())
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assessment_confirm(acting=second_analyst, assessment=assessment)
    item.refresh_from_db()
    assert item.status == ItemStatus.NOTICE_SENT
    assert len(mail.outbox) == 1
    assert item.classification == Classification.ABUSE_MATERIAL and item.category == "B"


def test_a_second_assessor_can_be_switched_off(settings, analyst, item, django_capture_on_commit_callbacks):
    settings.HOTLINE_REQUIRE_SECOND_ASSESSOR = False
    with django_capture_on_commit_callbacks() as callbacks:
        assessment = assessment_record(acting=analyst, item=item, data=abuse())
    assert assessment.confirmed_by == analyst
    item.refresh_from_db()
    assert item.status == ItemStatus.CONFIRMED
    assert len(callbacks) == 1


def test_out_of_scope_closes_the_item_without_notice(
    analyst, second_analyst, item, django_capture_on_commit_callbacks
):
    assessment = assessment_record(
        acting=analyst, item=item, data=AssessmentInput(classification="out_of_scope")
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assessment_confirm(acting=second_analyst, assessment=assessment)
    item.refresh_from_db()
    assert item.status == ItemStatus.OUT_OF_SCOPE and item.closed_at is not None
    assert callbacks == []


def test_a_disagreeing_analyst_assesses_again_and_the_first_cannot_be_confirmed(
    analyst, second_analyst, lead, item
):
    first = assessment_record(acting=analyst, item=item, data=abuse("C"))
    second = assessment_record(acting=second_analyst, item=item, data=abuse("A"))
    with pytest.raises(ApplicationError) as refused:
        assessment_confirm(acting=lead, assessment=first)
    assert refused.value.code == "stale"
    assessment_confirm(acting=analyst, assessment=second)
    item.refresh_from_db()
    assert item.category == "A"


def test_a_confirmed_item_is_not_assessed_again(analyst, second_analyst, item):
    assessment = assessment_record(acting=analyst, item=item, data=abuse())
    assessment_confirm(acting=second_analyst, assessment=assessment)
    with pytest.raises(ApplicationError):
        assessment_record(acting=analyst, item=item, data=abuse("A"))


def test_analysts_of_another_hotline_cannot_assess_or_confirm(analyst, foreign_analyst, item):
    with pytest.raises(PermissionDenied):
        assessment_record(acting=foreign_analyst, item=item, data=abuse())
    assessment = assessment_record(acting=analyst, item=item, data=abuse())
    with pytest.raises(PermissionDenied):
        assessment_confirm(acting=foreign_analyst, assessment=assessment)


def test_assessment_and_confirmation_are_audited(analyst, second_analyst, item):
    assessment = assessment_record(acting=analyst, item=item, data=abuse())
    assessment_confirm(acting=second_analyst, assessment=assessment)
    events = AuditEvent.objects.filter(object_type="hotline.ContentItem", object_id=str(item.pk))
    actors = {(event.actor_id, event.reason.split(":")[0]) for event in events}
    assert (str(analyst.user_id), "assessed as abuse_material B") in actors
    assert (str(second_analyst.user_id), f"assessment {assessment.pk} confirmed") in actors


def test_the_notes_are_encrypted(analyst, item):
    from django.db import connection

    data = AssessmentInput(classification="out_of_scope", notes="adult content, neutral words")
    assessment = assessment_record(acting=analyst, item=item, data=data)
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM hotline_contentassessment WHERE id = %s", [assessment.pk])
        assert "neutral" not in cursor.fetchone()[0]
