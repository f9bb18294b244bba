from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "wavelength.quality"
    label = "quality"
    verbose_name = _("Quality")

    def ready(self) -> None:
        from wavelength.catalog.demo import register_demo
        from wavelength.catalog.sections import register_section

        from . import gate, selectors, shipping, tasks  # noqa: F401 - tasks register their names

        gate.register()
        shipping.register()
        register_demo(
            40, _build_demo, label="test suites, cases, plans, runs, defects, inspections, gates"
        )

        register_section(
            "feature",
            "quality",
            title=_("Quality"),
            template="quality/_feature_section.html",
            loader=selectors.feature_quality,
            empty_text=_("No test case covers this feature yet."),
            order=30,
        )
        register_section(
            "feature",
            "defects",
            title=_("Open defects"),
            template="quality/_feature_defects.html",
            loader=selectors.feature_defects,
            empty_text=_("No open defect concerns this feature."),
            order=31,
        )
        register_section(
            "release",
            "quality",
            title=_("Test runs"),
            template="quality/_release_section.html",
            loader=selectors.release_quality,
            empty_text=_("No test run has been recorded for this release yet."),
            order=30,
        )
        register_section(
            "release",
            "inspections",
            title=_("Inspections"),
            template="quality/_inspections_section.html",
            loader=selectors.release_inspections,
            empty_text=_("No inspection checklist is defined."),
            order=31,
        )
        register_section(
            "product",
            "gate",
            title=_("Release gate"),
            template="quality/_product_gate.html",
            loader=selectors.product_gate,
            order=15,
            count=lambda items: items[0].criteria_set,
        )


def _build_demo(*, seed: int, now) -> None:
    from .demo import build_quality_demo

    build_quality_demo(seed=seed, now=now)
