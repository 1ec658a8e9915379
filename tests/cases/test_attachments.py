"""Attachments: type- and size-checked, encrypted at rest, served only to those responsible."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.models import Attachment
from childshield.cases.models.consent import ShareSection
from childshield.cases.services.attachments import attachment_add, attachment_content
from childshield.cases.services.referrals import referral_accept, referral_send
from childshield.core.errors import ApplicationError
from childshield.directory.models import ServiceKind

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a school letter about Hoa\n%%EOF\n"


def _pdf(name="letter from school.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_an_attachment_is_stored_encrypted_and_served_to_the_lead_worker(worker, open_case, sign_in):
    case = open_case(worker)
    client = sign_in(worker)
    response = client.post(
        f"/en/cases/{case.pk}/attachments/", {"upload": _pdf(), "description": "Letter"}, follow=True
    )
    assert "The file is attached." in response.content.decode()
    attachment = Attachment.objects.get()
    with default_storage.open(attachment.storage_name, "rb") as stored:
        raw = stored.read()
    assert b"Hoa" not in raw and b"%PDF" not in raw
    download = client.get(f"/en/cases/{case.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "letter" not in download["Content-Disposition"]
    assert "no-store" in {part.strip() for part in download["Cache-Control"].split(",")}
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="cases.Attachment").exists()


def test_a_file_of_the_wrong_type_is_refused_whatever_its_name(worker, open_case, sign_in):
    case = open_case(worker)
    response = sign_in(worker).post(
        f"/en/cases/{case.pk}/attachments/",
        {"upload": _pdf(name="photo.pdf", content=b"MZ\x90\x00 an executable")},
    )
    assert response.status_code == 400
    assert "Only PDF, JPEG and PNG" in response.content.decode()
    assert not Attachment.objects.exists()


@override_settings(CASES_ATTACHMENT_MAX_BYTES=1024 * 1024)
def test_a_file_too_large_is_refused_with_the_limit(worker, open_case):
    case = open_case(worker)
    with pytest.raises(ApplicationError) as refused:
        attachment_add(acting=worker, case=case, upload=_pdf(content=PDF + b"0" * 1024 * 1024))
    assert refused.value.code == "too_large" and "1 MB" in str(refused.value.message)


def test_outsiders_and_referred_agencies_cannot_download(
    focal_point, worker, outsider, open_case, social_agency, sign_in
):
    case = open_case(focal_point)
    attachment = attachment_add(acting=focal_point, case=case, upload=_pdf())
    referral = referral_send(
        acting=focal_point,
        case=case,
        to_agency=social_agency,
        services=[ServiceKind.MHPSS],
        consent=case.consents.get(),
        sections=list(ShareSection.values),
    )
    referral_accept(acting=worker, referral=referral)
    url = f"/en/cases/{case.pk}/attachments/{attachment.pk}/"
    assert sign_in(worker).get(url).status_code == 404
    assert sign_in(outsider).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_rotating_keys_re_encrypts_attachment_files_so_the_old_key_can_go(worker, open_case):
    from io import StringIO

    from cryptography.fernet import Fernet
    from django.conf import settings
    from django.core.management import call_command

    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    case = open_case(worker)
    attachment = attachment_add(acting=worker, case=case, upload=_pdf())
    old_file = attachment.storage_name
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, *old_keys]):
        out = StringIO()
        call_command("rotate_keys", stdout=out)
        assert "cases.Attachment files: 1 items re-encrypted" in out.getvalue()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):
        attachment.refresh_from_db()
        assert attachment_content(attachment=attachment) == PDF
    assert attachment.storage_name != old_file
    assert not default_storage.exists(old_file)
