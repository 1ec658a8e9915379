"""How a repeat caller is recognised: a keyed hash of their phone number or chat thread, never the number."""

import re

from childshield.core.blind_index import blind_index

CALLER_PURPOSE = "helpline.caller"
# Country calling codes of the helplines childshield serves: +84 912… and 0912… are one caller.
_CALLING_CODES = ("855", "84")
_PHONE = re.compile(r"[+\d\s().\-]{6,}")


def caller_key_for(value: str) -> str:
    """The keyed hash by which a repeat caller is recognised: of the phone number in its national
    form (spaces, dashes and +84/+855 set aside), or else of the chat thread's id. "" for nothing."""
    raw = value.strip()
    if not raw:
        return ""
    if _PHONE.fullmatch(raw):
        digits = re.sub(r"\D", "", raw)
        international = raw.startswith("+") or digits.startswith("00")
        digits = digits.lstrip("0") if digits.startswith("00") else digits
        for code in _CALLING_CODES:
            if digits.startswith(code) and (international or len(digits) >= len(code) + 9):
                digits = "0" + digits[len(code) :]
                break
        return blind_index(f"tel:{digits}", purpose=CALLER_PURPOSE)
    return blind_index(f"thread:{raw}", purpose=CALLER_PURPOSE)
