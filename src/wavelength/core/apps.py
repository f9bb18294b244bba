from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wavelength.core"
    label = "core"
