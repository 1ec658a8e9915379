"""The platforms' API for notices: the notices sent to the platform, and its answers (received,
removed, not removed), from which the time it takes to act is measured."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from childshield.hashing.api import PROBLEMS
from childshield.hashing.models import ApiScope
from childshield.hashing.serializers import ProblemOutput
from childshield.hotline.models import Notice, NoticePurpose
from childshield.platforms import selectors
from childshield.platforms.api import IDEMPOTENCY_PARAMETER, POST_PROBLEMS, Conflict, PlatformApiView
from childshield.platforms.idempotency import idempotent
from childshield.platforms.models import ResponseKind
from childshield.platforms.serializers import AcknowledgeInput, NoticeListOutput, NoticeOutput, RemovalInput
from childshield.platforms.services import notices as services
from childshield.platforms.services.reports import platform_of

PAGE = 100
MAX_PAGE = 500
NOT_FOUND = {404: OpenApiResponse(ProblemOutput, description="No such notice, or not to you")}
CONFLICT = {
    409: OpenApiResponse(
        ProblemOutput, description="A notice of another purpose (wrong_purpose), or answered already"
    )
}


def _number(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name, "")
    if not raw:
        return default
    if not raw.isdigit() or (maximum is not None and not 1 <= int(raw) <= maximum):
        limit = f" (1 to {maximum})" if maximum is not None else ""
        raise exceptions.ValidationError({name: [_("Give a whole number%(limit)s.") % {"limit": limit}]})
    return int(raw)


class NoticeListApi(PlatformApiView):
    required_scope = ApiScope.NOTICES

    @extend_schema(
        operation_id="notice_list",
        summary="The notices sent to you, oldest first",
        parameters=[
            OpenApiParameter(
                "after", int, description="Only notices after this id (the last page's next_after)."
            ),
            OpenApiParameter(
                "limit", int, description=f"At most this many (default {PAGE}, at most {MAX_PAGE})."
            ),
            OpenApiParameter(
                "purpose",
                str,
                enum=NoticePurpose.values,
                description="Only notices of this purpose: takedown, preservation or file_request.",
            ),
        ],
        responses={200: NoticeListOutput, **PROBLEMS},
    )
    def get(self, request: Request) -> Response:
        platform = platform_of(self.key(request))
        after, limit = _number(request, "after", 0), _number(request, "limit", PAGE, MAX_PAGE)
        purpose = request.query_params.get("purpose", "")
        if purpose and purpose not in NoticePurpose.values:
            raise exceptions.ValidationError(
                {"purpose": [_("One of: %(purposes)s.") % {"purposes": ", ".join(NoticePurpose.values)}]}
            )
        notices = selectors.platform_notices(platform=platform, purpose=purpose)
        page = list(notices.filter(pk__gt=after)[: limit + 1])
        more = len(page) > limit
        page = page[:limit]
        body = {
            "notices": [selectors.notice_state(notice=notice, platform=platform) for notice in page],
            "next_after": page[-1].pk if more else None,
        }
        return Response(NoticeListOutput(body).data)


class NoticeDetailApi(PlatformApiView):
    required_scope = ApiScope.NOTICES

    @extend_schema(
        operation_id="notice_get",
        summary="One notice, with your answers so far and the address's state",
        responses={200: NoticeOutput, **NOT_FOUND, **PROBLEMS},
    )
    def get(self, request: Request, notice_id: int) -> Response:
        platform = platform_of(self.key(request))
        notice = selectors.platform_notice_get(platform=platform, pk=notice_id)
        return Response(NoticeOutput(selectors.notice_state(notice=notice, platform=platform)).data)


def purpose_required(notice: Notice, purpose: NoticePurpose) -> None:
    """A 409 problem for an answer that does not fit the notice's purpose (a removal of a request)."""
    if notice.purpose != purpose:
        raise Conflict(
            _("Notice %(id)d is a %(purpose)s: answer it at its own address.")
            % {"id": notice.pk, "purpose": NoticePurpose(notice.purpose).label.lower()},
            code="wrong_purpose",
        )


class _AnswerApi(PlatformApiView):
    required_scope = ApiScope.NOTICES
    operation = ""
    # The purpose of the notices this answer is for (None: any).
    purpose: NoticePurpose | None = None

    def kind_and_fields(self, data: dict[str, Any]) -> tuple[ResponseKind, dict[str, Any]]:
        raise NotImplementedError

    def input(self, request: Request) -> Any:
        raise NotImplementedError

    def answer(self, request: Request, notice_id: int) -> Response:
        key = self.key(request)
        platform = platform_of(key)
        notice = selectors.platform_notice_get(platform=platform, pk=notice_id)

        def run() -> tuple[int, dict[str, Any]]:
            if self.purpose is not None:
                purpose_required(notice, self.purpose)
            data = self.input(request)
            data.is_valid(raise_exception=True)
            kind, fields = self.kind_and_fields(data.validated_data)
            _response, created = services.notice_respond(
                key=key, platform=platform, notice=notice, kind=kind, **fields
            )
            state = NoticeOutput(selectors.notice_state(notice=notice, platform=platform)).data
            return (201 if created else 200), state

        return idempotent(request, agency=platform, operation=self.operation, run=run)


class NoticeAcknowledgeApi(_AnswerApi):
    operation = "notice_acknowledge"

    def input(self, request: Request) -> AcknowledgeInput:
        return AcknowledgeInput(data=request.data)

    def kind_and_fields(self, data: dict[str, Any]) -> tuple[ResponseKind, dict[str, Any]]:
        return ResponseKind.ACKNOWLEDGED, {"note": data.get("note", "")}

    @extend_schema(
        operation_id="notice_acknowledge",
        summary="Say you received the notice and are looking at it",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=AcknowledgeInput,
        responses={201: NoticeOutput, 200: NoticeOutput, **NOT_FOUND, **POST_PROBLEMS},
    )
    def post(self, request: Request, notice_id: int) -> Response:
        return self.answer(request, notice_id)


class NoticeRemovalApi(_AnswerApi):
    operation = "notice_removal"
    purpose = NoticePurpose.TAKEDOWN

    def input(self, request: Request) -> RemovalInput:
        return RemovalInput(data=request.data)

    def kind_and_fields(self, data: dict[str, Any]) -> tuple[ResponseKind, dict[str, Any]]:
        kind = ResponseKind.REMOVED if data["removed"] else ResponseKind.NOT_REMOVED
        return kind, {"acted_at": data.get("acted_at"), "note": data.get("note", "")}

    @extend_schema(
        operation_id="notice_removal",
        summary="Say you removed the address (the hotline checks it at once), or that you will not",
        description=(
            "For a takedown notice; a preservation or file request is answered at its own address (409)."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=RemovalInput,
        responses={201: NoticeOutput, 200: NoticeOutput, **NOT_FOUND, **CONFLICT, **POST_PROBLEMS},
    )
    def post(self, request: Request, notice_id: int) -> Response:
        return self.answer(request, notice_id)
