"""One adapter per kind of chat channel; the web chat needs none (its thread is intake's)."""

from childshield.messaging.adapters.base import Adapter
from childshield.messaging.adapters.messenger import Messenger
from childshield.messaging.adapters.sms import Gateway, Twilio
from childshield.messaging.adapters.telegram import Telegram
from childshield.messaging.adapters.zalo import Zalo

ADAPTERS: dict[str, Adapter] = {
    adapter.kind: adapter for adapter in (Telegram(), Messenger(), Zalo(), Twilio(), Gateway())
}


def adapter_for(kind: str) -> Adapter | None:
    return ADAPTERS.get(kind)
