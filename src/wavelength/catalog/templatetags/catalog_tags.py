"""Template helpers of the catalog pages: ``{% load catalog_tags %}``."""

from django import template

from wavelength.catalog.models import Stage

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
