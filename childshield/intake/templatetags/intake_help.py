"""`{% help_pages as pages %}`: the advice pages, for public pages outside intake (the public home)."""

from django import template

from childshield.intake.help_pages import HELP_PAGES, HelpPage

register = template.Library()


@register.simple_tag
def help_pages() -> tuple[HelpPage, ...]:
    return HELP_PAGES
