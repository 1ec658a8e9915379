from django.apps import AppConfig
from django.core import checks


class OperationsConfig(AppConfig):
    name = "childshield.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from childshield.operations.checks import retention_periods_check

        # Not a deploy-only check: a period shorter than the law's minimum is refused at every start.
        checks.register(retention_periods_check)
