"""What the outbox delivers for the hotline: a report's addresses filed, a notice handed to platforms.

Thin doors onto services, registered with the outbox in HotlineConfig.ready(); services are imported
inside each handler, since they enqueue these kinds themselves.
"""

from childshield.outbox.handlers import Payload

REPORT_ADDRESSES_FILE = "hotline.report_addresses_file"
NOTICE_TO_PLATFORMS = "hotline.notice_to_platforms"


def report_addresses_file(*, payload: Payload, idempotency_key: str) -> None:
    from childshield.hotline.services import items

    items.report_addresses_file(report_id=int(payload["report_id"]))


def notice_to_platforms(*, payload: Payload, idempotency_key: str) -> None:
    from childshield.hotline.services import notices

    notices.notice_platforms_deliver(notice_id=int(payload["notice_id"]))
