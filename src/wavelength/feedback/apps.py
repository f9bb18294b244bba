from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "wavelength.feedback"
    label = "feedback"

    def ready(self) -> None:
        from wavelength.catalog.sections import register_feature_section

        from . import loop_selectors, loop_signals
        from .portal.section import register_portal_section
        from .sections import register_demand_section

        register_demand_section()
        register_portal_section()
        register_feature_section(
            "loop",
            title=_("Customers told"),
            template="feedback/loop_section.html",
            loader=loop_selectors.loop_summary,
            order=25,
        )
        loop_signals.connect()
