from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "childshield.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.operations.checks import retention_periods_check
        from childshield.operations.permissions import OperationsPerm

        # Not a deploy-only check: a period shorter than the law's minimum is refused at every start.
        checks.register(retention_periods_check)
        register(
            NavItem(
                "operations:subject_request_list",
                _("Data-subject requests"),
                holds(OperationsPerm.SUBJECT_REQUESTS),
                order=830,
            )
        )
