"""Every POST of a platform carries an Idempotency-Key: sent again, the same answer and one effect;
the same key with another body, a 422; no key, a 400."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from childshield.hotline.models import ContentItem
from childshield.platforms.models import IdempotentAnswer, PlatformReport
from tests.platforms.conftest import post

REPORTS = "/api/v1/reports/"
BODY = {"incident_type": "abuse_material", "urls": ["https://files.example.net/b/2.jpg"]}


def test_the_same_request_sent_again_gets_the_first_answer_and_makes_nothing_new(platform, hotline):
    first = post(platform, REPORTS, BODY, key="retry-after-timeout-1")
    again = post(
        platform,
        REPORTS,
        {"urls": BODY["urls"], "incident_type": "abuse_material"},
        key="retry-after-timeout-1",
    )

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotency-Replayed"] == "true"
    assert PlatformReport.objects.count() == 1
    assert ContentItem.objects.get().sources.count() == 1


def test_the_same_key_with_another_body_is_refused(platform, hotline):
    post(platform, REPORTS, BODY, key="k-1")

    response = post(platform, REPORTS, {**BODY, "description": "more"}, key="k-1")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert PlatformReport.objects.count() == 1


def test_a_post_without_a_key_is_refused_and_says_how_to_mend_it(platform, hotline):
    response = platform.post(REPORTS, BODY, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_missing"
    assert "Idempotency-Key" in response.json()["detail"]
    assert not PlatformReport.objects.exists()


def test_a_refused_request_can_be_mended_and_sent_with_the_same_key(platform, hotline):
    bad = post(platform, REPORTS, {**BODY, "urls": ["not an address"]}, key="k-2")
    good = post(platform, REPORTS, BODY, key="k-2")

    assert bad.status_code == 400
    assert good.status_code == 201
    assert IdempotentAnswer.objects.count() == 1


def test_keys_are_each_platforms_own(platform, other_platform, hotline):
    assert post(platform, REPORTS, BODY, key="shared-key").status_code == 201
    assert (
        post(other_platform, REPORTS, {**BODY, "description": "theirs"}, key="shared-key").status_code == 201
    )
    assert PlatformReport.objects.count() == 2


def test_an_old_answer_is_forgotten_after_its_time(platform, hotline, settings):
    from datetime import timedelta

    from django.utils import timezone

    from childshield.platforms.idempotency import idempotent_answers_purge

    post(platform, REPORTS, BODY, key="k-3")
    IdempotentAnswer.objects.update(
        created_at=timezone.now() - timedelta(hours=settings.PLATFORMS_IDEMPOTENCY_HOURS + 1)
    )

    assert post(platform, REPORTS, {**BODY, "description": "new"}, key="k-3").status_code == 201
    assert PlatformReport.objects.count() == 2
    IdempotentAnswer.objects.update(
        created_at=timezone.now() - timedelta(hours=settings.PLATFORMS_IDEMPOTENCY_HOURS + 1)
    )
    assert idempotent_answers_purge() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="twin requests at the same moment need a database that runs them at once",
)
@pytest.mark.django_db(transaction=True)
def test_twins_sent_at_the_same_moment_make_one_report(credential, hotline):
    secret = credential[2]
    key = str(uuid.uuid4())
    answers = []
    start = threading.Barrier(4)

    def send():
        client = Client(headers={"Authorization": f"Bearer {secret}"})
        start.wait()
        answers.append(post(client, REPORTS, BODY, key=key))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answer.status_code for answer in answers) == [201] * 4, [a.content for a in answers]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert PlatformReport.objects.count() == 1


def test_kept_answers_are_encrypted_at_rest(platform, hotline):
    post(platform, REPORTS, BODY, key="k-secret")

    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM platforms_idempotentanswer")
        [(stored,)] = cursor.fetchall()
    assert "files.example.net" not in str(stored)
    assert IdempotentAnswer.objects.get().body["items"][0]["url"] == BODY["urls"][0]
