"""The named condition the prioritisation app answers: "the feature is estimated" (a stage
standard can require it, see ``planning.standards``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.core.conditions import ConditionResult, register_condition

from .models import FeatureScore


def estimated(*, target, subject=None, params=None) -> ConditionResult:
    """Someone estimated the feature's effort (one query)."""
    effort = (
        FeatureScore.objects.filter(feature_id=target.pk).values_list("effort", flat=True).first()
    )
    if effort:
        return ConditionResult(
            ok=True, detail=_("%(n)s person-months") % {"n": f"{effort.normalize():f}"}
        )
    url = reverse("prioritisation:prioritisation-edit", args=[target.pk])
    return ConditionResult(
        ok=False,
        detail=_("Its effort is not estimated."),
        missing=[(_("Estimate it"), url)],
    )


def register() -> None:
    register_condition(
        "feature.estimate",
        label=gettext_lazy("An estimate"),
        description=gettext_lazy("The feature's effort is estimated (prioritisation)."),
        evaluate=estimated,
    )
