"""The feature page's "Portal" section, registered from ``FeedbackConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from wavelength.catalog.sections import register_feature_section

from ..votes import register_votes
from . import selectors


def register_portal_section() -> None:
    from ..portal_models import PortalVote

    register_votes(
        counted=lambda: PortalVote.objects.counted(),
        feature="idea__feature",
        company="contact__company",
        at="verified_at",
    )
    register_feature_section(
        "portal",
        title=_("Customer portal"),
        template="feedback/_portal_section.html",
        loader=selectors.portal_section,
        empty_text=_("This feature is not on the customer portal."),
        order=25,
    )
