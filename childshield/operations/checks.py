"""The start-up check that refuses retention periods shorter than the law's minimum."""

from typing import Any

from django.core import checks

from childshield.operations.retention_periods import period_problems


def retention_periods_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            problem,
            hint="docs/retention.md; RETENTION_DAYS_<KIND> may only lengthen a period.",
            id="operations.E001",
        )
        for problem in period_problems()
    ]
