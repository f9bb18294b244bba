from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "wavelength.insights"
    label = "insights"

    def ready(self) -> None:
        from wavelength.catalog.demo import register_demo

        from . import receivers, registrations, tasks  # noqa: F401 - tasks register their names

        registrations.register()
        receivers.connect()
        register_demo(110, _build_demo, label="insights")


def _build_demo(*, seed: int, now) -> None:
    from .demo import build_insights_demo

    build_insights_demo(now=now)
