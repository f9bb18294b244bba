from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "wavelength.integrations"
    label = "integrations"

    def ready(self):
        from . import signals, tasks  # noqa: F401 - tasks registers the job names

        signals.connect()
