from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "childshield.directory"
    label = "directory"
    verbose_name = "Services directory"

    def ready(self) -> None:
        from childshield.accounts.models import Membership
        from childshield.accounts.navigation import NavItem, register
        from childshield.accounts.permissions import may
        from childshield.directory.permissions import DirectoryPerm

        def reads_directory(membership: Membership | None) -> bool:
            return may(membership, DirectoryPerm.VIEW)

        register(NavItem("directory:resource_list", _("Services"), reads_directory, order=97))
