"""Release gates: what must be true before a release ships.

The catalog cannot import the apps that know whether a release is ready (processes, quality…),
so each registers its criteria here from its ``AppConfig.ready()``::

    from wavelength.catalog.gates import GateResult, register_release_gate

    def _runs_complete(*, release) -> GateResult:
        missing = ...  # required playbooks without a completed run
        return GateResult(ok=not missing, detail=..., missing=[(label, url), ...])

    register_release_gate(
        "processes.runs_complete", label=_("Required playbook runs complete"),
        evaluate=_runs_complete, order=40,
    )

:func:`evaluate` runs every criterion; ``catalog.services.release_ship`` refuses to ship while
one fails, unless an administrator overrides with a reason, and freezes the verdict into the
``released`` activity. A criterion reads in a fixed number of queries and never writes; it
answers ``None`` when it does not apply to the release (it is then not part of its gate).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from wavelength.core.conditions import ConditionResult
from wavelength.core.exceptions import DomainError

# A criterion answers like a named condition: ok, a detail, and what is missing as (label, url).
GateResult = ConditionResult


@dataclass(frozen=True)
class GateCriterion:
    key: str
    label: str
    evaluate: Callable[..., GateResult | None]
    order: int = 100


@dataclass(frozen=True)
class Verdict:
    criterion: GateCriterion
    result: GateResult

    def as_payload(self) -> dict[str, Any]:
        return {
            "key": self.criterion.key,
            "label": str(self.criterion.label),
            "ok": self.result.ok,
            "detail": str(self.result.detail),
            "missing": [[str(label), url] for label, url in self.result.missing],
        }


class GateRefused(DomainError):
    """The release does not pass its gate (422), listing what is missing."""


class OverrideRefused(DomainError):
    status_code = 403


_registry: dict[str, GateCriterion] = {}


def register_release_gate(
    key: str, *, label: str, evaluate: Callable[..., GateResult | None], order: int = 100
) -> GateCriterion:
    """Add (or replace, when ``key`` is already taken) a release gate criterion."""
    criterion = GateCriterion(key=key, label=label, evaluate=evaluate, order=order)
    _registry[key] = criterion
    return criterion


def unregister_release_gate(key: str) -> None:
    _registry.pop(key, None)


def criteria() -> list[GateCriterion]:
    return sorted(_registry.values(), key=lambda c: (c.order, c.key))


def evaluate(release) -> list[Verdict]:
    """Every criterion's result for ``release``, in order. A criterion that does not apply to
    this release (its product's gate leaves it unset) answers ``None`` and is left out."""
    verdicts = []
    for criterion in criteria():
        result = criterion.evaluate(release=release)
        if result is not None:
            verdicts.append(Verdict(criterion=criterion, result=result))
    return verdicts


def passes(verdicts: list[Verdict]) -> bool:
    return all(v.result.ok for v in verdicts)


def check(release, *, actor, override_reason: str = "") -> tuple[list[Verdict], str]:
    """The verdicts, when the release may ship; refuses while a criterion fails, unless an
    administrator gives a reason to override. Returns the verdicts and the reason kept."""
    verdicts = evaluate(release)
    reason = (override_reason or "").strip()
    if passes(verdicts):
        return verdicts, ""
    if not reason:
        failing = [v for v in verdicts if not v.result.ok]
        lines = []
        for v in failing:
            missing = ", ".join(str(label) for label, _url in v.result.missing)
            lines.append(f"{v.criterion.label}: {missing or v.result.detail}")
        raise GateRefused(
            _("This release does not pass its gate: %(missing)s.") % {"missing": "; ".join(lines)},
            field="gate",
        )
    if not getattr(actor, "is_admin", False):
        raise OverrideRefused(
            _("Only an administrator can ship a release that does not pass its gate."),
            field="override_reason",
        )
    return verdicts, reason[:500]
