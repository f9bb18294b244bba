"""The feature page's "Customer demand" section, registered from ``FeedbackConfig.ready()``.

An app above this one that adds to it (prioritisation shows the feature's trend and scores)
registers it again with its own template, which extends ``feedback/_feature_section.html``.
"""

from django.utils.translation import gettext_lazy as _

from wavelength.catalog.sections import register_feature_section

from . import selectors


def register_demand_section(template: str = "feedback/_feature_section.html"):
    return register_feature_section(
        "demand",
        title=_("Customer demand"),
        template=template,
        loader=selectors.companies_asking,
        empty_text=_("No customer feedback or portal vote is linked to this feature yet."),
        order=20,
    )
