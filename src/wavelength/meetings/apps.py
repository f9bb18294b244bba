from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "wavelength.meetings"
    label = "meetings"

    def ready(self) -> None:
        from . import registrations

        registrations.register()
