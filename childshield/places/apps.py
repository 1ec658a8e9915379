from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "childshield.places"
    label = "places"
    verbose_name = "Places"

    def ready(self) -> None:
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.accounts.permissions import Perm

        register(NavItem("places:area_list", _("Places"), holds(Perm.PLACES_VIEW), order=820))
