from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "wavelength.integrations"
    label = "integrations"

    def ready(self):
        from wavelength.catalog.demo import register_demo

        from . import signals, tasks  # noqa: F401 - tasks registers the job names

        signals.connect()
        # Last: a webhook registered earlier would be sent the other apps' demo events.
        register_demo(190, _build_demo, label="a webhook and its delivery log")


def _build_demo(*, seed: int, now) -> None:
    from .demo import build_webhooks_demo

    build_webhooks_demo(seed=seed, now=now)
