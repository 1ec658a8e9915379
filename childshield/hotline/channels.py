"""Other ways a notice reaches a platform, besides e-mail, and which platform an item is on: the
platforms app registers its webhook and its lookup here.

The hotline may not import platforms (it sits above); platforms registers, from its AppConfig.ready(),
a function that hands a sent notice to the platform's webhook and says whether it took it, and one
that names the platform to ask about an item (a preservation or a file request). The e-mail always
goes too: it is the notice of record.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from childshield.hotline.models import ContentItem, Notice


@dataclass(frozen=True)
class PlatformContact:
    """A platform known to childshield (an agency) that hosts or reported an item, and its abuse
    address, where the e-mail of record goes."""

    platform_id: int
    name: str
    email: str


PlatformChannel = Callable[["Notice"], bool]
PlatformFinder = Callable[["ContentItem"], PlatformContact | None]

_CHANNELS: list[PlatformChannel] = []
_FINDERS: list[PlatformFinder] = []


def register_finder(finder: PlatformFinder) -> None:
    if finder not in _FINDERS:
        _FINDERS.append(finder)


def platform_for(item: "ContentItem") -> PlatformContact | None:
    """The platform to ask about the item: the first registered lookup that knows one."""
    for finder in list(_FINDERS):
        contact = finder(item)
        if contact is not None:
            return contact
    return None


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
