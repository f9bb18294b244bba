from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "wavelength.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge")

    def ready(self) -> None:
        from wavelength.catalog.demo import register_demo
        from wavelength.catalog.sections import register_section

        from . import conditions, selectors, signals

        for page, loader, title, empty in (
            (
                "feature",
                selectors.pages_about_feature,
                _("Pages about this feature"),
                _("No page mentions this feature yet."),
            ),
            (
                "release",
                selectors.pages_about_release,
                _("Pages about this release"),
                _("No page mentions this release yet."),
            ),
            (
                "product",
                selectors.pages_about_product,
                _("Pages about this product"),
                _("No page mentions this product yet."),
            ),
        ):
            register_section(
                page,
                "pages",
                title=title,
                template="knowledge/_about_section.html",
                loader=loader,
                empty_text=empty,
                order=40,
            )
        conditions.register()
        signals.connect()
        register_demo(20, _build_demo, label="docs: spaces, pages, versions and reviews")


def _build_demo(*, seed: int, now) -> None:
    from .demo import build_knowledge_demo

    build_knowledge_demo(now=now)
