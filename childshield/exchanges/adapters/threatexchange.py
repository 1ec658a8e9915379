"""Meta's ThreatExchange through python-threatexchange's ThreatExchangeAPI: a privacy group's
threat updates in, one PDQ descriptor per hash out (shared with the same privacy group).

An update is an indicator's whole current state, keyed by the indicator's id; `should_delete` takes
it out. The checkpoint is the newest update time seen, asked for again from there (updates of the
same second are read twice rather than missed; adding a hash twice changes nothing).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from threatexchange.exchanges.clients.fb_threatexchange.api import ThreatExchangeAPI, is_valid_app_token

from childshield.exchanges.adapters import (
    Checkpoint,
    CredentialField,
    Exchange,
    ExchangeFailure,
    Page,
    client_errors,
)

PDQ_TYPE = "HASH_PDQ"
PAGE_SIZE = 500
FIELDS = ("id", "indicator", "type", "last_updated", "should_delete")


class ThreatExchangeExchange(Exchange):
    can_import = True
    can_export = True
    send_batch = 20
    needs_collaboration = True
    default_base_url = ThreatExchangeAPI._TE_BASE_URL
    credential_fields = (
        CredentialField(
            "access_token",
            gettext_lazy("access token (app id|secret)"),
            needed_to_import=True,
            needed_to_export=True,
        ),
    )

    def _client(self) -> tuple[ThreatExchangeAPI, int]:
        token = self.credential("access_token")
        if not is_valid_app_token(token):
            raise ExchangeFailure(
                _("The access token is not in ThreatExchange's form (app id|secret)."), credentials=True
            )
        if not self.collaboration.strip().isdigit():
            raise ExchangeFailure(_("A ThreatExchange connection needs the number of its privacy group."))
        return ThreatExchangeAPI(token, endpoint_override=self.base_url), int(self.collaboration)

    def fetch(self, checkpoint: Checkpoint) -> Iterator[Page]:
        client, group = self._client()
        start = checkpoint.get("update_time")
        cursor = client.get_threat_updates(
            group, start_time=start, types=[PDQ_TYPE], page_size=PAGE_SIZE, fields=FIELDS
        )
        newest = int(start or 0)
        while not cursor.done:
            with client_errors():
                batch: list[dict[str, Any]] = cursor.next()  # type: ignore[no-untyped-call]
                added: dict[str, str] = {}
                removed: list[str] = []
                for update in batch:
                    newest = max(newest, int(update["last_updated"]))
                    if update["type"] != PDQ_TYPE:
                        continue
                    if update.get("should_delete"):
                        removed.append(str(update["id"]))
                    else:
                        added[str(update["id"])] = str(update["indicator"])
            yield Page(added, removed, {"update_time": newest})

    def send(self, values: Sequence[str]) -> None:
        client, group = self._client()
        for value in values:
            params = {
                "indicator": value,
                "type": PDQ_TYPE,
                "description": "childshield hash bank",
                "share_level": "RED",
                "status": "MALICIOUS",
                "privacy_type": "HAS_PRIVACY_GROUP",
                "privacy_members": group,
            }
            with client_errors():
                problem, _error, body = client.upload_threat_descriptor(  # type: ignore[no-untyped-call]
                    params, False, False
                )
            _check_upload(problem, body)


def _check_upload(problem: object, body: object) -> None:
    """The client returns the Graph API's answer instead of raising: an error there is a failure."""
    if problem:
        raise ExchangeFailure(_("The client refused to send the descriptor."))
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("type") == "OAuthException":
        raise ExchangeFailure(
            _("ThreatExchange refused the access token: check it on the connection's page."), credentials=True
        )
    if not isinstance(body, dict) or error or not body.get("success"):
        raise ExchangeFailure(_("ThreatExchange did not accept the descriptor."))
