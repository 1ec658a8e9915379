"""Idempotency keys on platforms' POSTs: the same key and body get the first answer again, the same
key with another body a 422, and a twin sent at the same moment only one effect.

As the IETF's Idempotency-Key header draft and Stripe's API: the header is required on every POST
that changes something; an answer is kept only when the request succeeded (a refused request may be
sent again, corrected, with the same key), for `PLATFORMS_IDEMPOTENCY_HOURS`.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from childshield.accounts.models import Agency
from childshield.platforms.models import IdempotentAnswer

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class IdempotencyProblem(exceptions.APIException):
    """A missing or misused idempotency key, as a problem with its own status and code."""

    status_code = 400
    default_detail = gettext_lazy("The Idempotency-Key header is missing or not valid.")
    default_code = "idempotency_key_missing"

    def __init__(self, detail: str, *, code: str, status_code: int) -> None:
        super().__init__(detail, code)
        self.status_code = status_code


class _TwinAnswered(Exception):
    """A request with the same key committed its answer while this one ran: this one's work is undone."""


def request_digest(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key(request: Request) -> str:
    key = request.headers.get(HEADER, "")
    if not key:
        raise IdempotencyProblem(
            _(
                "Send an Idempotency-Key header with every POST: a new random value (a UUID) for "
                "each new request, the same value when you send a request again."
            ),
            code="idempotency_key_missing",
            status_code=400,
        )
    if len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise IdempotencyProblem(
            _("The Idempotency-Key must be at most %(limit)d printable ASCII characters.")
            % {"limit": MAX_KEY_LENGTH},
            code="idempotency_key_invalid",
            status_code=400,
        )
    return key


def _replay(answer: IdempotentAnswer, operation: str, digest: str) -> Response:
    if answer.operation != operation or answer.request_digest != digest:
        raise IdempotencyProblem(
            _("This Idempotency-Key was used for another request. Use a new key for a new request."),
            code="idempotency_key_reused",
            status_code=422,
        )
    return Response(answer.body, status=answer.status, headers={"Idempotency-Replayed": "true"})


def idempotent(
    request: Request,
    *,
    agency: Agency,
    operation: str,
    run: Callable[[], tuple[int, dict[str, Any]]],
    fingerprint: Any = None,
) -> Response:
    """Run `run` (which returns the status and body of a success, or raises) once per key and body.
    `fingerprint` stands for the body where its JSON does not (an upload: the file's digest)."""
    key = idempotency_key(request)
    digest = request_digest(request.data if fingerprint is None else fingerprint)
    since = timezone.now() - timedelta(hours=settings.PLATFORMS_IDEMPOTENCY_HOURS)
    answers = IdempotentAnswer.objects.filter(agency=agency, key=key)
    try:
        with transaction.atomic():
            earlier = answers.filter(created_at__gte=since).first()
            if earlier is not None:
                return _replay(earlier, operation, digest)
            answers.filter(created_at__lt=since).delete()  # past its time: the key is free again
            status, body = run()
            try:
                with transaction.atomic():
                    IdempotentAnswer.objects.create(
                        agency=agency,
                        key=key,
                        operation=operation,
                        request_digest=digest,
                        status=status,
                        body=body,
                    )
            except IntegrityError:
                raise _TwinAnswered from None
    except _TwinAnswered:
        return _replay(answers.get(), operation, digest)
    return Response(body, status=status)


def idempotent_answers_purge(*, now: Any = None) -> int:
    """Forget the answers older than `PLATFORMS_IDEMPOTENCY_HOURS`."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.PLATFORMS_IDEMPOTENCY_HOURS)
    deleted, _by_model = IdempotentAnswer.objects.filter(created_at__lt=cutoff).delete()
    return deleted
