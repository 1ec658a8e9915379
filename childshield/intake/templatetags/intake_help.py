"""`{% help_pages as pages %}`: the advice pages for children (the library registers them through
`intake.hooks.on_advice_pages`), for public pages outside intake (the public home)."""

from django import template

from childshield.intake.hooks import AdviceLink, advice_pages

register = template.Library()


@register.simple_tag
def help_pages() -> list[AdviceLink]:
    return advice_pages()
