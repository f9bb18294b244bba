from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "wavelength.training"
    label = "training"

    def ready(self) -> None:
        from wavelength.catalog.demo import register_demo

        from . import registrations, signals, tasks  # noqa: F401  (tasks: register the job names)

        registrations.register()
        signals.connect()
        register_demo(80, _build_demo)


def _build_demo(*, seed: int, now) -> None:
    from .demo import build_training_demo

    build_training_demo(now=now)
