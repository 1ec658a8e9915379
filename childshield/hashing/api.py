"""The match API for platforms and staff: match hashes, an image, a video or vPDQ lists; list banks.

Platforms authenticate with an API key (`Authorization: Bearer cs_…`) issued by a hotline lead, and
each view names the scope a key needs (`required_scope`, checked by `KeyHasScope`); staff may use
their signed-in session. Every error is an RFC 9457 problem (application/problem+json), and every
call made with a key is recorded with it (`RecordsKeyCalls`). Other apps' API views reuse these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from childshield.accounts.acting import acting_membership
from childshield.accounts.permissions import may
from childshield.core.errors import ApplicationError
from childshield.core.problems import PROBLEM_MEDIA_TYPE, problem_body
from childshield.hashing import selectors, services
from childshield.hashing.api_limits import PerCallerThrottle
from childshield.hashing.imaging import MAX_IMAGE_BYTES, ImageRejected, pdq_from_bytes
from childshield.hashing.models import Algorithm, ApiKey, ApiScope, MatchChannel
from childshield.hashing.permissions import HashPerm
from childshield.hashing.serializers import (
    BankOutput,
    MatchHashesInput,
    MatchHashesOutput,
    MatchImageInput,
    MatchImageOutput,
    MatchVideoInput,
    MatchVideoOutput,
    MatchVpdqInput,
    MatchVpdqOutput,
    ProblemOutput,
    QueryResultOutput,
    plain_hashes,
    results_output,
)
from childshield.hashing.slots import RETRY_AFTER_SECONDS
from childshield.hashing.uploads import MemoryOnlyUpload
from childshield.hashing.video import VideoRejected, video_hash


class ProblemRenderer(JSONRenderer):
    media_type = "application/problem+json"


class ApiKeyPrincipal:
    """Who is calling when a platform's system calls with an API key."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, key: ApiKey) -> None:
        self.key = key
        self.pk = None

    def __str__(self) -> str:
        return str(self.key)


class KeyRefused(exceptions.AuthenticationFailed):
    """A 401 saying why the key opens nothing: "key_unknown", "key_revoked" or "key_expired"."""

    def __init__(self, detail: str, code: str, extra: dict[str, str]) -> None:
        super().__init__(detail, code)
        self.extra = extra


def _key_refused(refusal: selectors.KeyRefusal) -> KeyRefused:
    when = refusal.at.astimezone(UTC) if refusal.at is not None else None
    shown = {"when": f"{when:%Y-%m-%d %H:%M} UTC"} if when is not None else {}
    if refusal.code == "key_expired" and when is not None:
        detail = _("The API key expired on %(when)s.") % shown
        return KeyRefused(detail, refusal.code, {"expired_at": when.isoformat()})
    if refusal.code == "key_revoked" and when is not None:
        detail = _("The API key was revoked on %(when)s.") % shown
        return KeyRefused(detail, refusal.code, {"revoked_at": when.isoformat()})
    if refusal.code == "key_revoked":
        return KeyRefused(_("The API key's agency may no longer use the API."), refusal.code, {})
    return KeyRefused(_("No API key has this secret."), refusal.code, {})


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[ApiKeyPrincipal, ApiKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(self.keyword + " "):
            return None
        secret = header[len(self.keyword) + 1 :].strip()
        key = selectors.api_key_authenticate(secret=secret)
        if key is None:  # a second, small query only for a refused key, to tell the caller why
            raise _key_refused(selectors.api_key_refusal(secret=secret))
        return ApiKeyPrincipal(key), key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class _TypedRegistration:
    """drf-spectacular registers each subclass of its extensions in an unannotated __init_subclass__;
    placed first among the bases, this gives that hook a signature (and passes the call on to it)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)


class ApiKeyScheme(_TypedRegistration, OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "An API key issued by a hotline lead."}


class MayMatch(BasePermission):
    """A platform's key (its scopes are `KeyHasScope`'s to check), or a signed-in member who may match."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if isinstance(request.auth, ApiKey):
            return True
        return may(acting_membership(request), HashPerm.MATCH)


class ScopeMissing(exceptions.PermissionDenied):
    def __init__(self, scope: ApiScope) -> None:
        detail = _("The API key may not do this: it lacks the scope “%(scope)s” (%(label)s).") % {
            "scope": scope.value,
            "label": scope.label,
        }
        super().__init__(detail, "scope_missing")
        self.extra = {"scope": scope.value}


class KeyHasScope(BasePermission):
    """A call made with an API key needs the scope its view declares (`required_scope`, an ApiScope);
    a call without a key is left to the view's other permission classes."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not isinstance(request.auth, ApiKey):
            return True
        scope = getattr(view, "required_scope", None)
        if scope is None:
            raise ImproperlyConfigured(f"{type(view).__name__} declares no required_scope")
        if not request.auth.has_scope(scope):
            raise ScopeMissing(ApiScope(scope))
        return True


_OPERATIONS: dict[tuple[type[APIView], str], str] = {}


def operation_name(view: APIView, request: Request) -> str:
    """The OpenAPI operation id of the view's handler for the request's method (its `extend_schema`),
    or the view's class name when it has none (a method it does not take); remembered per class."""
    method = str(request.method)
    remembered = (type(view), method)
    if remembered not in _OPERATIONS:
        handler = getattr(view, method.lower(), None)
        schema_class = getattr(handler, "kwargs", {}).get("schema")
        name = type(view).__name__
        if schema_class is not None:
            schema = schema_class()
            route = request.resolver_match.route if request.resolver_match else ""
            schema.view, schema.method, schema.path_prefix = view, method, ""
            schema.path = schema.path_regex = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
            name = str(schema.get_operation_id())
        _OPERATIONS[remembered] = name[:60]
    return _OPERATIONS[remembered]


class RecordsKeyCalls(APIView):
    """Records every call made with an API key (an ApiCall: operation, method, status), refusals
    and bad bodies too, except a successful call its view records itself (`success_recorded`: a
    match's MatchRecords carry the key, so a match costs no extra statement)."""

    success_recorded = False

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        # `_auth`, not `auth`: a call refused before authentication ran must not authenticate now
        key = getattr(request, "_auth", None)
        if isinstance(key, ApiKey) and not (self.success_recorded and response.status_code < 400):
            services.api_call_record(
                key=key,
                operation=operation_name(self, request),
                method=str(request.method),
                status=response.status_code,
            )
        return response


def problem_response(status_code: int, code: str, title: str, detail: str, **extra: Any) -> Response:
    body = problem_body(status_code, code, title, detail, **extra)
    return Response(body, status=status_code, content_type=PROBLEM_MEDIA_TYPE)


def problem_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, VideoRejected):
        status_code = 413 if exc.code in VideoRejected.TOO_BIG else 422
        return problem_response(status_code, exc.code, _("The video cannot be hashed."), str(exc.message))
    if isinstance(exc, ImageRejected | ApplicationError) and exc.code == "busy":
        # Every hashing slot of the host stayed taken (a match, or a file kept as evidence, which is
        # never kept without its PDQ hash): the image may come again.
        busy = problem_response(503, exc.code, _("The image cannot be hashed now."), str(exc.message))
        busy["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return busy
    if isinstance(exc, ApplicationError):
        return problem_response(
            400, exc.code, _("The request cannot be carried out."), str(exc.message), **exc.extra
        )
    if isinstance(exc, ImageRejected):
        status_code = 413 if exc.code in {"too_large", "too_many_pixels"} else 422
        return problem_response(status_code, exc.code, _("The image cannot be hashed."), str(exc.message))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    wait = getattr(exc, "wait", None)  # Throttled's, which the type stubs do not declare
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        headers["Retry-After"] = str(int(wait))
    auth_header = getattr(exc, "auth_header", None)  # set by DRF on NotAuthenticated and AuthenticationFailed
    if auth_header:
        headers["WWW-Authenticate"] = str(auth_header)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        response = problem_response(
            400,
            "invalid",
            _("The request is not valid."),
            errors[0]["message"] if errors else "",
            errors=errors,
        )
    else:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        response = problem_response(
            exc.status_code,
            str(code),
            str(exc.default_detail),
            str(exc.detail),
            **getattr(exc, "extra", {}),  # KeyRefused's and ScopeMissing's
        )
    for name, value in headers.items():
        response[name] = value
    return response


def _flatten(detail: Any, pointer: str = "") -> list[dict[str, str]]:
    """Validation errors as a flat list of {"pointer": "/hashes/3/value", "message": "…"}."""
    if isinstance(detail, dict):
        return [
            item
            for key, value in detail.items()
            for item in _flatten(value, pointer if key == "non_field_errors" else f"{pointer}/{key}")
        ]
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [{"pointer": pointer or "/", "message": str(item)} for item in detail]
        return [item for n, value in enumerate(detail) for item in _flatten(value, f"{pointer}/{n}")]
    return [{"pointer": pointer or "/", "message": str(detail)}]


# An image (or a file kept as evidence, hashed first) refused while every hashing slot is taken.
BUSY = {
    503: OpenApiResponse(
        ProblemOutput,
        description="The server is hashing too many images: send it again after Retry-After seconds",
    )
}

PROBLEMS = {
    400: OpenApiResponse(ProblemOutput, description="Not valid (problem details)"),
    401: OpenApiResponse(ProblemOutput, description="No or bad credentials"),
    403: OpenApiResponse(ProblemOutput, description="Not allowed"),
    415: OpenApiResponse(ProblemOutput, description="A body in a media type the operation does not take"),
    429: OpenApiResponse(ProblemOutput, description="Too many calls this minute (see Retry-After)"),
}


class HashingApiView(RecordsKeyCalls):
    """A call of the match API, by a key holding the view's `required_scope` or a member who may match."""

    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [MayMatch, KeyHasScope]
    throttle_classes = [PerCallerThrottle]
    renderer_classes = [JSONRenderer, ProblemRenderer]
    required_scope: ApiScope  # each view's own; KeyHasScope refuses to guess

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return problem_handler


class MatchApiView(HashingApiView):
    """A match: its records carry the caller's key, which tell of a successful call."""

    required_scope = ApiScope.MATCH
    success_recorded = True

    def match(self, request: Request, queries: Sequence[services.HashQuery]) -> list[services.QueryResult]:
        """Match for the caller: a key's banks, with the history's newest id its authentication read,
        or a signed-in member's."""
        key = request.auth if isinstance(request.auth, ApiKey) else None
        if key is not None:
            banks = selectors.matchable_bank_ids_for_api_key(key=key)
            agency, latest = key.agency, getattr(key, "match_history_latest", None)
        else:
            membership = acting_membership(request)
            banks = selectors.matchable_bank_ids_for_member(membership=membership)
            assert membership is not None  # the selector refused anyone else
            agency, latest = membership.agency, None
        return services.hashes_match(
            queries=queries,
            bank_ids=banks,
            channel=MatchChannel.API,
            agency=agency,
            history_latest=latest,
            api_key=key,
        )


class MatchHashesApi(MatchApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="match_hashes",
        summary="Match a list of hashes",
        request=MatchHashesInput,
        responses={200: MatchHashesOutput, **PROBLEMS},
    )
    def post(self, request: Request) -> Response:
        hashes = plain_hashes(request.data)
        if hashes is None:  # anything but the plain body: the serializer reads it, and says what is wrong
            data = MatchHashesInput(data=request.data)
            data.is_valid(raise_exception=True)
            hashes = data.validated_data["hashes"]
        results = self.match(
            request, [services.HashQuery(h["algorithm"], h["value"], h.get("quality")) for h in hashes]
        )
        return Response({"results": results_output(results)})  # MatchHashesOutput's shape


class _TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The upload is too large."
    default_code = "too_large"


def _image_too_large() -> None:
    raise _TooLarge(_("The image is larger than the limit of %(mb)d MB.") % {"mb": MAX_IMAGE_BYTES // 2**20})


def _video_too_large() -> None:
    raise _TooLarge(
        _("The video is larger than the limit of %(mb)d MB.")
        % {"mb": settings.HASHING_VIDEO_MAX_BYTES // 2**20}
    )


class UploadApiView(MatchApiView):
    """An API taking one file to hash: it stays in memory and is refused past `max_bytes()`."""

    parser_classes = [MultiPartParser]
    hashes_uploads = True  # counted against the caller's uploads a minute too (api_limits)

    def max_bytes(self) -> int:
        raise NotImplementedError

    def too_large(self) -> None:
        raise NotImplementedError

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        max_bytes = self.max_bytes()
        request._request.upload_handlers = [
            MemoryOnlyUpload(request._request, max_bytes=max_bytes, too_large=self.too_large)
        ]
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        super().initial(request, *args, **kwargs)
        if length > max_bytes + 64 * 1024:
            self.too_large()


class MatchImageApi(UploadApiView):
    def max_bytes(self) -> int:
        return MAX_IMAGE_BYTES

    def too_large(self) -> None:
        _image_too_large()

    @extend_schema(
        operation_id="match_image",
        summary="Match an uploaded image by its PDQ hash (the image is never stored)",
        request={"multipart/form-data": MatchImageInput},
        responses={
            200: MatchImageOutput,
            413: OpenApiResponse(ProblemOutput, description="Too large, or too many pixels"),
            422: OpenApiResponse(ProblemOutput, description="Not an image, or damaged"),
            **BUSY,
            **PROBLEMS,
        },
    )
    def post(self, request: Request) -> Response:
        data = MatchImageInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["image"]
        content = upload.read()
        upload.close()
        hashed = pdq_from_bytes(content)
        del content
        [result] = self.match(request, [services.HashQuery(Algorithm.PDQ, hashed.value, hashed.quality)])
        return Response(
            MatchImageOutput({"pdq": hashed.value, "quality": hashed.quality, "result": result}).data
        )


class MatchVideoApi(UploadApiView):
    def max_bytes(self) -> int:
        return settings.HASHING_VIDEO_MAX_BYTES

    def too_large(self) -> None:
        _video_too_large()

    @extend_schema(
        operation_id="match_video",
        summary="Match an uploaded video by its vPDQ hash (the video is never stored)",
        description=(
            "The video is decoded and hashed in memory, one PDQ hash every `seconds_per_hash` seconds "
            "(vPDQ), and dropped. It matches a bank's video when at least 80% of its distinct frames of "
            "quality 50 or more are within 31 bits of one of the bank video's (HMA's defaults, "
            "configurable). "
            "Limits: size, length and pixels per frame (413); a file that is not a video or is damaged (422)."
        ),
        request={"multipart/form-data": MatchVideoInput},
        responses={
            200: MatchVideoOutput,
            413: OpenApiResponse(
                ProblemOutput, description="Too large, too long, or frames with too many pixels"
            ),
            422: OpenApiResponse(ProblemOutput, description="Not a video, or damaged"),
            **PROBLEMS,
        },
    )
    def post(self, request: Request) -> Response:
        data = MatchVideoInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["video"]
        content = upload.read()
        upload.close()
        frames = video_hash(content, seconds_per_hash=data.validated_data["seconds_per_hash"])
        del content
        [result] = self.match(request, [services.HashQuery.of_video(frames)])
        return Response(MatchVideoOutput({"vpdq": result.value, "frames": frames, "result": result}).data)


class MatchVpdqApi(MatchApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="match_vpdq",
        summary="Match videos by their vPDQ frame hashes",
        description=(
            "Each video is its frames, either as objects or as the text vPDQ's tools write "
            "(one `frame_number,quality,hash,timestamp` line per frame)."
        ),
        request=MatchVpdqInput,
        responses={200: MatchVpdqOutput, **PROBLEMS},
    )
    def post(self, request: Request) -> Response:
        data = MatchVpdqInput(data=request.data)
        data.is_valid(raise_exception=True)
        results = self.match(
            request, [services.HashQuery.of_video(video["frames"]) for video in data.validated_data["videos"]]
        )
        return Response(MatchVpdqOutput({"results": results}).data)


class BankListApi(HashingApiView):
    required_scope = ApiScope.BANKS_READ

    @extend_schema(
        operation_id="list_banks",
        summary="Banks shared with the caller",
        responses={200: BankOutput(many=True), **PROBLEMS},
    )
    def get(self, request: Request) -> Response:
        if isinstance(request.auth, ApiKey):
            banks = selectors.bank_list_for_api_key(key=request.auth)
        else:
            banks = selectors.bank_list(membership=acting_membership(request))
        return Response([BankOutput(bank).data for bank in banks])


__all__ = [
    "BankListApi",
    "MatchHashesApi",
    "MatchImageApi",
    "MatchVideoApi",
    "MatchVpdqApi",
    "QueryResultOutput",
]
