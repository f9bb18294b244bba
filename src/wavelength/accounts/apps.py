from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wavelength.accounts"
    label = "accounts"

    def ready(self):
        from . import audit  # noqa: F401 - connects the sign-in signals
