"""What the research app adds to other pages: a feature's measured outcome (the surveys about
it and their score) beside its demand."""

from django.utils.translation import gettext_lazy as _

from wavelength.catalog.sections import register_section


def _feature_outcome(*, user, feature):
    from .selectors import feature_outcome

    return feature_outcome(user=user, feature=feature)


def register() -> None:
    register_section(
        "feature",
        "outcome",
        title=_("Measured outcome"),
        template="research/_feature_outcome.html",
        loader=_feature_outcome,
        empty_text=_("No survey has measured this feature yet."),
        order=25,
    )
