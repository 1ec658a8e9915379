"""Template context: the helpline numbers of the country this installation serves."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from childshield.places.models import HelplineNumber
from childshield.places.selectors import helplines_for_country


def helplines(request: HttpRequest) -> dict[str, object]:
    """{"helplines": [...]}, queried once and only if a template reads it."""

    def load() -> list[HelplineNumber]:
        return list(helplines_for_country(country=settings.CHILDSHIELD_COUNTRY))

    return {"helplines": SimpleLazyObject(load)}
