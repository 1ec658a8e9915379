"""Triage rules and saved replies are data helpline supervisors edit: tested, versioned, audited."""

import importlib

import pytest
from django.apps import apps as django_apps

from childshield.audit.models import AuditAction, AuditEvent
from childshield.core.errors import ApplicationError
from childshield.helpline import queue, selectors
from childshield.helpline.models import ReplyTemplate, ReportTriage, TriageRule
from childshield.helpline.reply_templates import LANGUAGES
from childshield.helpline.services.queue import queue_claim
from childshield.helpline.services.replies import (
    ReplyTemplateInput,
    reply_template_create,
    reply_template_update,
)
from childshield.helpline.services.rules import TriageRuleInput, triage_rule_create, triage_rule_update
from childshield.helpline.triage import Signal, shipped_rule_specs, signals_in
from childshield.intake.models import Report, ReportStatus

pytestmark = pytest.mark.django_db


def _rule(signal: str = "sextortion", language: str = "vi") -> TriageRule:
    return TriageRule.objects.get(signal=signal, language=language)


def _input(rule: TriageRule, **changes) -> TriageRuleInput:
    fields = {
        "signal": rule.signal,
        "language": rule.language,
        "phrases": list(rule.phrases),
        "is_active": True,
    }
    return TriageRuleInput(**{**fields, **changes})


def test_the_shipped_rules_and_replies_are_loaded_and_every_version_kept():
    shipped = {(spec.signal, spec.language): list(spec.phrases) for spec in shipped_rule_specs()}
    assert {(rule.signal, rule.language): rule.phrases for rule in TriageRule.objects.all()} == shipped
    for rule in TriageRule.objects.all():
        versions = list(rule.versions.order_by("version").values_list("version", "phrases"))
        assert [number for number, _phrases in versions] == list(range(1, rule.version + 1))
        assert versions[-1][1] == rule.phrases
    assert ReplyTemplate.objects.filter(code="first_reply", version=1).exists()


def test_loading_a_release_keeps_the_words_a_supervisor_chose(supervisor):
    """The release's loading step, run again over a database where a supervisor changed one rule and
    another still holds an older release's words: the first stays, the second takes the new words."""
    loading = importlib.import_module(
        "childshield.helpline.migrations.0012_load_rules_that_read_how_children_write"
    )
    chosen = _rule("self_harm", "en")
    triage_rule_update(
        acting=supervisor, rule=chosen, data=_input(chosen, phrases=["our own words"]), version=chosen.version
    )
    older = _rule("danger_now", "km")
    TriageRule.objects.filter(pk=older.pk).update(phrases=["an older release"])

    loading.load(django_apps, None)

    assert _rule("self_harm", "en").phrases == ["our own words"]
    refreshed = _rule("danger_now", "km")
    shipped = next(
        spec for spec in shipped_rule_specs() if (spec.signal, spec.language) == ("danger_now", "km")
    )
    assert refreshed.phrases == list(shipped.phrases) and refreshed.version == older.version + 1
    assert refreshed.versions.get(version=refreshed.version).note.startswith("shipped")


def test_a_supervisor_adds_words_and_waiting_reports_are_read_again_by_the_change(supervisor, send_report):
    report = send_report(description="Nó bắt em chuyển khoản")
    closed = send_report(description="Nó bắt em chuyển khoản")
    Report.objects.filter(pk=closed.pk).update(status=ReportStatus.CLOSED)
    assert ReportTriage.objects.get(report=report).signals == []

    rule = _rule()
    triage_rule_update(
        acting=supervisor,
        rule=rule,
        data=_input(rule, phrases=[*rule.phrases, "chuyển khoản"], note="new slang"),
        version=rule.version,
    )
    # No queue was opened: the change itself read the waiting report again, under the new version.
    triage = ReportTriage.objects.get(report=report)
    assert triage.signals == ["sextortion"] and triage.words == {"sextortion": ["chuyen khoan"]}
    assert triage.rules_version == selectors.triage_rules_current()[0]
    assert AuditEvent.objects.filter(
        object_id=str(report.pk), actor_id=str(supervisor.user.pk), reason__startswith="triage read"
    ).exists()
    # A closed report is not waiting: it keeps the signals it had.
    assert ReportTriage.objects.get(report=closed).signals == []
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE,
        object_type="helpline.TriageRule",
        reason="triage rule changed to version 2",
    ).exists()


def test_a_new_rule_flags_a_waiting_report_at_once(supervisor, send_report):
    report = send_report(description="he found my new school")
    assert not ReportTriage.objects.get(report=report).is_urgent
    triage_rule_create(
        acting=supervisor,
        data=TriageRuleInput(signal="danger_now", language="en", phrases=["found my new school"]),
    )
    triage = ReportTriage.objects.get(report=report)
    assert triage.signals == ["danger_now"] and triage.is_urgent
    assert [item.is_urgent for item in queue.queue_page(acting=supervisor).items] == [True]


def test_every_change_keeps_the_version_before(supervisor):
    rule = _rule("self_harm", "en")
    before, shipped_version = list(rule.phrases), rule.version
    triage_rule_update(acting=supervisor, rule=rule, data=_input(rule, is_active=False), version=rule.version)
    history = selectors.triage_rule_history(acting=supervisor, rule=rule)
    assert [(old.version, old.is_active, old.phrases) for old in history[:2]] == [
        (shipped_version + 1, False, before),
        (shipped_version, True, before),
    ]
    assert history[0].changed_by == supervisor and history[1].changed_by is None
    assert [old.version for old in history] == list(range(shipped_version + 1, 0, -1))


def test_a_disabled_rule_raises_nothing(supervisor):
    rule = _rule("self_harm", "en")
    triage_rule_update(acting=supervisor, rule=rule, data=_input(rule, is_active=False), version=rule.version)
    assert signals_in("i am ready to die", selectors.triage_rules_current()[1]) == []
    assert [flag.signal for flag in signals_in("em muon chet", selectors.triage_rules_current()[1])] == [
        Signal.SELF_HARM
    ]


def test_a_change_made_meanwhile_is_not_overwritten(supervisor):
    rule = _rule()
    opened = rule.version
    triage_rule_update(acting=supervisor, rule=rule, data=_input(rule, phrases=["tống tiền"]), version=opened)
    with pytest.raises(ApplicationError) as error:
        triage_rule_update(acting=supervisor, rule=rule, data=_input(rule, phrases=["x y"]), version=opened)
    assert error.value.code == "stale"
    assert _rule().phrases == ["tống tiền"]


@pytest.mark.parametrize("phrases", [[], ["  "], ["a"]])
def test_a_rule_needs_words_long_enough_to_mean_something(supervisor, phrases):
    with pytest.raises(ApplicationError):
        triage_rule_create(
            acting=supervisor,
            data=TriageRuleInput(signal="danger_now", language="en", phrases=phrases),
        )


def test_counsellors_cannot_change_rules(counsellor):
    with pytest.raises(Exception, match="manage_rules"):
        triage_rule_create(
            acting=counsellor,
            data=TriageRuleInput(signal="danger_now", language="en", phrases=["he found me"]),
        )


def test_the_rule_page_tests_typed_words_on_a_sample_without_saving(sign_in, supervisor):
    rule = _rule()
    client = sign_in(supervisor)
    response = client.post(
        f"/en/helpline/rules/{rule.pk}/",
        {
            "signal": "sextortion",
            "language": "vi",
            "phrases": "chuyển khoản\nđòi tiền",
            "is_active": "on",
            "version": str(rule.version),
            "sample": "No bat em chuyen khoan",
            "action": "test",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark data-word>chuyen khoan</mark>" in html
    assert "data-reach" in html  # what the words raise on the team's messages
    assert _rule().version == rule.version


def test_a_rule_that_would_flag_ordinary_messages_is_saved_only_when_the_supervisor_confirms(
    sign_in, supervisor
):
    rule = _rule("danger_now", "en")
    client = sign_in(supervisor)
    form = {
        "signal": "danger_now",
        "language": "en",
        "phrases": "my|me|i",  # too short: refused with the reason
        "is_active": "on",
        "version": str(rule.version),
        "action": "save",
    }
    refused = client.post(f"/en/helpline/rules/{rule.pk}/", form)
    assert refused.status_code == 400 and "too short" in refused.content.decode()

    broad = client.post(f"/en/helpline/rules/{rule.pk}/", {**form, "phrases": "the|and|you"})
    html = broad.content.decode()
    assert broad.status_code == 400 and "data-too-broad" in html and "Save anyway" in html
    assert _rule("danger_now", "en").version == rule.version  # nothing saved

    confirmed = client.post(
        f"/en/helpline/rules/{rule.pk}/", {**form, "phrases": "the|and|you", "save_broad": "on"}
    )
    assert confirmed.status_code == 302
    assert _rule("danger_now", "en").phrases == ["the|and|you"]


def test_the_rules_list_tests_a_sample_against_every_rule_in_use(sign_in, supervisor):
    html = sign_in(supervisor).post("/en/helpline/rules/", {"sample": "MUON CHET"}).content.decode()
    assert 'data-flag="self_harm"' in html and "<mark data-word>muon chet</mark>" in html


def test_a_supervisor_adds_a_rule_from_the_page(sign_in, supervisor):
    response = sign_in(supervisor).post(
        "/en/helpline/rules/new/",
        {
            "signal": "danger_now",
            "language": "en",
            "phrases": "he found me\n",
            "is_active": "on",
            "action": "save",
        },
    )
    rule = TriageRule.objects.get(phrases=["he found me"])
    assert response.status_code == 302 and response.url == f"/en/helpline/rules/{rule.pk}/"
    assert AuditEvent.objects.filter(object_type="helpline.TriageRule", object_id=str(rule.pk)).exists()


def test_counsellors_do_not_see_the_rule_pages(sign_in, counsellor):
    client = sign_in(counsellor)
    assert client.get("/en/helpline/rules/").status_code == 403
    assert client.get("/en/helpline/replies/").status_code == 403


def test_a_saved_reply_is_changed_versioned_and_offered_in_its_new_words(sign_in, supervisor, send_report):
    template = ReplyTemplate.objects.get(code="write_again")
    client = sign_in(supervisor)
    data = {
        f"{part}_{code}": getattr(template, f"{part}_{code}")
        for part in ("title", "body")
        for code in LANGUAGES
    }
    data.update(body_en="You can write to us again at any time, with your code.", position=4, is_active="on")
    response = client.post(f"/en/helpline/replies/{template.pk}/", {**data, "version": "1"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.version == 2 and template.versions.count() == 2
    assert AuditEvent.objects.filter(
        object_type="helpline.ReplyTemplate", reason__contains="version 2"
    ).exists()

    report = send_report()
    queue_claim(acting=supervisor, report=report)
    page = client.get(f"/en/helpline/queue/{report.reference}/reply/?template=write_again").content.decode()
    assert "You can write to us again at any time" in page


def test_a_saved_reply_needs_all_three_languages(supervisor):
    with pytest.raises(ApplicationError) as error:
        reply_template_create(
            acting=supervisor,
            data=ReplyTemplateInput(
                code="short", titles={"en": "Hello"}, bodies={"en": "We are here for you."}
            ),
        )
    assert error.value.code == "language_missing"


def test_a_disabled_reply_is_no_longer_offered(supervisor):
    template = ReplyTemplate.objects.get(code="safe_now")
    reply_template_update(
        acting=supervisor,
        template=template,
        data=ReplyTemplateInput(
            code="safe_now",
            titles={code: template.title(code) for code in LANGUAGES},
            bodies={code: template.body(code) for code in LANGUAGES},
            is_active=False,
        ),
        version=1,
    )
    assert "safe_now" not in [saved.code for saved in selectors.reply_templates_active()]


def test_testing_words_without_a_sample_measures_them_and_claims_nothing_about_a_sample(sign_in, supervisor):
    rule = _rule("danger_now", "en")
    response = sign_in(supervisor).post(
        f"/en/helpline/rules/{rule.pk}/",
        {
            "signal": "danger_now",
            "language": "en",
            "phrases": "outside my house",
            "is_active": "on",
            "version": str(rule.version),
            "sample": "",
            "action": "test",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "data-reach" in html
    assert "data-test-result" not in html


def test_the_rules_list_shows_a_long_rule_as_its_count_with_every_line_one_click_away(sign_in, supervisor):
    long_rule = max(TriageRule.objects.all(), key=lambda rule: len(rule.phrases))
    assert len(long_rule.phrases) > 3
    short = triage_rule_create(
        acting=supervisor,
        data=TriageRuleInput(signal="danger_now", language="en", phrases=["he found me"]),
    )
    html = sign_in(supervisor).get("/en/helpline/rules/").content.decode()
    long_row = html.split(f'data-rule="{long_rule.pk}"')[1].split("</tr>")[0]
    assert f"{len(long_rule.phrases)} lines" in long_row and "<details data-rule-lines>" in long_row
    assert long_row.count("<li>") == len(long_rule.phrases)
    short_row = html.split(f'data-rule="{short.pk}"')[1].split("</tr>")[0]
    assert "he found me" in short_row and "<details" not in short_row
