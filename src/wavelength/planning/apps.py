from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "wavelength.planning"
    label = "planning"

    def ready(self) -> None:
        from wavelength.catalog.demo import register_demo

        from . import registrations

        registrations.register()
        register_demo(100, _build_demo)


def _build_demo(*, seed: int, now) -> None:
    from .demo import build_planning_demo

    build_planning_demo(now=now)
