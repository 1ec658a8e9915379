from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "childshield.places"
    label = "places"
    verbose_name = "Places"

    def ready(self) -> None:
        from childshield.accounts import related
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.accounts.permissions import Perm
        from childshield.places.links import agency_setup_links
        from childshield.places.permissions import PlacesPerm

        register(NavItem("places:area_list", _("Places"), holds(Perm.PLACES_VIEW), order=820))
        # Beside accounts' list of agencies, which links each agency's page here through `related`.
        register(
            NavItem("places:agency_new", _("Add an agency"), holds(PlacesPerm.AGENCIES_MANAGE), order=811)
        )
        register(
            NavItem(
                "places:helpline_list", _("Helpline numbers"), holds(PlacesPerm.HELPLINES_MANAGE), order=825
            )
        )
        related.register("accounts.Agency", agency_setup_links)
