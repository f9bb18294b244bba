from django.apps import AppConfig


class PrioritisationConfig(AppConfig):
    name = "wavelength.prioritisation"
    label = "prioritisation"

    def ready(self) -> None:
        from wavelength.feedback.demo import register_demo_step
        from wavelength.feedback.sections import register_demand_section

        from . import conditions
        from .demo import build_prioritisation_demo

        conditions.register()

        # The feature page's demand section, with the feature's trend and scores added.
        register_demand_section(template="prioritisation/_feature_demand.html")
        register_demo_step(20, build_prioritisation_demo)
