"""Other ways a notice reaches a platform, besides e-mail: the platforms app registers its webhook here.

The hotline may not import platforms (it sits above); platforms registers, from its AppConfig.ready(),
a function that hands a sent notice to the platform's webhook and says whether it took it. The e-mail
always goes too: it is the notice of record.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from childshield.hotline.models import Notice

PlatformChannel = Callable[["Notice"], bool]

_CHANNELS: list[PlatformChannel] = []


def register(channel: PlatformChannel) -> None:
    if channel not in _CHANNELS:
        _CHANNELS.append(channel)


def unregister(channel: PlatformChannel) -> None:
    if channel in _CHANNELS:
        _CHANNELS.remove(channel)


def deliver(notice: "Notice") -> list[str]:
    """Hand the notice to every registered platform channel; the names of those that took it."""
    taken = []
    for channel in list(_CHANNELS):
        if channel(notice):
            taken.append(getattr(channel, "__name__", "channel"))
    return taken
