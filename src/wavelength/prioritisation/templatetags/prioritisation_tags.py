"""Template helpers of prioritisation: ``{% load prioritisation_tags %}``."""

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import selectors
from ..formulas import SHIPPED_TEXTS

register = template.Library()


@register.simple_tag(takes_context=True)
def feature_trend_chart(context, feature) -> dict:
    """``{% feature_trend_chart feature as trend %}``: feedback items and portal votes per
    month over the last 12 months, shaped for a ``data-chart`` bar chart (app.js)."""
    months = selectors.feature_trend(user=context["request"].user, feature=feature)
    labels = [date_format(m.month, "M Y") for m in months]
    return {
        "type": "bar",
        "axis": "x",
        "labels": labels,
        "values": [m.count for m in months],
        "label": _("Items and votes"),
        "total": sum(m.count for m in months),
        "summary": ", ".join(f"{label} {m.count}" for label, m in zip(labels, months, strict=True)),
    }


@register.simple_tag(takes_context=True)
def feature_scores(context, feature):
    """``{% feature_scores feature as scores %}``: demand, estimates and explained scores."""
    return selectors.feature_scores(user=context["request"].user, feature=feature)


@register.filter
def formula_text(text: str) -> str:
    """A formula's expression or description in the reader's language when it is one of the
    shipped formulas' texts (``formulas.SHIPPED_TEXTS``); as written otherwise."""
    return _(text) if text in SHIPPED_TEXTS else text
