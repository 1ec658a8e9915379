"""Every URL pattern of the project, walked from the root resolver, with what each view answers to."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

LANGUAGES = ("en", "vi", "km")


@dataclass(frozen=True)
class Pattern:
    """One URL pattern: its name (or, unnamed, its namespace and route), its route under the
    language prefix (or not), and its view."""

    name: str
    route: str
    callback: Callable[..., Any]
    localised: bool
    named: bool

    @property
    def methods(self) -> set[str] | None:
        return allowed_methods(self.callback)

    @property
    def takes_get(self) -> bool:
        return self.methods is None or "GET" in self.methods

    @property
    def takes_post(self) -> bool:
        return self.methods is None or "POST" in self.methods

    def url(self, kwargs: dict[str, Any], language: str = "en") -> str:
        with translation.override(language):
            if self.named:
                return reverse(self.name, kwargs=kwargs)
        # An unnamed pattern (Django's admin has a few): its route with the arguments put in.
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(kwargs[match.group(1)]), self.route)
        return f"/{language}/{path}" if self.localised else f"/{path}"

    @property
    def arguments(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route) or re.findall(r"\(\?P<(\w+)>", self.route)


def url_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(patterns: list[Any], namespace: str, prefix: str, localised: bool) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                is_locale = type(pattern.pattern).__name__ == "LocalePrefixPattern"
                inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
                walk(
                    pattern.url_patterns,
                    inner,
                    prefix + ("" if is_locale else str(pattern.pattern)),
                    localised or is_locale,
                )
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if pattern.name:
                    name, named = (f"{namespace}:{pattern.name}" if namespace else pattern.name), True
                else:
                    name, named = f"{namespace}:(unnamed) {route}", False
                found.append(Pattern(name, route, pattern.callback, localised, named))

    walk(get_resolver().url_patterns, "", "", False)
    return found


def allowed_methods(callback: Callable[..., Any]) -> set[str] | None:
    """The methods a view answers (None: any), read from require_http_methods or the view class."""
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return {name.upper() for name in view_class.http_method_names if hasattr(view_class, name)}
    # Function views: the closure of require_http_methods (require_GET, require_POST), at any depth.
    function: Any = callback
    while function is not None:
        code = getattr(function, "__code__", None)
        cells = getattr(function, "__closure__", None) or ()
        closure = dict(zip(code.co_freevars, cells, strict=True)) if code else {}
        if "request_method_list" in closure:
            return {method.upper() for method in closure["request_method_list"].cell_contents}
        function = getattr(function, "__wrapped__", None)
    return None
