"""Links places adds to accounts' pages through its registries (accounts may not name places' URLs)."""

from collections.abc import Iterable

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import may
from childshield.accounts.related import RelatedLink
from childshield.places.permissions import PlacesPerm


def agency_setup_links(agency: Model, acting: Membership | None) -> Iterable[RelatedLink]:
    """On the list of agencies: the page that changes an agency and the areas it serves, for those who may."""
    if not isinstance(agency, Agency) or not may(acting, PlacesPerm.AGENCIES_MANAGE):
        return []
    url = reverse("places:agency_edit", kwargs={"agency_id": agency.pk})
    return [RelatedLink(kind=_("Set up"), label=str(_("Details and areas served")), url=url)]
