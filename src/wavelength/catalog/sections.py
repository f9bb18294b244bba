"""The sections of a feature's, a release's and a product's page: one per kind of thing that
links to it.

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

Release and product pages have sections too: ``register_section("release", key, ...)`` with a
loader ``(*, user, release) -> list`` (``(*, user, product)`` for ``"product"``); their
templates receive ``release`` or ``product`` in the same way.

An app's own page can take sections from the apps above it the same way: feedback's company
page renders ``render_sections("company", user=..., obj=company)``, and the outreach registers
``register_section("company", "follow-ups", ...)`` with a loader ``(*, user, company)``.

The number next to a section's title is how many items its loader returned; a section whose
loader returns one item carrying several lists passes ``count=`` (``items -> int``) to say
what to count instead.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

Loader = Callable[..., Sequence[Any]]


PAGES = ("feature", "release", "product")


@dataclass(frozen=True)
class FeatureSection:
    """A section of one kind of page (the name is kept from when only features had them)."""

    key: str
    title: str
    template: str
    loader: Loader
    empty_text: str
    order: int = 100
    count: Callable[[Sequence[Any]], int] | None = None


@dataclass(frozen=True)
class RenderedSection:
    section: FeatureSection
    items: Sequence[Any]

    @property
    def count(self) -> int:
        """The number shown next to the section's title."""
        if self.section.count is not None and self.items:
            return self.section.count(self.items)
        return len(self.items)


_registry: dict[str, dict[str, FeatureSection]] = {page: {} for page in PAGES}


def register_section(
    page: str,
    key: str,
    *,
    title: str,
    template: str,
    loader: Loader,
    empty_text: str = "",
    order: int = 100,
    count: Callable[[Sequence[Any]], int] | None = None,
) -> FeatureSection:
    """Add (or replace, when ``key`` is already taken) a section of ``page``'s page."""
    section = FeatureSection(
        key=key,
        title=title,
        template=template,
        loader=loader,
        empty_text=empty_text or _("Nothing is linked to this feature yet."),
        order=order,
        count=count,
    )
    _registry.setdefault(page, {})[key] = section
    return section


def register_feature_section(key: str, **kwargs) -> FeatureSection:
    """A section of the feature page (see :func:`register_section`)."""
    return register_section("feature", key, **kwargs)


def unregister_section(page: str, key: str) -> None:
    _registry.get(page, {}).pop(key, None)


def unregister_feature_section(key: str) -> None:
    unregister_section("feature", key)


def sections_of(page: str) -> list[FeatureSection]:
    """Registered sections of ``page``, in page order."""
    return sorted(_registry.get(page, {}).values(), key=lambda s: (s.order, s.key))


def feature_sections() -> list[FeatureSection]:
    return sections_of("feature")


def render_sections(page: str, *, user, obj) -> list[RenderedSection]:
    """Each registered section of ``page`` with what its loader found for ``obj``."""
    return [
        RenderedSection(section=s, items=list(s.loader(user=user, **{page: obj})))
        for s in sections_of(page)
    ]


def render_feature_sections(*, user, feature) -> list[RenderedSection]:
    return render_sections("feature", user=user, obj=feature)


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
