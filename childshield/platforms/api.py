"""The platforms' API: reports in (`/api/v1/reports/`) and their status.

A platform's systems call with an API key of the platform (`Authorization: Bearer cs_…`) holding the
operation's scope; every POST carries an `Idempotency-Key`; every error is an RFC 9457 problem.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from childshield.hashing.api import (
    PROBLEMS,
    ApiKeyAuthentication,
    KeyHasScope,
    ProblemRenderer,
    RecordsKeyCalls,
    problem_handler,
)
from childshield.hashing.api_limits import PerCallerThrottle
from childshield.hashing.models import ApiKey, ApiScope
from childshield.hashing.serializers import ProblemOutput
from childshield.platforms import selectors
from childshield.platforms.idempotency import HEADER, idempotent
from childshield.platforms.models import WebhookSubscription
from childshield.platforms.serializers import (
    PlatformReportInput,
    PlatformReportOutput,
    WebhookCreatedOutput,
    WebhookInput,
    WebhookOutput,
)
from childshield.platforms.services import reports as services
from childshield.platforms.services import webhooks

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "A new random value (a UUID) for each new request; the same value when you send the same request "
        "again (after a timeout, say). Within 48 hours the same key and body get the first answer again "
        "(with `Idempotency-Replayed: true`); the same key with another body gets a 422."
    ),
)

POST_PROBLEMS = {
    **PROBLEMS,
    413: OpenApiResponse(ProblemOutput, description="The body is too large"),
    422: OpenApiResponse(ProblemOutput, description="The Idempotency-Key was used for another request"),
}


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class Conflict(exceptions.APIException):
    """The request cannot apply to the record as it stands: a notice of another purpose, or one
    answered already. Its code says which."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the notice as it stands."
    default_code = "conflict"


class KeyRequired(BasePermission):
    """Only an API key opens the platforms' API; anyone else is asked for one (401)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, ApiKey)


class PlatformApiView(RecordsKeyCalls, APIView):
    """A platform's call: its key only (no staff session), the scope the view names, the per-key
    limits of the match API, problems as errors, each call recorded with its key."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [KeyRequired, KeyHasScope]
    throttle_classes = [PerCallerThrottle]
    renderer_classes = [JSONRenderer, ProblemRenderer]
    parser_classes = [JSONParser]
    required_scope: ApiScope

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return problem_handler

    def body_limit(self) -> int:
        """The largest body a POST may send (a view that takes a file has its own)."""
        return int(settings.PLATFORMS_MAX_BODY_BYTES)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if request.method == "POST" and length > self.body_limit():
            raise TooLarge(
                _("The body is larger than the limit of %(kb)d KB.") % {"kb": self.body_limit() // 1024}
            )

    def key(self, request: Request) -> ApiKey:
        assert isinstance(request.auth, ApiKey)  # ApiKeyAuthentication is the only door
        return request.auth


class ReportListApi(PlatformApiView):
    required_scope = ApiScope.REPORTS_WRITE

    @extend_schema(
        operation_id="report_create",
        summary="Report an incident (the fields of a CyberTipline report)",
        description=(
            "Each address becomes an item for the hotline (the same address reported before is one more "
            "report of the same item). File hashes are matched against the hotline's banks; send the "
            "hashes, never the files: the hotline asks for a file by notice when it needs one. The "
            "uploader's details are kept encrypted. With `child_at_risk`, the report also reaches the "
            "helpline's queue as urgent."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=PlatformReportInput,
        responses={201: PlatformReportOutput, **POST_PROBLEMS},
    )
    def post(self, request: Request) -> Response:
        key = self.key(request)
        platform = services.platform_of(key)

        def run() -> tuple[int, dict[str, Any]]:
            data = PlatformReportInput(data=request.data)
            data.is_valid(raise_exception=True)
            report = services.platform_report_receive(
                key=key, data=services.PlatformReportData(**data.validated_data)
            )
            return 201, PlatformReportOutput(selectors.platform_report_status(report=report)).data

        return idempotent(request, agency=platform, operation="report_create", run=run)


class ReportDetailApi(PlatformApiView):
    required_scope = ApiScope.REPORTS_WRITE

    @extend_schema(
        operation_id="report_get",
        summary="Where a report stands: each address's state",
        responses={
            200: PlatformReportOutput,
            404: OpenApiResponse(ProblemOutput, description="No such report"),
            **PROBLEMS,
        },
    )
    def get(self, request: Request, report_id: int) -> Response:
        platform = services.platform_of(self.key(request))
        report = selectors.platform_report_get(platform=platform, pk=report_id)
        return Response(PlatformReportOutput(selectors.platform_report_status(report=report)).data)


def _webhook(subscription: WebhookSubscription) -> dict[str, Any]:
    return {"id": subscription.pk, "url": subscription.url, "created_at": subscription.created_at}


class WebhookListApi(PlatformApiView):
    required_scope = ApiScope.NOTICES

    @extend_schema(
        operation_id="webhook_list",
        summary="Your webhooks",
        responses={200: WebhookOutput(many=True), **PROBLEMS},
    )
    def get(self, request: Request) -> Response:
        platform = services.platform_of(self.key(request))
        return Response([WebhookOutput(_webhook(one)).data for one in selectors.webhooks(platform=platform)])

    @extend_schema(
        operation_id="webhook_create",
        summary="Receive notices at an address of yours, signed with the secret returned",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=WebhookInput,
        responses={201: WebhookCreatedOutput, **POST_PROBLEMS},
    )
    def post(self, request: Request) -> Response:
        platform = services.platform_of(self.key(request))

        def run() -> tuple[int, dict[str, Any]]:
            data = WebhookInput(data=request.data)
            data.is_valid(raise_exception=True)
            subscription, secret = webhooks.webhook_subscribe(
                platform=platform, url=data.validated_data["url"]
            )
            return 201, WebhookCreatedOutput({**_webhook(subscription), "secret": secret}).data

        return idempotent(request, agency=platform, operation="webhook_create", run=run)


class WebhookDetailApi(PlatformApiView):
    required_scope = ApiScope.NOTICES

    @extend_schema(
        operation_id="webhook_delete",
        summary="Stop sending notices to this webhook",
        responses={204: None, 404: OpenApiResponse(ProblemOutput, description="No such webhook"), **PROBLEMS},
    )
    def delete(self, request: Request, webhook_id: int) -> Response:
        platform = services.platform_of(self.key(request))
        webhooks.webhook_end(subscription=selectors.webhook_get(platform=platform, pk=webhook_id))
        return Response(status=204)
