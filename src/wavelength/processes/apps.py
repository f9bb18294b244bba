from django.apps import AppConfig


class ProcessesConfig(AppConfig):
    name = "wavelength.processes"
    label = "processes"

    def ready(self) -> None:
        from . import registrations, signals

        registrations.register()
        signals.connect()
