from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "wavelength.portal"
    label = "portal"

    def ready(self) -> None:
        from wavelength.catalog.sections import register_feature_section
        from wavelength.feedback.demo import register_demo_step
        from wavelength.feedback.votes import register_votes

        from . import selectors
        from .demo import build_portal_demo
        from .models import PortalVote

        # Counted votes are demand: feedback's demand and prioritisation read them.
        register_votes(
            counted=lambda: PortalVote.objects.counted(),
            feature="idea__feature",
            company="contact__company",
            at="verified_at",
        )
        register_feature_section(
            "portal",
            title=_("Customer portal"),
            template="portal/_feature_section.html",
            loader=selectors.portal_section,
            empty_text=_("This feature is not on the customer portal."),
            order=25,
            count=_portal_votes,
        )
        register_demo_step(10, build_portal_demo)


def _portal_votes(items) -> int:
    """The portal section's number: the votes its idea counts (none while it is not open)."""
    idea = items[0]["idea"]
    return idea.vote_count if idea is not None else 0
