from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HashingConfig(AppConfig):
    name = "childshield.hashing"
    label = "hashing"
    verbose_name = "Hashing"

    def ready(self) -> None:
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.hashing.permissions import HashPerm

        register(NavItem("hashing:bank_list", _("Hash banks"), holds(HashPerm.BANKS_VIEW), order=500))
        register(NavItem("hashing:match_list", _("Match history"), holds(HashPerm.MATCHES_VIEW), order=510))
        register(NavItem("hashing:api_key_list", _("API keys"), holds(HashPerm.API_KEYS_MANAGE), order=520))
