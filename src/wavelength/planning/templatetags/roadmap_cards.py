"""``{% roadmap_card feature ... %}``: a feature's card on the roadmap, built in Python.

A page of the timeline shows up to 120 cards; rendered through ``{% include %}`` each cost
about a millisecond of template work (most of the page's time), built here they cost a few
dozen microseconds. The markup is the one ``planning.js`` and the styles expect: the card, its
link, stage, team, tags and objectives, and (unless read-only) the "Move to" form that a drop
posts too.
"""

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from wavelength.catalog.models import Stage
from wavelength.core.templatetags.wavelength import stage_badge

register = template.Library()

_MOVE = (
    '<form class="card-move" method="post" action="{url}" hx-post="{url}" hx-target="#roadmap" '
    'hx-swap="outerHTML" hx-include="#roadmap-filters">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
    '<input type="hidden" name="view" value="{view}">'
    '<input type="hidden" name="next" value="{here}">'
    '<label class="visually-hidden" for="move-{key}">{label}</label>'
    '<select id="move-{key}" name="{field}">{options}</select>'
    '<button type="submit" class="btn btn-sm">{button}</button></form>'
)


def _meta(feature, stages: dict) -> SafeString:
    team = feature.owner_team
    parts = [stages[feature.stage]]
    if team is not None:
        parts.append(format_html('<span class="card-team">{}</span>', team.name))
    parts.extend(f'<span class="tag">#{escape(t.name)}</span>' for t in feature.card_tags)
    parts.extend(
        f'<span class="badge badge-accent">{escape(o.title)}</span>'
        for o in feature.card_objectives
    )
    return mark_safe("".join(parts))  # noqa: S308 - each part is escaped above


def _shared(context) -> dict:
    """What every card of one rendering shares, worked out once: the feature address's
    pattern and the translated words."""
    cache = context.render_context
    if "roadmap_card" not in cache:
        cache["roadmap_card"] = {
            "url": reverse("catalog:feature-detail", args=[0]).replace("/0/", "/{}/"),
            "move_to": _("Move “%(title)s” to"),
            "move": _("Move"),
            # The stage pills, as {% stage_badge %} draws them (get_stage_display is slow).
            "stages": {value: stage_badge(value, label) for value, label in Stage.choices},
        }
    return cache["roadmap_card"]


@register.simple_tag(takes_context=True)
def roadmap_card(context, feature, lane="", release=None) -> SafeString:
    """One card: ``view``, ``read_only``, ``shared``, ``moved``, ``here`` and ``csrf_token``
    come from the page's context; ``feature.move_url`` and ``feature.move_options`` from the
    view (built once per product)."""
    shared = _shared(context)
    view = context.get("view", "timeline")
    read_only = context.get("read_only", True)
    release_pk = release.pk if release is not None else None
    key = f"{view}-{lane}-{release_pk or ''}-{feature.pk}"
    moved = context.get("moved")
    classes = "card feature-card roadmap-card"
    if moved is not None and moved.pk == feature.pk:
        classes += " is-moved"
    drag = ""
    if not read_only:
        drag = format_html(
            ' draggable="true" data-move-url="{}" data-release="{}" data-column="{}" '
            'data-product="{}"',
            feature.move_url, release_pk or "", getattr(feature, "column", None) or "",
            feature.product_id,
        )  # fmt: skip
    if context.get("shared"):
        title = format_html("{}", feature.title)
    else:
        url = shared["url"].format(feature.pk)
        title = format_html('<a href="{}" draggable="false">{}</a>', url, feature.title)
    move = ""
    if not read_only:
        move = format_html(
            _MOVE, url=feature.move_url, csrf=context.get("csrf_token") or "", view=view,
            here=context.get("here", ""), key=key,
            label=shared["move_to"] % {"title": feature.title},
            field="column" if view == "board" else "release", options=feature.move_options,
            button=shared["move"],
        )  # fmt: skip
    return format_html(
        '<article class="{}" id="card-{}" aria-labelledby="card-title-{}"{}>'
        '<h4 class="card-title" id="card-title-{}">{}</h4><div class="card-meta">{}</div>{}'
        "</article>",
        classes, key, key, drag, key, title, _meta(feature, shared["stages"]), move,
    )  # fmt: skip
