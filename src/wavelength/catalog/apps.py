from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "wavelength.catalog"
    label = "catalog"
