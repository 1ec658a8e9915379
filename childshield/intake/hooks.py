"""What apps above intake do when a report arrives (the hotline files its web addresses).

Intake may not import them, so they register here from their AppConfig.ready(). Each hook runs
after the report's transaction commits and is given the report's id only; it should hand the work
to a task, so that nothing it does can slow or break the child's submission.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

ReportHook = Callable[[int], None]

_ON_REPORT_RECEIVED: list[ReportHook] = []


def on_report_received(hook: ReportHook) -> None:
    if hook not in _ON_REPORT_RECEIVED:
        _ON_REPORT_RECEIVED.append(hook)


def report_received(report_id: int) -> None:
    for hook in list(_ON_REPORT_RECEIVED):
        try:
            hook(report_id)
        except Exception:
            # The report is saved whatever a hook does; the failure is for the operators, by id only.
            logger.exception("A report-received hook failed for report %s", report_id)
