"""Template helpers of the catalog pages: ``{% load catalog_tags %}``."""

import re
from html import unescape

from django import template
from django.utils.html import strip_tags
from django.utils.text import Truncator

from wavelength.catalog.models import Stage
from wavelength.core.markdown import render

register = template.Library()


@register.filter
def stage_label(value) -> str:
    try:
        return Stage(value).label
    except ValueError:
        return value


@register.filter
def allowed_moves(feature) -> list[tuple[str, str]]:
    """``(stage, label)`` for each stage the lifecycle lets ``feature`` move to."""
    return [(s, Stage(s).label) for s in feature.allowed_stages]


@register.filter
def allowed_stage_values(feature) -> str:
    """The allowed next stages as a space-separated list (for drag-and-drop hints)."""
    return " ".join(str(s) for s in feature.allowed_stages)


_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


@register.filter
def summary(text, length: int = 220) -> str:
    """The first paragraph of some Markdown as plain text, cut at ``length`` characters."""
    match = _FIRST_PARAGRAPH.search(render(text))
    plain = strip_tags(match.group(1)) if match else ""
    return Truncator(unescape(plain)).chars(int(length))
