"""Other apps' work shown on a person's "my work" page beside their playbook steps.

Processes owns the page but must not import the apps above or beside it; each app registers
what a person has to do from its ``AppConfig.ready()``::

    register_work("meetings.actions", title=_("My action items"),
                  template="meetings/_my_actions.html", loader=selectors.my_actions)

A loader ``(*, user) -> list`` reads in a fixed number of queries; the template receives
``items`` and ``work`` (the registration).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Work:
    key: str
    title: str
    template: str
    loader: Callable[..., Sequence[Any]]
    order: int = 100


_registry: dict[str, Work] = {}


def register_work(key: str, *, title: str, template: str, loader, order: int = 100) -> Work:
    """Add (or replace, when ``key`` is taken) a section of the "my work" page."""
    work = Work(key=key, title=title, template=template, loader=loader, order=order)
    _registry[key] = work
    return work


def unregister_work(key: str) -> None:
    _registry.pop(key, None)


def render_work(*, user) -> list[tuple[Work, list]]:
    """Each registered section with what its loader found for ``user``."""
    works = sorted(_registry.values(), key=lambda w: (w.order, w.key))
    return [(w, list(w.loader(user=user))) for w in works]
