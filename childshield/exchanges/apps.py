from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "childshield.exchanges"
    label = "exchanges"
    verbose_name = "Hash exchanges"

    def ready(self) -> None:
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.exchanges.permissions import ExchangePerm

        register(NavItem("exchanges:connection_list", _("Exchanges"), holds(ExchangePerm.VIEW), order=525))
