"""StopNCII.org through python-threatexchange's StopNCIIAPI: FetchHashes in, SubmitHashes out.

A record is the hash's whole current state: Withdrawn or Deleted means it is to be taken out; any
other state puts it in. Only ImagePDQ records are taken. (The package's own SignalExchangeAPI for
StopNCII compares the hash value, not its status, with Withdrawn and Deleted, so it never withdraws:
the client is used directly.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.utils.translation import gettext_lazy as _
from threatexchange.exchanges.clients.stopncii.api import (
    StopNCIIAPI,
    StopNCIICaseStatus,
    StopNCIICSPFeedback,
    StopNCIICSPFeedbackValue,
    StopNCIIEndpoint,
    StopNCIISignalType,
)

from childshield.exchanges.adapters import Checkpoint, CredentialField, Exchange, Page, client_errors

GONE = {StopNCIICaseStatus.Withdrawn, StopNCIICaseStatus.Deleted}
PAGE_SIZE = 800


class StopNCIIExchange(Exchange):
    can_import = True
    can_export = True
    send_batch = 500
    default_base_url = StopNCIIAPI.BASE_URL
    credential_fields = (
        CredentialField(
            "subscription_key", _("subscription key"), needed_to_import=True, needed_to_export=True
        ),
        CredentialField("fetch_function_key", _("function key of FetchHashes"), needed_to_import=True),
        CredentialField("submit_function_key", _("function key of SubmitHashes"), needed_to_export=True),
    )

    def _client(self, *, fetch: bool) -> StopNCIIAPI:
        more = {} if fetch else {StopNCIIEndpoint.SubmitHashes: self.credential("submit_function_key")}
        return StopNCIIAPI(
            self.credential("subscription_key"),
            self.credential("fetch_function_key") if fetch else "",
            additional_function_keys=more,
            base_url_override=self.base_url,
        )

    def fetch(self, checkpoint: Checkpoint) -> Iterator[Page]:
        client = self._client(fetch=True)
        start = int(checkpoint.get("update_time", StopNCIIAPI.DEFAULT_START_TIME))
        next_page = ""
        while True:
            with client_errors():
                response = client.fetch_hashes(
                    page_size=PAGE_SIZE, start_timestamp=start, next_page=next_page
                )
            added: dict[str, str] = {}
            removed: list[str] = []
            for record in response.hashRecords:
                if record.signalType != StopNCIISignalType.ImagePDQ:
                    continue
                if record.hashStatus in GONE:
                    removed.append(record.hashValue)
                else:
                    added[record.hashValue] = record.hashValue
            yield Page(added, removed, {"update_time": response.nextSetTimestamp})
            next_page = response.nextPageToken or ""
            if not (response.hasMoreRecords and next_page):
                return

    def send(self, values: Sequence[str]) -> None:
        client = self._client(fetch=False)
        batch = {
            (StopNCIISignalType.ImagePDQ, value): StopNCIICSPFeedback(StopNCIICSPFeedbackValue.Blocked)
            for value in values
        }
        with client_errors():
            client.submit_hashes(batch)
