"""What delivers each kind of outbox item: apps register a handler from their AppConfig.ready().

A handler is called by a worker with the item's payload and idempotency key. It returns when the side
effect is done and raises when it is not (the item is then tried again later). Delivery is at least
once: a handler must be safe to run twice for the same key (pass the key on as a Message-ID or a
delivery id, or check what is already done).
"""

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

Payload = dict[str, Any]


class Handler(Protocol):
    def __call__(self, *, payload: Payload, idempotency_key: str) -> None: ...


_HANDLERS: dict[str, Handler] = {}


class DeliveryFailed(Exception):
    """A failure whose reason the handler vouches holds no personal data; it is stored and shown as is.

    Any other exception is recorded by its class name only, since its message may quote an address.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def register(kind: str, handler: Handler) -> None:
    known = _HANDLERS.get(kind)
    if known is not None and known is not handler:
        raise ImproperlyConfigured(f"Two outbox handlers are registered for {kind!r}.")
    _HANDLERS[kind] = handler


def unregister(kind: str) -> None:
    _HANDLERS.pop(kind, None)


def handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


def kinds() -> list[str]:
    return sorted(_HANDLERS)
