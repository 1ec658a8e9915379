"""What the helpline says by itself in a chat, and the words a sender can use to stop or pause it.

Automatic messages are written in the channel's language (the country's, unless the channel says
otherwise): a chat app does not tell us the sender's language before they write.
"""

import string

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from childshield.core.blind_index import normalise
from childshield.messaging.models import ChatChannel
from childshield.places.selectors import helplines_for_country

COUNTRY_LANGUAGE = {"VN": "vi", "KH": "km"}

# A message that is only one of these ends the conversation (compared without case, accents, spaces
# or punctuation).
STOP_WORDS = frozenset(normalise(word) for word in ("stop", "dừng", "dừng lại", "ngừng", "thôi", "ឈប់"))
# The code word: someone came near; the helpline writes nothing more until the sender writes again.
PAUSE_WORDS = frozenset(normalise(word) for word in ("busy", "bận", "រវល់"))

_PUNCTUATION = str.maketrans("", "", string.punctuation + "។!?…")


def _plain(text: str) -> str:
    return normalise(text.translate(_PUNCTUATION))


def is_stop(text: str) -> bool:
    return _plain(text) in STOP_WORDS


def is_pause(text: str) -> bool:
    return _plain(text) in PAUSE_WORDS


def channel_language(channel: ChatChannel) -> str:
    return str(channel.config.get("language") or COUNTRY_LANGUAGE.get(settings.CHILDSHIELD_COUNTRY, "en"))


def _phone_lines() -> str:
    lines = helplines_for_country(country=settings.CHILDSHIELD_COUNTRY)
    return ", ".join(f"{line.number} ({line.display_name()})" for line in lines)


def first_answer(channel: ChatChannel) -> str:
    """The first answer to a new conversation: a person will answer (or when, out of hours), is it
    safe to talk, the code word, STOP, and whether others may see the chat."""
    with translation.override(channel_language(channel)):
        parts = [_("Hello, this is the helpline. Thank you for writing. It is never your fault.")]
        opening = channel.next_opening(timezone.now())
        if opening is None:
            parts.append(_("A person will answer you here soon."))
        else:
            parts.append(
                _("We are closed now. A person will answer you from %(time)s.")
                % {"time": formats.date_format(timezone.localtime(opening), "l H:i")}
            )
            lines = _phone_lines()
            if lines:
                parts.append(_("If you are in danger now, call %(lines)s.") % {"lines": lines})
        parts.append(_("Is it safe for you to talk now?"))
        parts.append(
            _(
                "If someone comes near, send BUSY. We will stop writing until you write again. "
                "Send STOP to end the chat."
            )
        )
        if channel.shared_account_warning:
            parts.append(
                _("People who use this phone or account may read this chat. Delete it if that is not safe.")
            )
    return " ".join(str(part) for part in parts)


def stop_answer(language: str) -> str:
    with translation.override(language):
        return str(
            _(
                "We have stopped. Thank you for writing. "
                "If you want to talk again, just send us a message here."
            )
        )


def closed_answer(language: str) -> str:
    with translation.override(language):
        return str(
            _("The helpline has closed this chat. If you want to talk again, just send us a message here.")
        )


def late_note(language: str) -> str:
    """Put before a reply the provider could not take at first: it reaches the child late."""
    with translation.override(language):
        return str(_("(Sorry, this message is late: the app could not take it at first.)"))
