"""Session rules for staff: idle time-out, two-factor before anything else, and the acting membership."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from childshield.accounts.acting import set_acting
from childshield.accounts.selectors import membership_acting, memberships_for_user
from childshield.accounts.services import user_sign_out
from childshield.core.public import is_public_page

# Pages a signed-in person may reach before finishing two-factor authentication.
_TWO_FACTOR_EXEMPT = {
    "accounts:sign_in",
    "accounts:sign_out",
    "accounts:two_factor_verify",
    "accounts:two_factor_setup",
    "set_language",
    "healthz",
}


def _exempt_from_two_factor(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True
    return is_public_page(match.func) or match.view_name in _TWO_FACTOR_EXEMPT


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    # HTMX requests follow HX-Redirect; a plain 302 would be swapped into the page.
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class IdleTimeoutMiddleware:
    SESSION_KEY = "last_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.SESSION_KEY)
            if last_seen is not None and now - int(last_seen) > settings.IDLE_TIMEOUT_MINUTES * 60:
                user_sign_out(request=request, reason="idle time-out")
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity. Please sign in again.")
                    % {"minutes": settings.IDLE_TIMEOUT_MINUTES},
                )
                url = reverse("accounts:sign_in") + "?" + urlencode({"next": request.get_full_path()})
                return _redirect(request, url)
            request.session[self.SESSION_KEY] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """A signed-in person with no verified second factor reaches only sign-in pages.

    With REQUIRE_TWO_FACTOR off (the demo), people who set up an authenticator still must use it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # django-otp's middleware adds is_verified() to the signed-in user.
        verified = getattr(user, "is_verified", lambda: False)
        if user.is_authenticated and not verified() and not _exempt_from_two_factor(request):
            if user_has_device(user):
                return _redirect(request, reverse("accounts:two_factor_verify"))
            if settings.REQUIRE_TWO_FACTOR:
                return _redirect(request, reverse("accounts:two_factor_setup"))
        return self.get_response(request)


class ActingMembershipMiddleware:
    """Sets `request.membership` (the agency and role the signed-in person acts through now) and
    `request.memberships` (all their active ones), in one query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        memberships = list(memberships_for_user(user=request.user)) if request.user.is_authenticated else []
        set_acting(
            request,
            membership=membership_acting(request=request, memberships=memberships),
            memberships=memberships,
        )
        return self.get_response(request)


class SignedInResponsesNotStoredMiddleware:
    """Every answer to a signed-in person is sent with `Cache-Control: no-store`.

    Staff pages carry children's data (a case, a contact, a report, a reported item); no browser
    cache, shared computer or proxy may keep a copy. Set here, for every page at once, so that a new
    page cannot forget it. Visitors' pages (a child's report form) stay cacheable as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
