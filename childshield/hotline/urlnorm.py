"""One normal form for reported URLs, so the same content reported fifty times is one item; its keyed hash.

Decisions (see docs/hotline-tracing.md):
- only http and https; a missing scheme means http; defanged ``hxxp://`` and ``[.]`` are accepted;
- the host is lower-case ASCII (IDNA 2008 with UTS 46 mapping); punycode input is checked and kept;
  ``display_host`` is the Unicode form for people to read;
- IPv4 and IPv6 hosts are valid; ``host`` holds an IPv6 address without brackets, ``url`` with them;
- user names and passwords before ``@`` are dropped: they never identify the content, may be
  credentials we should not store, and ``http://trusted.example@other.example/`` is a known disguise;
- default ports, fragments and tracking parameters are dropped; the remaining query parameters are
  sorted by name (stable, so repeated names keep their order): order almost never matters to a
  server, and sorting makes de-duplication stronger;
- percent-encoding uses upper-case hex, unreserved characters are decoded, other characters are
  encoded as UTF-8; dot segments are removed; an empty path becomes ``/``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import idna
from django.utils.translation import gettext as _

from childshield.core.blind_index import blind_index
from childshield.core.errors import ApplicationError

MAX_URL_LENGTH = 8000
MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63

ALLOWED_SCHEMES = {"http": 80, "https": 443}
DEFANGED_SCHEMES = {"hxxp": "http", "hxxps": "https"}

# Parameters that say how a link was shared, never which content it points to.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "si",
        "mc_cid",
        "mc_eid",
        "ref_src",
        "ref_url",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "vero_id",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "s_cid",
        "wickedid",
        "__s",
    }
)
TRACKING_PREFIXES = ("utm_",)

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = frozenset("!$&'()*+,;=")
_PATH_SAFE = _UNRESERVED | _SUB_DELIMS | frozenset(":@/")
_QUERY_PART_SAFE = (_UNRESERVED | _SUB_DELIMS | frozenset(":@/?")) - frozenset("&=")
_HEX = frozenset("0123456789abcdefABCDEF")

_SCHEME_WITH_SLASHES = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_WEB_SCHEME_ANY_SLASHES = re.compile(r"^(https?|hxxps?):/*", re.IGNORECASE)
_SCHEME_ONLY = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):(?!\d)")
_ASCII_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_\-]*[a-z0-9_])?$")
_DIGITS = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class NormalisedUrl:
    url: str
    host: str
    display_host: str


class InvalidUrl(ApplicationError):
    """The text cannot be read as a web address; `reason` says why, `message` says it to a person."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, code="invalid_url", extra={"reason": reason})
        self.reason = reason


def normalise_url(raw: str) -> NormalisedUrl:
    """The normal form of a reported web address, or InvalidUrl saying what is wrong with it."""
    text = _clean_input(raw)
    text = _with_scheme(text)
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. an unbalanced "[" in the host
        raise InvalidUrl(_("This web address could not be read."), reason="unparsable") from exc

    scheme = DEFANGED_SCHEMES.get(parts.scheme.lower(), parts.scheme.lower())
    if scheme not in ALLOWED_SCHEMES:
        raise _unsupported_scheme(scheme)

    hostport = parts.netloc.rpartition("@")[2]  # userinfo is dropped, see the module docstring
    host_text, port = _split_port(hostport)
    host, display_host, url_host = _normalise_host(host_text)

    port_text = f":{port}" if port is not None and port != ALLOWED_SCHEMES[scheme] else ""
    path = _remove_dot_segments(_normalise_percent(parts.path, _PATH_SAFE)) or "/"
    if not path.startswith("/"):
        path = "/" + path
    query = _normalise_query(parts.query)
    url = f"{scheme}://{url_host}{port_text}{path}" + (f"?{query}" if query else "")
    return NormalisedUrl(url=url, host=host, display_host=display_host)


def url_key(url: str) -> str:
    """The blind index of a normalised address (hashed first: the index folds case, paths must not)."""
    return blind_index(hashlib.sha256(url.encode("utf-8")).hexdigest(), purpose="hotline.url")


def _clean_input(raw: str) -> str:
    if not isinstance(raw, str):
        raise InvalidUrl(_("Please give a web address."), reason="empty")
    text = raw.strip()
    if not text:
        raise InvalidUrl(_("Please give a web address."), reason="empty")
    if len(text) > MAX_URL_LENGTH:
        raise InvalidUrl(
            _("This web address is longer than %(limit)d characters.") % {"limit": MAX_URL_LENGTH},
            reason="too_long",
        )
    # Browsers drop tabs and line breaks anywhere in an address and read "\" as "/".
    text = re.sub(r"[\t\r\n]", "", text).replace("\\", "/")
    text = text.replace("[.]", ".")  # defanged dots, as partner hotlines often send them
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise InvalidUrl(_("This web address contains control characters."), reason="control_characters")
    return text


def _with_scheme(text: str) -> str:
    if text.startswith("//"):
        return "http:" + text
    web = _WEB_SCHEME_ANY_SLASHES.match(text)
    if web:  # "http:example.com" and "http:/example.com" mean http://example.com, as in browsers
        return f"{web.group(1)}://{text[web.end() :]}"
    match = _SCHEME_WITH_SLASHES.match(text)
    if match:
        return text
    match = _SCHEME_ONLY.match(text)
    if match:
        # "javascript:…", "data:…", "mailto:…"; "example.com:8080/a" is a host and port instead.
        raise _unsupported_scheme(match.group(1).lower())
    return "http://" + text


def _unsupported_scheme(scheme: str) -> InvalidUrl:
    return InvalidUrl(
        _("Only web addresses starting with http:// or https:// can be reported (not “%(scheme)s:”).")
        % {"scheme": scheme[:20]},
        reason="unsupported_scheme",
    )


def _split_port(hostport: str) -> tuple[str, int | None]:
    if hostport.startswith("["):
        end = hostport.find("]")
        if end == -1:
            raise InvalidUrl(
                _("The IPv6 address in this web address is not closed with “]”."), reason="bad_host"
            )
        host, rest = hostport[: end + 1], hostport[end + 1 :]
        if rest and not rest.startswith(":"):
            raise InvalidUrl(_("This web address has text after its IPv6 address."), reason="bad_host")
        port_text = rest[1:]
    else:
        host, _sep, port_text = hostport.partition(":")
        if ":" in port_text:
            raise InvalidUrl(_("This web address has more than one port."), reason="bad_port")
    if not port_text:
        return host, None
    if not _DIGITS.match(port_text) or not 0 < int(port_text) < 65536:
        raise InvalidUrl(
            _("The port of this web address must be a number from 1 to 65535."), reason="bad_port"
        )
    return host, int(port_text)


def _normalise_host(text: str) -> tuple[str, str, str]:
    """(ASCII host, Unicode host for display, host as written in the URL)."""
    if text.startswith("["):
        return _ipv6_host(text[1:-1])
    text = unquote(text)  # "ex%61mple.com" is example.com, as browsers read it
    if text.endswith("."):
        text = text[:-1]
    if not text:
        raise InvalidUrl(_("This web address has no host name."), reason="no_host")
    if any(ch.isspace() for ch in text):
        raise InvalidUrl(_("A host name cannot contain spaces."), reason="bad_host")
    if not text.isascii():
        try:
            # UTS 46 mapping: case folding, full-width letters and dots (full-width "example" and "。").
            text = idna.uts46_remap(text, std3_rules=False, transitional=False)
        except idna.IDNAError as exc:
            raise _bad_idn(text) from exc
        if text.endswith("."):
            text = text[:-1]
    text = text.lower()

    labels = text.split(".")
    if _DIGITS.match(labels[-1]):
        return _ipv4_host(text)
    ascii_labels = [_ascii_label(label) for label in labels]
    host = ".".join(ascii_labels)
    if len(host) > MAX_HOST_LENGTH:
        raise InvalidUrl(
            _("This host name is longer than %(limit)d characters.") % {"limit": MAX_HOST_LENGTH},
            reason="host_too_long",
        )
    display = ".".join(_display_label(label) for label in ascii_labels)
    return host, display, host


def _ascii_label(label: str) -> str:
    if not label:
        raise InvalidUrl(_("This host name has an empty part (two dots in a row)."), reason="bad_host")
    if label.isascii() and not label.startswith("xn--"):
        # Real hosts use "_" although IDNA forbids it; accept letters, digits, "-" and "_".
        if len(label) > MAX_LABEL_LENGTH:
            raise _long_label()
        if not _ASCII_LABEL.match(label):
            raise InvalidUrl(
                _(
                    "The host name part “%(label)s” may contain only letters, digits and hyphens, "
                    "and cannot start or end with a hyphen."
                )
                % {"label": label[:MAX_LABEL_LENGTH]},
                reason="bad_host",
            )
        return label
    try:
        encoded = idna.alabel(label).decode("ascii")
    except idna.IDNAError as exc:
        if len(label) > MAX_LABEL_LENGTH:
            raise _long_label() from exc
        raise _bad_idn(label) from exc
    if len(encoded) > MAX_LABEL_LENGTH:
        raise _long_label()
    return encoded


def _display_label(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return idna.ulabel(label)
    except idna.IDNAError:  # already checked by alabel; kept safe for display
        return label


def _long_label() -> InvalidUrl:
    return InvalidUrl(
        _("A part of this host name is longer than %(limit)d characters.") % {"limit": MAX_LABEL_LENGTH},
        reason="label_too_long",
    )


def _bad_idn(label: str) -> InvalidUrl:
    return InvalidUrl(
        _("The host name “%(label)s” is not a valid international domain name.") % {"label": label[:80]},
        reason="invalid_idna",
    )


def _ipv4_host(text: str) -> tuple[str, str, str]:
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError as exc:
        message = _("“%(host)s” is not a valid IPv4 address.") % {"host": text[:80]}
        raise InvalidUrl(message, reason="bad_ip") from exc
    host = str(address)
    return host, host, host


def _ipv6_host(text: str) -> tuple[str, str, str]:
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError as exc:
        message = _("“%(host)s” is not a valid IPv6 address.") % {"host": text[:80]}
        raise InvalidUrl(message, reason="bad_ip") from exc
    if address.scope_id:
        raise InvalidUrl(_("An IPv6 address with a zone cannot be reported."), reason="bad_ip")
    host = address.compressed
    return host, host, f"[{host}]"


def _normalise_percent(text: str, safe: frozenset[str]) -> str:
    """Upper-case escapes, decode unreserved characters, escape everything not `safe` (as UTF-8)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "%" and i + 2 < len(text) and text[i + 1] in _HEX and text[i + 2] in _HEX:
            decoded = chr(int(text[i + 1 : i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + text[i + 1 : i + 3].upper())
            i += 3
            continue
        if ch in safe:
            out.append(ch)
        else:
            out.extend(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4."""
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def _normalise_query(query: str) -> str:
    kept: list[tuple[str, str]] = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, sep, value = piece.partition("=")
        name = _normalise_percent(name, _QUERY_PART_SAFE)
        if _is_tracking(_percent_decoded_ascii(name)):
            continue
        kept.append((name, sep + _normalise_percent(value, _QUERY_PART_SAFE | frozenset("="))))
    kept.sort(key=lambda pair: pair[0])
    return "&".join(name + rest for name, rest in kept)


def _percent_decoded_ascii(text: str) -> str:
    return re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), text)
