"""The language switcher as plain links to this page in each language: works without JavaScript or cookies."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()

# Django names Khmer "Khmer" in its own list; people choosing a language look for its own script.
LOCAL_NAMES = {"vi": "Tiếng Việt", "km": "ខ្មែរ", "en": "English"}


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[LanguageLink]:
    request: HttpRequest | None = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    return [
        LanguageLink(
            code=code,
            name=LOCAL_NAMES.get(code) or get_language_info(code)["name_local"],
            url=translate_url(path, code),
            current=code == current,
        )
        for code, _name in settings.LANGUAGES
    ]
