"""Wavelength figures a key result can follow instead of a value typed by hand.

A figure is computed from live data about an objective's linked features. Apps register
theirs from ``AppConfig.ready()``::

    from wavelength.planning.figures import register_figure

    register_figure("demand", label=_("Demand (feedback and votes)"), compute=demand_of)

``compute(*, user, objective)`` answers a number (or ``None`` when there is nothing to count
yet), reading in a fixed number of queries whatever the number of features.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

Compute = Callable[..., Decimal | int | float | None]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    compute: Compute
    unit: str = ""


_registry: dict[str, Figure] = {}


def register_figure(key: str, *, label, compute: Compute, unit: str = "") -> Figure:
    """Add (or replace, when ``key`` is taken) a figure key results can follow."""
    figure = Figure(key=key, label=label, compute=compute, unit=unit)
    _registry[key] = figure
    return figure


def unregister_figure(key: str) -> None:
    _registry.pop(key, None)


def figures() -> list[Figure]:
    return sorted(_registry.values(), key=lambda f: str(f.label))


def get(key: str) -> Figure | None:
    return _registry.get(key)


def choices() -> list[tuple[str, str]]:
    return [(f.key, f.label) for f in figures()]


def value_of(key: str, *, user, objective) -> Decimal | None:
    """The figure's value for ``objective`` now, as a two-place decimal."""
    figure = _registry.get(key)
    if figure is None:
        return None
    value = figure.compute(user=user, objective=objective)
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))
