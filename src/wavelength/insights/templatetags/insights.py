"""The dashboard's counters drawn in Python: a figure's few lines cost more through the
template engine (an include, a ``{% url %}`` and a filter per line) than its aggregates cost
the database."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

register = template.Library()

COUNTER = (
    '<li><span class="row-main">{}</span><a class="row-side insights-count" href="{}" '
    'data-testid="count-{}-{}">{}</a></li>'
)


@register.simple_tag
def counters(figure, query: str) -> str:
    """``{% counters figure query %}``: each counter of ``figure`` and a link to the list it
    counts, under the dashboard's filters (``query``)."""
    lists: dict[str, str] = {}

    def href(counter) -> str:
        if counter.list not in lists:
            lists[counter.list] = reverse("insights:figure-list", args=[counter.list])
        extra = f"&{urlencode(counter.params)}" if counter.params else ""
        return f"{lists[counter.list]}?{query}{extra}"

    rows = format_html_join(
        "\n",
        COUNTER,
        ((c.label, href(c), figure.key, i, c.value) for i, c in enumerate(figure.counters, 1)),
    )
    return format_html('<ul class="row-list insights-counters" role="list">{}</ul>', rows)
