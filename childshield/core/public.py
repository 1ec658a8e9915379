"""Marks the pages anyone may open without signing in, such as a child's report and the help pages."""

from collections.abc import Callable
from typing import TypeVar

View = TypeVar("View", bound=Callable[..., object])


def public_page(view: View) -> View:
    """A page for the public: staff-session rules (two-factor, agency choice) never redirect away from it."""
    view.childshield_public = True  # type: ignore[attr-defined]
    return view


def is_public_page(view: Callable[..., object]) -> bool:
    return bool(getattr(view, "childshield_public", False))
