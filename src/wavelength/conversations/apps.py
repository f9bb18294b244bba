from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "wavelength.conversations"
    label = "conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        from wavelength.catalog.demo import register_demo

        from . import kinds, panels, signals

        kinds.register_builtin()
        panels.register()
        signals.connect()
        _timeline_values()
        register_demo(60, _build_demo, label="comments, mentions and follows")


def _timeline_values() -> None:
    """How a release's timeline names the verdicts of a gate verdict flip."""
    from wavelength.core import timeline

    timeline.register_values(
        "gate_verdict",
        label=_("Release gate"),
        choices=[("passing", _("passes")), ("failing", _("not passing"))],
    )


def _build_demo(*, seed: int, now) -> None:
    from .demo import build_conversations_demo

    build_conversations_demo(now=now)
