from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "wavelength.outreach"
    label = "outreach"

    def ready(self) -> None:
        from wavelength.catalog.sections import register_feature_section, register_section
        from wavelength.feedback.demo import register_demo_step

        from . import selectors, signals, tasks  # noqa: F401 - tasks: the jobs' names

        register_feature_section(
            "loop",
            title=_("Customers told"),
            template="outreach/loop_section.html",
            loader=selectors.loop_summary,
            order=25,
            count=lambda items: items[0].sent,  # customers told: the messages sent
        )
        # The company page (feedback's) lists its owner's follow-up tasks.
        register_section(
            "company",
            "follow-ups",
            title=_("Follow-ups"),
            template="outreach/_company_follow_ups.html",
            loader=selectors.follow_ups_for_company,
            empty_text=_("No follow-up to do."),
        )
        register_section(
            "company",
            "messages-sent",
            title=_("Messages sent"),
            template="outreach/_company_messages.html",
            loader=selectors.messages_to_company,
            empty_text=_("No close-the-loop message has been sent to its contacts yet."),
        )
        register_demo_step(30, _prepare_demo_messages)
        signals.connect()


def _prepare_demo_messages(**_context) -> None:
    """The demo's close-the-loop drafts for what already shipped."""
    from .services import loop_prepare_from_activity

    loop_prepare_from_activity()
