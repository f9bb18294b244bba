"""Stage standards: what a feature must have before it enters a lifecycle stage.

The catalog moves features between stages but cannot know what a product asks of them (a
requirements page, an estimate, a test case…): the app that keeps each product's standards
registers a check here from its ``AppConfig.ready()``::

    from wavelength.catalog.standards import register_stage_check

    def _unmet(*, feature, stage) -> list[Unmet]:
        ...  # each requirement of the product's standard for ``stage`` that ``feature`` fails

    register_stage_check(_unmet, review_url=lambda feature, stage: ...)

:func:`check` runs every registered check; ``catalog.services.feature_move_stage`` refuses a
move while a requirement is unmet, unless an editor gives a reason to override, and keeps what
was unmet and why in the ``stage_changed`` activity.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from wavelength.core.exceptions import DomainError


@dataclass(frozen=True)
class Unmet:
    """A requirement the feature does not meet: its label, what was found, and the links
    (label, url) that lead to what is missing."""

    label: str
    detail: str = ""
    missing: Sequence[tuple[str, str]] = field(default_factory=tuple)

    def as_payload(self) -> dict:
        return {"label": str(self.label), "detail": str(self.detail)}


class StandardRefused(DomainError):
    """The feature does not meet the standard of the stage it would enter (422); ``unmet``
    lists what is missing and ``url`` the page that shows it with links."""

    def __init__(self, message: str, *, unmet: list[Unmet], url: str = ""):
        super().__init__(message, field="stage")
        self.unmet = unmet
        self.url = url


Check = Callable[..., list[Unmet]]
_checks: list[Check] = []
_review_url: list[Callable[..., str]] = []


def register_stage_check(check: Check, *, review_url: Callable[..., str] | None = None) -> None:
    """Add a check ``check(*, feature, stage) -> [Unmet]``; ``review_url(feature, stage)`` is
    the page where a refused move shows what is missing and can be overridden."""
    if check not in _checks:
        _checks.append(check)
    if review_url is not None:
        _review_url[:] = [review_url]


def unregister_stage_check(check: Check) -> None:
    if check in _checks:
        _checks.remove(check)


def unmet(feature, stage: str) -> list[Unmet]:
    """Every requirement of ``stage``'s standard that ``feature`` does not meet."""
    return [item for check in _checks for item in check(feature=feature, stage=stage)]


def review_url(feature, stage: str) -> str:
    return _review_url[0](feature, stage) if _review_url else ""


def check(feature, stage: str, *, override_reason: str = "") -> tuple[list[Unmet], str]:
    """What is unmet and the reason kept, when ``feature`` may enter ``stage``; refuses while a
    requirement is unmet and no reason is given."""
    missing = unmet(feature, stage)
    reason = (override_reason or "").strip()[:500]
    if not missing:
        return [], ""
    if not reason:
        labels = "; ".join(
            f"{item.label} ({item.detail})" if item.detail else str(item.label) for item in missing
        )
        raise StandardRefused(
            _("This feature does not meet the standard for this stage: %(missing)s. Give a "
              "reason to move it anyway.") % {"missing": labels},
            unmet=missing,
            url=review_url(feature, stage),
        )  # fmt: skip
    return missing, reason
