"""What apps above intake do when a report is saved: intake may not import them, so they register
here from their AppConfig.ready().

Two kinds of hook:

- `on_report_saved`: run inside the transaction that saves a report or a reporter's new message,
  given the report (the helpline triages its words, so that an urgent report is flagged at once,
  with no broker involved). Each runs in a savepoint: a hook that fails is logged and undone, and
  the child's report is saved all the same.
- `on_report_received`: run after a new report's transaction commits, given the report's id only
  (the hotline files its web addresses). It should hand the work to a task, so that nothing it
  does can slow or break the child's submission.
"""

import logging
from collections.abc import Callable
from typing import Protocol

from django.db import transaction

from childshield.intake.models import Report

logger = logging.getLogger(__name__)


class ReportSavedHook(Protocol):
    def __call__(self, *, report: Report) -> None: ...


ReportHook = Callable[[int], None]

_ON_REPORT_SAVED: list[ReportSavedHook] = []
_ON_REPORT_RECEIVED: list[ReportHook] = []


def on_report_saved(hook: ReportSavedHook) -> None:
    if hook not in _ON_REPORT_SAVED:
        _ON_REPORT_SAVED.append(hook)


def on_report_received(hook: ReportHook) -> None:
    if hook not in _ON_REPORT_RECEIVED:
        _ON_REPORT_RECEIVED.append(hook)


def report_saved(report: Report) -> None:
    """Run the in-transaction hooks; call it inside the transaction that saves `report` or its message."""
    for hook in list(_ON_REPORT_SAVED):
        try:
            with transaction.atomic():
                hook(report=report)
        except Exception:
            # The report is saved whatever a hook does; the failure is for the operators, by id only.
            logger.exception("A report-saved hook failed for report %s", report.pk)


def report_received(report_id: int) -> None:
    for hook in list(_ON_REPORT_RECEIVED):
        try:
            hook(report_id)
        except Exception:
            # The report is saved whatever a hook does; the failure is for the operators, by id only.
            logger.exception("A report-received hook failed for report %s", report_id)
