from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "wavelength.integrations"
    label = "integrations"
