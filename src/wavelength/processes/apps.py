from django.apps import AppConfig


class ProcessesConfig(AppConfig):
    name = "wavelength.processes"
    label = "processes"

    def ready(self) -> None:
        from wavelength.catalog.demo import register_demo

        from . import registrations, signals

        registrations.register()
        signals.connect()
        register_demo(30, _build_demo, label="playbooks, their runs and onboarding")


def _build_demo(*, seed: int, now) -> None:
    from .demo import build_processes_demo

    build_processes_demo(now=now)
