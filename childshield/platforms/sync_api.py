"""The hash-list sync API: a bank's signals (additions and removals) after a cursor, and platforms'
feedback on them (`/api/v1/banks/{bank_id}/signals/`)."""

from typing import Any

from django.http import HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils.http import parse_etags
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from childshield.hashing.api import PROBLEMS
from childshield.hashing.models import ApiScope
from childshield.hashing.serializers import ProblemOutput
from childshield.platforms import sync
from childshield.platforms.api import IDEMPOTENCY_PARAMETER, POST_PROBLEMS, PlatformApiView
from childshield.platforms.idempotency import idempotent
from childshield.platforms.services.feedback import FeedbackItem, signal_feedback_record
from childshield.platforms.services.reports import platform_of
from childshield.platforms.sync_serializers import (
    FeedbackInput,
    FeedbackOutput,
    SignalPageOutput,
    SignalPageQuery,
    signal_page_output,
)

NO_SUCH_BANK = OpenApiResponse(ProblemOutput, description="No such bank, or one not shared with platforms")
ETAG_HEADER = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 304],
    description="Send it as If-None-Match to ask again for the same page: 304 while nothing is new.",
)


def _if_none_match(request: Request) -> set[str]:
    """The entity tags of If-None-Match, compared weakly (RFC 9110): W/"x" is "x"."""
    return {tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))}


class BankSignalsApi(PlatformApiView):
    required_scope = ApiScope.BANKS_READ

    @extend_schema(
        operation_id="signal_list",
        summary="A bank's signals: hashes added and removed, in order, after a cursor",
        description=(
            "Keep a copy of a bank: ask without a cursor for its history from the beginning, then with "
            "each page's `next_cursor` until `has_more` is false; later, ask again with the last "
            "`next_cursor` for what changed since. Apply the signals in order: `added` hashes to match "
            "against, `removed` ones to stop matching (by `id`). With the ETag of an answer as "
            "If-None-Match, a bank with nothing new answers 304 without a body. A cursor is for one "
            "bank and opaque: one changed, of another bank, or ahead of the bank's history is refused "
            "(400 `invalid_cursor`, `cursor_from_future`): start again without a cursor."
        ),
        parameters=[
            SignalPageQuery,
            OpenApiParameter(
                "If-None-Match",
                str,
                OpenApiParameter.HEADER,
                description="The ETag of an earlier answer to the same request.",
            ),
            ETAG_HEADER,
        ],
        responses={
            200: SignalPageOutput,
            304: OpenApiResponse(description="Nothing new since the answer whose ETag was sent"),
            404: NO_SUCH_BANK,
            **PROBLEMS,
        },
    )
    def get(self, request: Request, bank_id: int) -> HttpResponseBase:
        bank = sync.bank_for_key(key=self.key(request), pk=bank_id)
        query = SignalPageQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        limit: int = query.validated_data["limit"]
        newest = sync.history_newest(bank=bank)
        after = sync.cursor_read(query.validated_data.get("cursor", ""), bank=bank, newest=newest)
        etag = sync.page_etag(bank=bank, after=after, newest=newest, limit=limit)
        if _if_none_match(request) & {etag, "*"}:
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            return not_modified
        page = sync.signal_page(bank=bank, after=after, newest=newest, limit=limit)
        next_cursor = sync.cursor_make(bank=bank, after=page.last)
        return Response(signal_page_output(page, next_cursor), headers={"ETag": etag})


class BankSignalFeedbackApi(PlatformApiView):
    required_scope = ApiScope.BANKS_READ

    @extend_schema(
        operation_id="signal_feedback_create",
        summary="Say what you did with uploads that matched a bank's signals",
        description=(
            "Up to 1,000 signals a call, by `id`: `blocked`, `not_blocked` or `pending_review`, with "
            "an optional note for the hotline's analysts. The latest word per signal counts; sending "
            "the same verdict again keeps the time it was first given. A signal that is not this "
            "bank's refuses the whole call (400 `unknown_signal`, with a pointer to each)."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=FeedbackInput,
        responses={200: FeedbackOutput, 404: NO_SUCH_BANK, **POST_PROBLEMS},
    )
    def post(self, request: Request, bank_id: int) -> Response:
        key = self.key(request)
        platform = platform_of(key)
        bank = sync.bank_for_key(key=key, pk=bank_id)

        def run() -> tuple[int, dict[str, Any]]:
            data = FeedbackInput(data=request.data)
            data.is_valid(raise_exception=True)
            recorded = signal_feedback_record(
                key=key,
                bank=bank,
                items=[
                    FeedbackItem(entry_id=item["id"], verdict=item["verdict"], note=item.get("note", ""))
                    for item in data.validated_data["feedback"]
                ],
            )
            return 200, FeedbackOutput({"recorded": recorded}).data

        # The bank is part of the request: the same key and body sent for another bank is refused.
        operation = f"signal_feedback_create:{bank.pk}"
        return idempotent(request, agency=platform, operation=operation, run=run)
