"""NCMEC's hash sharing API through python-threatexchange's NCMECHashAPI: entries in, nothing out.

The client can fetch entries and give feedback on them, but not add entries, so this exchange only
imports. Entries come in no order of time: a range of time counts as done only once every page of it
was read, so a checkpoint in the middle of a range keeps the range and the page to resume from.
A deleted entry names only its id; the hash it carried is found through the ExchangeSignal kept
when it arrived.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from threatexchange.exchanges.clients.ncmec.hash_api import NCMECEntryType, NCMECEnvironment, NCMECHashAPI

from childshield.exchanges.adapters import Checkpoint, CredentialField, Exchange, Page, client_errors

# Entries of the last seconds may still be arriving: a range ends this far back (as the package's
# own NCMEC exchange does).
SETTLE_SECONDS = 5


def now_seconds() -> int:
    return int(time.time())


class _AddressedNCMECHashAPI(NCMECHashAPI):
    """The client takes one of NCMEC's environments; the connection may give another address."""

    def __init__(self, username: str, password: str, base_url: str) -> None:
        super().__init__(username, password, NCMECEnvironment.NGO)
        self._base_url = base_url


class NCMECExchange(Exchange):
    can_import = True
    default_base_url = NCMECEnvironment.NGO.value
    credential_fields = (
        CredentialField("username", _("user name"), needed_to_import=True),
        CredentialField("password", _("password"), needed_to_import=True),
    )

    def fetch(self, checkpoint: Checkpoint) -> Iterator[Page]:
        client = _AddressedNCMECHashAPI(
            self.credential("username"), self.credential("password"), self.base_url
        )
        start = int(checkpoint.get("from", 0))
        # A range left in the middle is finished first, from the page where it stopped.
        end = int(checkpoint.get("to", 0)) or now_seconds() - SETTLE_SECONDS
        resume = str(checkpoint.get("next", "")) if checkpoint.get("to") else ""
        if end <= start:
            return
        responses = client.get_entries_iter(
            start_timestamp=start, end_timestamp=end, resume_paging_url=resume
        )
        while True:
            with client_errors():
                response = next(responses, None)
            if response is None:
                return
            added: dict[str, str] = {}
            removed: list[str] = []
            for update in response.updates:
                remote_id = f"{update.member_id}-{update.id}"
                pdq = update.fingerprints.get("pdq", "")
                if update.deleted:
                    removed.append(remote_id)
                elif update.entry_type == NCMECEntryType.image and pdq:
                    added[remote_id] = pdq
            following = {"from": start, "to": end, "next": response.next} if response.next else {"from": end}
            yield Page(added, removed, following)
