"""The sections of a feature's page: one per kind of thing that links to a feature.

The catalog sits at the bottom of the dependency graph, so it cannot import the apps that
point at features (feedback, quality, knowledge…). Instead each of them registers a section
here from its ``AppConfig.ready()``::

    from wavelength.catalog.sections import register_feature_section

    register_feature_section(
        "feedback",
        title=_("Customer feedback"),
        template="feedback/_feature_section.html",
        loader=feedback_selectors.feedback_for_feature,  # (*, user, feature) -> list
        empty_text=_("No feedback is linked to this feature yet."),
        order=20,
    )

The feature page renders every registered section in ``order``; the template receives
``section``, ``items`` (what the loader returned) and ``feature``. A loader must read in a
fixed number of queries and check permissions through its app's selectors.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

Loader = Callable[..., Sequence[Any]]


@dataclass(frozen=True)
class FeatureSection:
    key: str
    title: str
    template: str
    loader: Loader
    empty_text: str
    order: int = 100


@dataclass(frozen=True)
class RenderedSection:
    section: FeatureSection
    items: Sequence[Any]


_registry: dict[str, FeatureSection] = {}


def register_feature_section(
    key: str,
    *,
    title: str,
    template: str,
    loader: Loader,
    empty_text: str = "",
    order: int = 100,
) -> FeatureSection:
    """Add (or replace, when ``key`` is already taken) a section of the feature page."""
    section = FeatureSection(
        key=key,
        title=title,
        template=template,
        loader=loader,
        empty_text=empty_text or _("Nothing is linked to this feature yet."),
        order=order,
    )
    _registry[key] = section
    return section


def unregister_feature_section(key: str) -> None:
    _registry.pop(key, None)


def feature_sections() -> list[FeatureSection]:
    """Registered sections, in page order."""
    return sorted(_registry.values(), key=lambda s: (s.order, s.key))


def render_feature_sections(*, user, feature) -> list[RenderedSection]:
    """Each registered section with what its loader found for ``feature``."""
    return [
        RenderedSection(section=s, items=list(s.loader(user=user, feature=feature)))
        for s in feature_sections()
    ]


def _releases_shipping(*, user, feature):
    return feature.releases.select_related("product").order_by("-released_on", "-target_date")


# The catalog's own link (releases ship features) goes through the same door as the others.
register_feature_section(
    "releases",
    title=_("Releases"),
    template="catalog/sections/_releases.html",
    loader=_releases_shipping,
    empty_text=_("No release ships this feature yet."),
    order=10,
)
