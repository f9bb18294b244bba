from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wavelength.accounts"
    label = "accounts"
