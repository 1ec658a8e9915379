"""The `reason_label` filter: an audit reason as the reader's language says it."""

from django import template

from childshield.audit.reasons import reason_label as label_of

register = template.Library()


@register.filter
def reason_label(reason: str) -> str:
    return label_of(reason or "")
