"""Panels on any object's page, added by apps the page's own app cannot import.

Knowledge pages, defects, test runs and playbook runs sit below the apps that want to show
something on them (comments, say). Their templates call ``{% object_panels obj %}`` (from
``{% load wavelength %}``); an app above them registers a panel from its
``AppConfig.ready()``::

    from wavelength.core.panels import register_panel

    register_panel(
        "comments",
        template="conversations/_panel.html",
        applies=lambda obj: kinds.kind_of(obj) is not None,  # which objects get it
        loader=selectors.comment_panel,  # (*, user, obj) -> context dict, or None to hide
        order=50,
    )

The template receives the page's context plus what the loader returned. A loader reads in a
fixed number of queries and checks permissions through its own app's selectors.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ObjectPanel:
    key: str
    template: str
    loader: Callable[..., dict[str, Any] | None]
    applies: Callable[[Any], bool]
    order: int = 100


_registry: dict[str, ObjectPanel] = {}


def register_panel(
    key: str,
    *,
    template: str,
    loader: Callable[..., dict[str, Any] | None],
    applies: Callable[[Any], bool],
    order: int = 100,
) -> ObjectPanel:
    """Add (or replace, when ``key`` is taken) a panel shown on the pages of some objects."""
    panel = ObjectPanel(key=key, template=template, loader=loader, applies=applies, order=order)
    _registry[key] = panel
    return panel


def unregister_panel(key: str) -> None:
    _registry.pop(key, None)


def panels_for(*, user, obj) -> list[tuple[ObjectPanel, dict[str, Any]]]:
    """Each registered panel that applies to ``obj``, with what its loader found."""
    out = []
    for panel in sorted(_registry.values(), key=lambda p: (p.order, p.key)):
        if not panel.applies(obj):
            continue
        context = panel.loader(user=user, obj=obj)
        if context is not None:
            out.append((panel, context))
    return out
