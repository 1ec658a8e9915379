"""The platforms' answers to the hotline's requests: a preservation request (the data kept until a
date, or refused with a reason) and a file request (the file itself, kept encrypted as the item's
evidence and matched against the banks on arrival)."""

import hashlib
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from childshield.core.errors import ApplicationError
from childshield.hashing.api import BUSY
from childshield.hashing.models import ApiScope
from childshield.hashing.uploads import MemoryOnlyUpload
from childshield.hotline.models import Notice, NoticePurpose
from childshield.hotline.services import requests as hotline_requests
from childshield.platforms import selectors
from childshield.platforms.api import (
    IDEMPOTENCY_PARAMETER,
    POST_PROBLEMS,
    Conflict,
    PlatformApiView,
    TooLarge,
)
from childshield.platforms.idempotency import idempotent
from childshield.platforms.notices_api import CONFLICT, NOT_FOUND, purpose_required
from childshield.platforms.serializers import (
    FileInput,
    FileReceivedOutput,
    NoticeOutput,
    PreservationInput,
)
from childshield.platforms.services.reports import platform_of

# Multipart's own bytes around the file: boundaries and part headers.
MULTIPART_OVERHEAD = 64 * 1024


def _conflicts(error: ApplicationError) -> Exception:
    """The hotline's refusal as the API's problem: a request of another purpose or answered already
    is a 409; anything else stays the 400 it is."""
    if error.code in {"wrong_purpose", "already_answered"}:
        return Conflict(str(error.message), code=error.code)
    return error


class NoticePreservationApi(PlatformApiView):
    required_scope = ApiScope.NOTICES
    operation = "notice_preservation"

    @extend_schema(
        operation_id="notice_preservation",
        summary="Answer a preservation request: the data kept until a date, or refused with a reason",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=PreservationInput,
        responses={201: NoticeOutput, 200: NoticeOutput, **NOT_FOUND, **CONFLICT, **POST_PROBLEMS},
    )
    def post(self, request: Request, notice_id: int) -> Response:
        platform = platform_of(self.key(request))
        notice = selectors.platform_notice_get(platform=platform, pk=notice_id)

        def run() -> tuple[int, dict[str, Any]]:
            purpose_required(notice, NoticePurpose.PRESERVATION)
            data = PreservationInput(data=request.data)
            data.is_valid(raise_exception=True)
            answer = data.validated_data
            try:
                answered, created = hotline_requests.notice_preservation_answer(
                    notice=notice,
                    preserved_until=answer.get("preserved_until") if answer["preserved"] else None,
                    note=answer.get("note", ""),
                )
            except ApplicationError as error:
                raise _conflicts(error) from None
            state = NoticeOutput(selectors.notice_state(notice=answered, platform=platform)).data
            return (201 if created else 200), state

        return idempotent(request, agency=platform, operation=self.operation, run=run)


def _file_too_large() -> None:
    raise TooLarge(
        _("The file is larger than the limit of %(mb)d MB.")
        % {"mb": settings.PLATFORMS_FILE_MAX_BYTES // 2**20}
    )


class NoticeFileApi(PlatformApiView):
    """One image, in memory only (never a temporary file), stored encrypted by the hotline."""

    required_scope = ApiScope.NOTICES
    operation = "notice_file"
    parser_classes = [MultiPartParser]

    def body_limit(self) -> int:
        return int(settings.PLATFORMS_FILE_MAX_BYTES) + MULTIPART_OVERHEAD

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        request._request.upload_handlers = [
            MemoryOnlyUpload(
                request._request, max_bytes=settings.PLATFORMS_FILE_MAX_BYTES, too_large=_file_too_large
            )
        ]
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="notice_file",
        summary="Answer a file request: send the file (one image, multipart field `file`)",
        description=(
            "Kept encrypted as the item's evidence, seen only by the hotline's analysts, and matched "
            "against the hotline's banks on arrival (`known`). One file per request."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request={"multipart/form-data": FileInput},
        responses={201: FileReceivedOutput, **NOT_FOUND, **CONFLICT, **BUSY, **POST_PROBLEMS},
    )
    def post(self, request: Request, notice_id: int) -> Response:
        platform = platform_of(self.key(request))
        notice: Notice = selectors.platform_notice_get(platform=platform, pk=notice_id)
        purpose_required(notice, NoticePurpose.FILE_REQUEST)
        data = FileInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        content = upload.read()
        upload.close()

        def run() -> tuple[int, dict[str, Any]]:
            try:
                evidence = hotline_requests.notice_file_receive(notice=notice, content=content)
            except ApplicationError as error:
                raise _conflicts(error) from None
            body = {"notice_id": notice.pk, "evidence_id": evidence.pk, "known": bool(evidence.known_matches)}
            return 201, FileReceivedOutput(body).data

        fingerprint = {"file_sha256": hashlib.sha256(content).hexdigest()}
        return idempotent(
            request, agency=platform, operation=self.operation, run=run, fingerprint=fingerprint
        )
