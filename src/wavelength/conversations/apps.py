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
        register_demo(60, _build_demo, label="comments, mentions and follows")


def _build_demo(*, seed: int, now) -> None:
    from .demo import build_conversations_demo

    build_conversations_demo(now=now)
