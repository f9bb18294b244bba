"""What the insights app adds to other pages: a link from a feature's page to its trace."""

from django.utils.translation import gettext_lazy as _

from wavelength.catalog.sections import register_section


def _feature_itself(*, user, feature):
    return [feature]


def register() -> None:
    register_section(
        "feature",
        "trace",
        title=_("Trace"),
        template="insights/_feature_trace_link.html",
        loader=_feature_itself,
        order=200,
    )
