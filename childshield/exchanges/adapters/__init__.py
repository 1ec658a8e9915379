"""One adapter per kind of exchange, over python-threatexchange's client for it: what it fetches
(PDQ hashes added and withdrawn, page by page, each page with the checkpoint that follows it), what
it sends, and which credentials it needs. The clients' errors become `ExchangeFailure`s whose
message is safe to show and store (never a URL, which may carry a token)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import dacite
import requests
from django.utils.functional import Promise
from django.utils.translation import gettext as _

Checkpoint = dict[str, Any]


@dataclass(frozen=True)
class Page:
    """What one answer of the exchange brought."""

    added: dict[str, str]  # the exchange's id for a hash -> the PDQ hash (hex)
    removed: list[str]  # ids the exchange withdrew
    # Where a later run may start after this page; None: only after the pages that follow.
    checkpoint: Checkpoint | None


@dataclass(frozen=True)
class CredentialField:
    name: str
    label: Promise
    needed_to_import: bool = False
    needed_to_export: bool = False


class ExchangeFailure(Exception):
    """A run that could not finish; `message` says why, in words for the connection's page."""

    def __init__(self, message: str, *, credentials: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.credentials = credentials


class Exchange:
    """The interface every adapter gives the runs (childshield/exchanges/runs.py)."""

    can_import: ClassVar[bool] = False
    can_export: ClassVar[bool] = False
    # How many hashes `send` takes at once: the export's progress is saved after each call.
    send_batch: ClassVar[int] = 100
    default_base_url: ClassVar[str] = ""
    needs_collaboration: ClassVar[bool] = False
    credential_fields: ClassVar[tuple[CredentialField, ...]] = ()

    def __init__(self, *, base_url: str, credentials: Mapping[str, str], collaboration: str = "") -> None:
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.credentials = dict(credentials)
        self.collaboration = collaboration

    def fetch(self, checkpoint: Checkpoint) -> Iterator[Page]:
        raise NotImplementedError

    def send(self, values: Sequence[str]) -> None:
        """Send these PDQ hashes (at most `send_batch`) to the exchange, or raise ExchangeFailure."""
        raise NotImplementedError

    def credential(self, name: str) -> str:
        value = self.credentials.get(name, "")
        if not value:
            label = next((field.label for field in self.credential_fields if field.name == name), name)
            raise ExchangeFailure(
                _("The connection has no “%(name)s”: add it on the connection's page.") % {"name": label},
                credentials=True,
            )
        return value


def _status_failure(response: requests.Response | None) -> ExchangeFailure:
    status = response.status_code if response is not None else 0
    # The Graph API (ThreatExchange) answers a bad token with a 400 naming an OAuthException.
    oauth = status == 400 and response is not None and "OAuthException" in response.text[:2000]
    if status in (401, 403) or oauth:
        return ExchangeFailure(
            _("The exchange refused the credentials (HTTP %(status)d): check them on the connection's page.")
            % {"status": status},
            credentials=True,
        )
    return ExchangeFailure(_("The exchange answered with an error (HTTP %(status)d).") % {"status": status})


@contextmanager
def client_errors() -> Iterator[None]:
    """The clients' exceptions as ExchangeFailures; their own messages quote URLs, so they are dropped."""
    try:
        yield
    except ExchangeFailure:
        raise
    except requests.HTTPError as error:
        raise _status_failure(error.response) from None
    except requests.exceptions.RetryError:
        raise ExchangeFailure(
            _("The exchange kept answering with server errors; it will be tried again.")
        ) from None
    except (requests.ConnectionError, requests.Timeout):
        raise ExchangeFailure(_("The exchange could not be reached; it will be tried again.")) from None
    except requests.RequestException:
        raise ExchangeFailure(_("The request to the exchange failed; it will be tried again.")) from None
    except (ValueError, KeyError, TypeError, AssertionError, ET.ParseError, dacite.DaciteError):
        raise ExchangeFailure(_("The exchange answered with something its client could not read.")) from None


def adapter_for(kind: str) -> type[Exchange]:
    from childshield.exchanges.adapters.ncmec import NCMECExchange
    from childshield.exchanges.adapters.stopncii import StopNCIIExchange
    from childshield.exchanges.adapters.threatexchange import ThreatExchangeExchange
    from childshield.exchanges.models import ExchangeKind

    adapters: dict[str, type[Exchange]] = {
        ExchangeKind.STOPNCII: StopNCIIExchange,
        ExchangeKind.NCMEC: NCMECExchange,
        ExchangeKind.THREATEXCHANGE: ThreatExchangeExchange,
    }
    return adapters[kind]
