"""Puts the acting membership, the person's other memberships and the navigation in every template."""

from typing import Any

from django.http import HttpRequest

from childshield.accounts.navigation import navigation_for


def acting_for(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    return {
        "acting_membership": membership,
        "my_memberships": getattr(request, "memberships", []),
        "navigation": navigation_for(membership),
    }
