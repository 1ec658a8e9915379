from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "childshield.directory"
    label = "directory"
    verbose_name = "Services directory"

    def ready(self) -> None:
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.directory.permissions import DirectoryPerm

        register(NavItem("directory:resource_list", _("Services"), holds(DirectoryPerm.VIEW), order=97))
