from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "childshield.learning"
    label = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.learning.permissions import LearningPerm

        register(NavItem("learning:poster_list", _("Posters"), holds(LearningPerm.POSTERS_MAKE), order=99))
