"""Named conditions Wavelength can evaluate: "all linked pages published", "page read"…

A playbook step's required check, a release gate criterion or any rule that must look at data
owned by another app names a condition by key instead of importing that app. Each app
registers the conditions it can answer from its ``AppConfig.ready()``::

    from wavelength.core.conditions import ConditionResult, register_condition

    def _pages_published(*, target, subject=None, params=None) -> ConditionResult:
        drafts = ...  # pages about ``target`` that are not published
        return ConditionResult(
            ok=not drafts,
            detail=_("%(n)d pages are not published") % {"n": len(drafts)},
            missing=[(p.title, p.get_absolute_url()) for p in drafts],
        )

    register_condition(
        "knowledge.pages_published",
        label=_("All linked pages published"),
        evaluate=_pages_published,
    )

``target`` is the object the check is about (a release, a feature, a customer, a person),
``subject`` the person a run is for when there is one, ``params`` the check's own settings
(``{"page": 12}``). An evaluator reads in a fixed number of queries and never writes.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ConditionResult:
    ok: bool
    detail: str = ""
    # What is missing, as (label, url) pairs the page can link to.
    missing: Sequence[tuple[str, str]] = field(default_factory=tuple)


Evaluator = Callable[..., ConditionResult]


@dataclass(frozen=True)
class Condition:
    key: str
    label: str
    evaluate: Evaluator
    description: str = ""
    # The params a check of this kind needs, e.g. ("page",); shown and validated by the caller.
    params: Sequence[str] = ()
    # ``choices(user=...)`` -> [(value, label)] for the first param, for a picker on forms.
    choices: Callable[..., Sequence[tuple[str, str]]] | None = None


_registry: dict[str, Condition] = {}


def register_condition(
    key: str,
    *,
    label: str,
    evaluate: Evaluator,
    description: str = "",
    params: Sequence[str] = (),
    choices: Callable[..., Sequence[tuple[str, str]]] | None = None,
) -> Condition:
    """Add (or replace, when ``key`` is already taken) a named condition."""
    condition = Condition(
        key=key,
        label=label,
        evaluate=evaluate,
        description=description,
        params=tuple(params),
        choices=choices,
    )
    _registry[key] = condition
    return condition


def unregister_condition(key: str) -> None:
    _registry.pop(key, None)


def get_condition(key: str) -> Condition | None:
    return _registry.get(key)


def condition_list() -> list[Condition]:
    """Every registered condition, by key."""
    return sorted(_registry.values(), key=lambda c: c.key)


def evaluate(
    key: str, *, target: Any, subject: Any = None, params: dict | None = None
) -> ConditionResult:
    """Evaluate the condition named ``key``; an unknown key is a failed check, not an error."""
    condition = _registry.get(key)
    if condition is None:
        return ConditionResult(ok=False, detail=_("Unknown condition “%(key)s”.") % {"key": key})
    return condition.evaluate(target=target, subject=subject, params=params or {})
