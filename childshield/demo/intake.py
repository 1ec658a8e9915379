"""Demo reports and replies: made-up stories, no real child; each opens with a known code and number."""

import hashlib
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from childshield.accounts.models import Membership, Role
from childshield.demo.hashing import demo_picture
from childshield.hashing.imaging import pdq_from_bytes
from childshield.intake.models import FileKind, Report, Screening
from childshield.intake.services import (
    FileHashes,
    ReportContent,
    blocked_images_submit,
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
            reply_language="km",
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


# A child's request to block two pictures (drawn demo pictures, numbers 50 and 51) and a video,
# waiting for the demo hotline's review.
DEMO_BLOCK_IMAGE_REFERENCE = "DEME2345"


def _demo_file_hashes(data: bytes, *, kind: str) -> FileHashes:
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    sha256 = hashlib.sha256(data).hexdigest()
    if kind != FileKind.IMAGE:
        return FileHashes(kind=kind, md5=md5, sha256=sha256)
    perceptual = pdq_from_bytes(data)
    return FileHashes(kind=kind, md5=md5, sha256=sha256, pdq=perceptual.value, quality=perceptual.quality)


@transaction.atomic
def demo_block_image_seed() -> int:
    """The demo's request to block pictures, opening with a known code; returns how many were made."""
    if Report.objects.filter(reference=DEMO_BLOCK_IMAGE_REFERENCE).exists():
        return 0
    files = [
        _demo_file_hashes(demo_picture(50), kind=FileKind.IMAGE),
        _demo_file_hashes(demo_picture(51), kind=FileKind.IMAGE),
        _demo_file_hashes(b"childshield demo video (not a real video)", kind=FileKind.VIDEO),
    ]
    receipt = blocked_images_submit(
        content=ReportContent(about="me", safe_now="", harms=["threatened"]),
        files=files,
        idempotency_key=f"demo-{DEMO_BLOCK_IMAGE_REFERENCE}",
        language="vi",
    )
    Report.objects.filter(pk=receipt.report.pk).update(
        reference=DEMO_BLOCK_IMAGE_REFERENCE, passphrase_hash=make_password(DEMO_THREAD_PASSPHRASE)
    )
    return 1
