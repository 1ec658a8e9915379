"""An e-mail backend for the fault tests' worker: writes each message as a file, and, while a marker
file exists, kills its own process right after the first message is out (then removes the marker),
as a worker lost between sending and recording the send would be."""

import os
from pathlib import Path
from typing import Any

from django.core.mail.backends.filebased import EmailBackend

CRASH_MARKER = "FAULT_CRASH_AFTER_SEND_MARKER"


class SendThenCrash(EmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        sent = super().send_messages(email_messages)
        marker = Path(os.environ.get(CRASH_MARKER, "/nonexistent"))
        if sent and marker.exists():
            marker.unlink()
            os._exit(1)  # no clean-up, no acknowledgement: the process is simply gone
        return sent
