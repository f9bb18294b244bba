"""Template helpers of the feedback pages: ``{% load feedback_tags %}``."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .. import selectors

register = template.Library()


@register.filter
def money(value) -> str:
    """Whole units with thousands separators: 125000.00 → "125,000"."""
    try:
        amount = int(Decimal(value or 0))
    except (ArithmeticError, ValueError, TypeError):
        return ""
    return intcomma(amount)


@register.simple_tag(takes_context=True)
def feature_demand(context, feature):
    """``{% feature_demand feature as demand %}``: the feature's demand figures."""
    return selectors.feature_demand(user=context["request"].user, feature=feature)


@register.simple_tag
def choice_badge(kind: str, value: str, label: str) -> SafeString:
    """A small pill for a feedback status, type, sentiment or importance."""
    if not value:
        return format_html('<span class="muted">—</span>')
    return format_html('<span class="badge fb-{}-{}">{}</span>', kind, value, label)
