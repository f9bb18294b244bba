from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "wavelength.meetings"
    label = "meetings"

    def ready(self) -> None:
        from wavelength.catalog.demo import register_demo

        from . import registrations

        registrations.register()
        register_demo(70, _build_demo, label="meeting series, agendas, decisions, action items")


def _build_demo(*, seed: int, now) -> None:
    from .demo import build_meetings_demo

    build_meetings_demo(now=now)
