"""Demo reports and replies: made-up stories, no real child; each opens with a known code and number."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from childshield.accounts.models import Membership, Role
from childshield.intake.models import Report, Screening
from childshield.intake.services import (
    ReportContent,
    report_message_from_reporter,
    report_message_from_staff,
    report_submit,
)
from childshield.places.models import Area

# Shown on the demo's documentation, so visitors can open a thread as a child would.
DEMO_THREAD_PASSPHRASE = "111122223333"


@dataclass(frozen=True)
class DemoReport:
    reference: str
    content: ReportContent
    province_code: str = ""
    staff_reply: str = ""
    reporter_answer: str = ""
    screening: Screening = Screening.CLEAR


DEMO_REPORTS: tuple[DemoReport, ...] = (
    DemoReport(
        "DEMA2345",
        ReportContent(
            about="me",
            safe_now="no",
            harms=["threatened", "asked_for_pictures"],
            description="Someone I met in a game says he will send my photos to my class unless I pay him.",
            platform="zalo",
            urls=["https://chat.example.com/u/demo-stranger"],
            happened="today",
            age_band="13_15",
            gender="girl",
        ),
        province_code="VN51",
        staff_reply=(
            "Thank you for telling us. It is not your fault. Please do not pay and do not send anything "
            "more. Keep the messages. Can you call 111 now? We are here."
        ),
        reporter_answer="I blocked him. I am scared he will still send them.",
    ),
    DemoReport(
        "DEMB2345",
        ReportContent(
            about="friend",
            safe_now="yes",
            harms=["grooming"],
            description="An older man gives my friend phone credit and asks her to keep it secret.",
            platform="facebook",
            happened="this_week",
            age_band="10_12",
        ),
        staff_reply="Thank you for looking out for your friend. Can she talk to a teacher she trusts?",
    ),
    DemoReport(
        "DEMC2345",
        ReportContent(
            about="seen_online",
            safe_now="yes",
            harms=["abuse_material"],
            platform="website",
            urls=["https://example.net/demo-page"],
            happened="today",
        ),
    ),
    DemoReport(
        "DEMD2345",
        ReportContent(about="me", safe_now="yes", harms=["other"], description="test test test"),
        screening=Screening.AUTOMATED,
    ),
)


@transaction.atomic
def demo_intake_seed() -> int:
    """Create the demo reports that are missing (with their replies); returns how many were made."""
    counsellor = (
        Membership.objects.select_related("agency", "user")
        .filter(role=Role.COUNSELLOR, agency__kind="helpline", is_active=True)
        .order_by("pk")
        .first()
    )
    created = 0
    for spec in DEMO_REPORTS:
        if Report.objects.filter(reference=spec.reference).exists():
            continue
        province = Area.objects.filter(code=spec.province_code).first() if spec.province_code else None
        content = ReportContent(**{**spec.content.__dict__, "province": province})
        receipt = report_submit(
            content=content, idempotency_key=f"demo-{spec.reference}", screening=spec.screening, language="vi"
        )
        report = receipt.report
        # Fixed code and number, so the demo can be explored from the child's side.
        Report.objects.filter(pk=report.pk).update(
            reference=spec.reference, passphrase_hash=make_password(DEMO_THREAD_PASSPHRASE)
        )
        report.refresh_from_db()
        if spec.staff_reply and counsellor is not None:
            report_message_from_staff(acting=counsellor, report=report, body=spec.staff_reply)
        if spec.reporter_answer:
            report_message_from_reporter(
                report=report, body=spec.reporter_answer, idempotency_key=None, client="demo"
            )
        created += 1
    return created
