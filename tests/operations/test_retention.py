"""Retention with a frozen clock: each kind's records just before and just after their time, legal
holds, the audit log, a dry run, the figures, the start-up check and a restore's re-application."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import checks
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditEvent
from childshield.cases.models import Case
from childshield.hashing.synthetic import synthetic_picture
from childshield.helpline.models import Category, Contact
from childshield.helpline.services.contacts import ContactDetails, contact_log
from childshield.hotline.models import ContentItem, Evidence
from childshield.hotline.services.evidence import evidence_add
from childshield.hotline.services.items import content_item_report
from childshield.insights.figures.refresh import refresh
from childshield.insights.figures.sources import Source
from childshield.insights.models import MonthlyCount
from childshield.intake.models import Report, ReportMessage
from childshield.intake.services import ReportContent, report_submit
from childshield.messaging.models import ChannelKind, ChatChannel, Conversation
from childshield.operations.checks import retention_periods_check
from childshield.operations.holds import legal_hold_add, legal_hold_lift
from childshield.operations.models import Erasure, LegalHold
from childshield.operations.retention import JOURNAL_DIR, retention_reapply, retention_run
from childshield.operations.retention_periods import period_days
from tests.messaging.conftest import make_channel  # noqa: F401 (fixture)

# The frozen clock: every run is told it is this moment.
NOW = datetime(2031, 3, 15, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def journal_cleared():
    yield
    try:
        _, names = default_storage.listdir(JOURNAL_DIR)
    except FileNotFoundError:
        return
    for name in names:
        default_storage.delete(f"{JOURNAL_DIR}{name}")


def a_report(received: datetime, key: str) -> Report:
    report = report_submit(
        content=ReportContent(
            about="me",
            safe_now="yes",
            harms=["bullying"],
            description="Made up: someone keeps messaging me.",
            contact_method="phone",
            contact="0900 000 111",
        ),
        idempotency_key=key,
    ).report
    Report.objects.filter(pk=report.pk).update(created_at=received)
    ReportMessage.objects.create(
        report=report, sender="reporter", body="Made up: are you there?", created_at=received
    )
    report.refresh_from_db()
    return report


def bodies(report: Report) -> set[str]:
    return {message.body for message in ReportMessage.objects.filter(report=report)}


def details(**fields: object) -> ContactDetails:
    fields.setdefault("summary", "Made up for a test.")
    return ContactDetails(channel="phone", categories=[Category.objects.order_by("pk").first()], **fields)


def a_contact(counsellor, started: datetime) -> Contact:
    return contact_log(
        acting=counsellor,
        details=details(
            summary="Made up for a test.", notes="Made-up counselling notes.", started_at=started
        ),
    )


def reports_due_at(days: int) -> tuple[Report, Report]:
    """One report an hour short of its time, one an hour past it."""
    return (
        a_report(NOW - days * DAY + HOUR, "just-before"),
        a_report(NOW - days * DAY - HOUR, "just-after"),
    )


def test_a_report_with_nothing_following_goes_only_after_its_time(db):
    kept, due = reports_due_at(period_days("report_unfollowed"))
    result = retention_run(now=NOW)
    assert result.erased["report_unfollowed"] == 1
    kept.refresh_from_db()
    due.refresh_from_db()
    assert kept.description and kept.contact and kept.passphrase_hash
    assert (due.description, due.contact, due.passphrase_hash, due.urls) == ("", None, "", [])
    # What the figures count stays.
    assert (due.created_at, due.harms, due.channel) == (NOW - 365 * DAY - HOUR, ["bullying"], kept.channel)
    assert bodies(due) == {""}
    assert "" not in bodies(kept)
    assert list(Erasure.objects.values_list("kind", "record_id")) == [("report_unfollowed", due.pk)]


def test_a_report_something_followed_is_kept(db, counsellor):
    _, due = reports_due_at(period_days("report_unfollowed"))
    contact_log(acting=counsellor, details=details(report=due, started_at=NOW - 400 * DAY))
    retention_run(now=NOW)
    due.refresh_from_db()
    assert due.description


def test_a_recent_message_keeps_a_report(db):
    _, due = reports_due_at(period_days("report_unfollowed"))
    ReportMessage.objects.create(report=due, sender="reporter", body="Still there?", created_at=NOW - 2 * DAY)
    assert retention_run(now=NOW).erased["report_unfollowed"] == 0


def test_contact_notes_go_only_after_their_time(db, counsellor):
    days = period_days("contact_notes")
    kept = a_contact(counsellor, NOW - days * DAY + HOUR)
    due = a_contact(counsellor, NOW - days * DAY - HOUR)
    assert retention_run(now=NOW).erased["contact_notes"] == 1
    kept.refresh_from_db()
    due.refresh_from_db()
    assert (kept.summary, kept.notes) == ("Made up for a test.", "Made-up counselling notes.")
    assert (due.summary, due.notes) == ("", "")
    assert due.started_at == NOW - days * DAY - HOUR


def test_a_held_record_stays_until_the_hold_is_lifted(db):
    _, due = reports_due_at(period_days("report_unfollowed"))
    hold = legal_hold_add(
        record="intake.Report", record_id=due.pk, reason="Police request (test)", by="Admin"
    )
    result = retention_run(now=NOW)
    assert (result.erased["report_unfollowed"], result.held["report_unfollowed"]) == (0, 1)
    due.refresh_from_db()
    assert due.description
    legal_hold_lift(hold_id=hold.pk, by="Admin")
    assert retention_run(now=NOW).erased["report_unfollowed"] == 1


def test_a_hold_on_the_report_keeps_its_contact_notes(db, counsellor):
    report = a_report(NOW - DAY, "held-report")
    contact = contact_log(
        acting=counsellor,
        details=details(notes="Made-up notes.", report=report, started_at=NOW - 800 * DAY),
    )
    legal_hold_add(record="intake.Report", record_id=report.pk, reason="Court order (test)", by="Admin")
    retention_run(now=NOW)
    contact.refresh_from_db()
    assert contact.notes == "Made-up notes."


def test_the_audit_log_is_untouched_but_for_the_runs_own_record(db, counsellor):
    reports_due_at(period_days("report_unfollowed"))
    a_contact(counsellor, NOW - 800 * DAY)
    before = list(AuditEvent.objects.order_by("pk").values())
    retention_run(now=NOW)
    after = list(AuditEvent.objects.order_by("pk").values())
    assert after[: len(before)] == before
    (own,) = after[len(before) :]
    assert own["object_type"] == "retention"
    assert json.loads(own["reason"])["erased"] == {
        "caller_notes": 0,
        "channel_transcript": 0,
        "closed_case": 0,
        "contact_notes": 1,
        "hotline_evidence": 0,
        "received_pictures": 0,
        "report_unfollowed": 1,
    }


def test_a_dry_run_changes_nothing(db, counsellor):
    _, due = reports_due_at(period_days("report_unfollowed"))
    a_contact(counsellor, NOW - 800 * DAY)
    audit_rows = AuditEvent.objects.count()
    result = retention_run(now=NOW, dry_run=True)
    assert (result.due["contact_notes"], result.due["report_unfollowed"]) == (1, 1)
    assert set(result.erased.values()) == {0}
    due.refresh_from_db()
    assert due.description
    assert AuditEvent.objects.count() == audit_rows
    assert not Erasure.objects.exists()


def test_the_command_runs_dry(db):
    reports_due_at(period_days("report_unfollowed"))
    call_command("retention_run", "--dry-run")
    assert all(report.description for report in Report.objects.all())


def test_a_counted_figure_is_unchanged_after_its_records_are_erased(db, counsellor):
    _, due = reports_due_at(period_days("report_unfollowed"))
    contact = a_contact(counsellor, NOW - 800 * DAY)
    months = sorted({date(moment.year, moment.month, 1) for moment in (due.created_at, contact.started_at)})

    def counts() -> list[tuple[str, str, str, int]]:
        refresh(months, sources=[Source.REPORTS, Source.CONTACTS])
        return list(
            MonthlyCount.objects.filter(source__in=[Source.REPORTS, Source.CONTACTS])
            .order_by("source", "month", "dimension", "value")
            .values_list("source", "dimension", "value", "count")
        )

    before = counts()
    assert before
    result = retention_run(now=NOW)
    assert (result.erased["contact_notes"], result.erased["report_unfollowed"]) == (1, 1)
    contact.refresh_from_db()
    assert contact.notes == ""
    assert counts() == before


def test_a_period_below_the_laws_minimum_fails_the_check(settings, monkeypatch):
    from childshield.operations import retention_periods

    rules = dict(retention_periods.country_rules("VN"))
    rules["contact_notes"] = rules["contact_notes"].__class__(
        **{**rules["contact_notes"].__dict__, "minimum_days": 400}
    )
    monkeypatch.setattr(retention_periods, "rules", lambda: rules)
    settings.RETENTION_DAYS = {"contact_notes": 399}
    (error,) = retention_periods_check()
    assert error.level == checks.ERROR and "400" in error.msg
    settings.RETENTION_DAYS = {"contact_notes": 400}
    assert retention_periods_check() == []
    settings.RETENTION_DAYS = {"contact_notes": 399}
    with pytest.raises(Exception, match="minimum"):
        period_days("contact_notes")


def test_a_setting_for_no_kind_fails_the_check(settings):
    settings.RETENTION_DAYS = {"report_unfolowed": 800}
    (error,) = retention_periods_check()
    assert "names no kind" in error.msg


def test_the_shipped_files_pass_the_check(settings):
    for country in ("VN", "KH"):
        settings.CHILDSHIELD_COUNTRY = country
        assert retention_periods_check() == []


def test_erasures_are_applied_again_after_a_restore(db):
    backup_taken = NOW - DAY
    _, due = reports_due_at(period_days("report_unfollowed"))
    saved = Report.objects.filter(pk=due.pk).values("description", "contact", "passphrase_hash").get()
    retention_run(now=NOW)
    # The restore: the database as it was at the backup, before the erasure and its log.
    Erasure.objects.all().delete()
    Report.objects.filter(pk=due.pk).update(**saved)
    ReportMessage.objects.filter(report=due).update(body="Made up, restored.")
    call_command("retention_reapply", "--since", backup_taken.isoformat())
    due.refresh_from_db()
    assert (due.description, due.contact, due.passphrase_hash) == ("", None, "")
    assert bodies(due) == {""}
    assert Erasure.objects.filter(kind="report_unfollowed", record_id=due.pk).exists()
    assert retention_reapply(since=NOW + DAY) == {}


# Channel transcripts and hotline evidence -------------------------------------------------------------


def a_conversation(channel: ChatChannel, last: datetime, sender: str) -> Conversation:
    report = a_report(last, f"chat-{sender}")
    return Conversation.objects.create(
        channel=channel,
        sender_key=sender,
        address="Made-up chat id 12345",
        report=report,
        last_inbound_at=last,
    )


def test_a_transcript_goes_only_after_its_time(db, make_channel):  # noqa: F811 (the fixture imported above)
    channel = make_channel(ChannelKind.TELEGRAM)
    days = period_days("channel_transcript")
    kept = a_conversation(channel, NOW - days * DAY + HOUR, "kept")
    due = a_conversation(channel, NOW - days * DAY - HOUR, "due")
    assert retention_run(now=NOW).erased["channel_transcript"] == 1
    kept.refresh_from_db()
    due.refresh_from_db()
    assert kept.address and "" not in bodies(kept.report)
    assert due.address == "" and bodies(due.report) == {""}


def test_a_transcript_a_case_still_open_keeps_is_kept(db, make_channel, worker, open_case):  # noqa: F811
    channel = make_channel(ChannelKind.TELEGRAM)
    due = a_conversation(channel, NOW - 800 * DAY, "case")
    case = open_case(worker)
    Case.objects.filter(pk=case.pk).update(source_report=due.report)
    assert retention_run(now=NOW).erased["channel_transcript"] == 0
    due.refresh_from_db()
    assert due.address


def an_evidence(analyst, *, closed: datetime, seed: int) -> Evidence:
    item = content_item_report(acting=analyst, url=f"https://example.org/pic-{seed}", source="analyst")
    evidence = evidence_add(
        acting=analyst,
        item=item,
        upload=SimpleUploadedFile(
            "capture.png", synthetic_picture(1, seed=seed, label="synthetic"), content_type="image/png"
        ),
    )
    ContentItem.objects.filter(pk=item.pk).update(closed_at=closed)
    return evidence


@pytest.fixture
def analyst(make_member):
    hotline = Agency.objects.create(country="VN", name="Child Online Hotline (test)", kind=AgencyKind.HOTLINE)
    return make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)


def test_evidence_and_its_file_go_only_after_their_time(db, analyst):
    days = period_days("hotline_evidence")
    kept = an_evidence(analyst, closed=NOW - days * DAY + HOUR, seed=1)
    due = an_evidence(analyst, closed=NOW - days * DAY - HOUR, seed=2)
    assert default_storage.exists(due.storage_name)
    assert retention_run(now=NOW).erased["hotline_evidence"] == 1
    assert list(Evidence.objects.values_list("pk", flat=True)) == [kept.pk]
    assert default_storage.exists(kept.storage_name)
    assert not default_storage.exists(due.storage_name)
    assert ContentItem.objects.filter(pk=due.item_id).exists()
    default_storage.delete(kept.storage_name)


def test_a_hold_on_the_item_keeps_its_evidence(db, analyst):
    due = an_evidence(analyst, closed=NOW - 800 * DAY, seed=3)
    legal_hold_add(
        record="hotline.ContentItem", record_id=due.item_id, reason="Prosecution (test)", by="Lead"
    )
    assert retention_run(now=NOW).erased["hotline_evidence"] == 0
    assert default_storage.exists(due.storage_name)
    default_storage.delete(due.storage_name)


def test_the_hold_command_adds_lists_and_lifts(db, capsys):
    report = a_report(NOW - DAY, "command-hold")
    call_command(
        "legal_hold", "add", "intake.Report", str(report.pk), "--reason", "Court (test)", "--by", "Admin"
    )
    hold = LegalHold.objects.get()
    call_command("legal_hold", "list")
    assert f"intake.report {report.pk}" in capsys.readouterr().out
    call_command("legal_hold", "lift", str(hold.pk), "--by", "Admin")
    hold.refresh_from_db()
    assert hold.lifted_by == "Admin" and hold.lifted_at is not None
    with pytest.raises(CommandError, match=r"no intake\.Report"):
        call_command("legal_hold", "add", "intake.Report", "999999", "--reason", "x", "--by", "Admin")
