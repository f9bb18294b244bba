"""What a person confirms before a release ships, and where its features move when it does.

"Mark released" never ships from one click: it opens a confirmation that sums up the gate
verdict, the features the release ships and what other apps know about it. The catalog cannot
import those apps (quality knows the untested cases, the open defects and the inspections), so
each registers a part of the summary from its ``AppConfig.ready()``::

    from wavelength.catalog.shipping import SummaryPart, register_ship_summary

    def _untested(*, release) -> SummaryPart | None:
        return SummaryPart(count=3, detail=..., items=[(label, url), ...])

    register_ship_summary("quality.untested", title=_("Untested planned cases"),
                          summarise=_untested, order=10)

A part reads in a fixed number of queries and never writes; ``None`` leaves it out.

Shipping moves the release's features on to "generally available" (or "beta" for a beta
release, one whose version or name says beta), unless the person unticks it.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.core.exceptions import DomainError

from .models import Release, Stage

# Where shipping may move the features, and the choice to leave them where they are.
LEAVE = ""
SHIP_STAGES = (Stage.GENERALLY_AVAILABLE, Stage.BETA)
FEATURES_TO_CHOICES = [
    (Stage.GENERALLY_AVAILABLE.value, gettext_lazy("Generally available")),
    (Stage.BETA.value, gettext_lazy("Beta")),
    (LEAVE, gettext_lazy("Leave their stages as they are")),
]


@dataclass(frozen=True)
class SummaryPart:
    """One part of the confirmation: how many things need a look (0: none), what was
    measured, the first of them as (label, url), and counts by kind (e.g. by severity)."""

    count: int
    detail: str = ""
    items: Sequence[tuple[str, str]] = ()
    counts: Sequence[tuple[str, int]] = ()


@dataclass(frozen=True)
class SummarySource:
    key: str
    title: str
    summarise: Callable[..., SummaryPart | None]
    order: int = 100


@dataclass(frozen=True)
class NamedPart:
    key: str
    title: str
    part: SummaryPart


_registry: dict[str, SummarySource] = {}


def register_ship_summary(
    key: str, *, title: str, summarise: Callable[..., SummaryPart | None], order: int = 100
) -> SummarySource:
    """Add (or replace, when ``key`` is already taken) a part of the ship confirmation."""
    source = SummarySource(key=key, title=title, summarise=summarise, order=order)
    _registry[key] = source
    return source


def unregister_ship_summary(key: str) -> None:
    _registry.pop(key, None)


def summary_parts(release: Release) -> list[NamedPart]:
    """Every registered part for ``release``, in order (those that do not apply left out)."""
    parts = []
    for source in sorted(_registry.values(), key=lambda s: (s.order, s.key)):
        part = source.summarise(release=release)
        if part is not None:
            parts.append(NamedPart(key=source.key, title=str(source.title), part=part))
    return parts


def is_beta(release: Release) -> bool:
    """A beta release says so in its version or name ("2.0-beta", "Public beta")."""
    return "beta" in f"{release.version} {release.name}".lower()


def default_features_to(release: Release) -> str:
    """The stage the confirmation ticks by default for the release's features."""
    return Stage.BETA.value if is_beta(release) else Stage.GENERALLY_AVAILABLE.value


def stages_before(stage: str) -> list[str]:
    """The lifecycle stages a feature moves on from when it ships at ``stage``."""
    values = list(Stage.values)
    return values[: values.index(stage)]


def check_features_to(value: str | None) -> str:
    value = value or LEAVE
    if value != LEAVE and value not in SHIP_STAGES:
        raise DomainError(
            _("Shipping moves features to “generally available” or “beta”, or leaves them."),
            field="features_to",
        )
    return value


def require_confirmation(confirm) -> None:
    """Shipping is a decision: the API and the pages refuse it without an explicit yes."""
    if confirm is not True:
        raise DomainError(
            _("Confirm that the release ships, once its summary has been read."),
            field="confirm",
        )
