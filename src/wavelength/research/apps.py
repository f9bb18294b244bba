from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "wavelength.research"
    label = "research"

    def ready(self) -> None:
        from wavelength.catalog.demo import register_demo

        from . import registrations, tasks  # noqa: F401 - tasks register their names

        registrations.register()
        register_demo(90, _build_demo)


def _build_demo(*, seed: int, now) -> None:
    from .demo import build_research_demo

    build_research_demo(now=now)
