from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "childshield.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from childshield.accounts.models import Membership
        from childshield.accounts.navigation import NavItem, register
        from childshield.intake.permissions import IntakePerm, may

        def visible(membership: Membership | None) -> bool:
            return may(membership, IntakePerm.REPORT_LIST)

        register(NavItem("intake:report_list", _("Reports"), visible, order=100))
