"""Marks the pages anyone may open without signing in, such as a child's report and the help pages,
and keeps the posts of their cookie-less forms to this site."""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponseForbidden
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

View = TypeVar("View", bound=Callable[..., object])
Params = ParamSpec("Params")


def public_page(view: View) -> View:
    """A page for the public: staff-session rules (two-factor, agency choice) never redirect away from it."""
    view.childshield_public = True  # type: ignore[attr-defined]
    return view


def is_public_page(view: Callable[..., object]) -> bool:
    return bool(getattr(view, "childshield_public", False))


def _from_this_site(request: HttpRequest) -> bool:
    """False only for a request that a browser says came from another site (decision 0002).

    Browsers that send no Origin, or "null" (privacy settings), are let through: the forms'
    one-time tokens and rate limits still apply to them.
    """
    origin = request.headers.get("Origin", "")
    if not origin or origin == "null" or origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    return urlsplit(origin).netloc == request.get_host()


def same_site_posts(
    view: Callable[Params, HttpResponseBase],
) -> Callable[Params, HttpResponseBase]:
    """A public form without a CSRF cookie (decision 0002): a POST from another site is refused (403)."""

    @wraps(view)
    def checked(*args: Params.args, **kwargs: Params.kwargs) -> HttpResponseBase:
        request = args[0]
        assert isinstance(request, HttpRequest)
        if request.method == "POST" and not _from_this_site(request):
            return HttpResponseForbidden(_("This form can only be sent from this site."))
        return view(*args, **kwargs)

    return checked
