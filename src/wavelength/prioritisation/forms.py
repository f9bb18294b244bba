"""Forms of the prioritisation table: its filters and sort, and one feature's estimates."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wavelength.catalog.forms import FeatureFilterForm
from wavelength.catalog.models import Feature
from wavelength.core.forms import VersionedForm

from .formulas import plain_number
from .models import CONFIDENCE_CHOICES, IMPACT_CHOICES
from .selectors import DEFAULT_SORT, SORTS, PrioritisationFilter

SORT_LABELS = {
    "rice": _("RICE"),
    "value_effort": _("Value/effort"),
    "feedback": _("Feedback"),
    "companies": _("Companies"),
    "revenue": _("Revenue"),
    "effort": _("Effort"),
    "support": _("Support"),
    "defects": _("Defects"),
    "load": _("Load"),
    "title": _("Title"),
}
SORT_CHOICES = [
    choice
    for name in SORTS
    for choice in (
        (f"-{name}", format_lazy("{} ↓", SORT_LABELS[name])),
        (name, format_lazy("{} ↑", SORT_LABELS[name])),
    )
]


def _objectives():
    """The objectives features serve (the planning app's), read through the catalog's
    relation so this app does not import the planning app."""
    model = Feature._meta.get_field("objectives").related_model
    return model.objects.order_by("-period_end", "title", "pk")


class PrioritisationFilterForm(FeatureFilterForm):
    tag = None
    objective = forms.ModelChoiceField(
        label=_("Objective"), queryset=None, required=False, empty_label=_("All objectives")
    )
    group = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("", _("No grouping")), ("objective", _("Group by objective"))],
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    field_order = ["q", "product", "stage", "team", "objective", "group", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = _objectives()

    def to_filter(self) -> PrioritisationFilter:
        f = super().to_filter()
        objective = self.value("objective")
        return PrioritisationFilter(
            product=f.product, stage=f.stage, team=f.team, q=f.q, sort=self.sort_key,
            objective=objective.pk if objective else None, group=self.value("group"),
        )  # fmt: skip

    @property
    def sort_key(self) -> str:
        return self.value("sort") or DEFAULT_SORT

    @property
    def active(self) -> bool:
        return any(self.value(name) for name in self.fields if name not in ("sort", "group"))


class ScoreForm(VersionedForm):
    """The estimates as typed; the service checks them and names any bad field."""

    reach = forms.CharField(
        label=_("Reach"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
    )
    impact = forms.ChoiceField(
        label=_("Impact"), choices=[(str(v), lbl) for v, lbl in IMPACT_CHOICES]
    )
    confidence = forms.ChoiceField(
        label=_("Confidence"), choices=[(str(v), lbl) for v, lbl in CONFIDENCE_CHOICES]
    )
    effort = forms.CharField(
        label=_("Effort (person-months)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0.01, "step": "any", "inputmode": "decimal"}),
    )
    value = forms.CharField(
        label=_("Value"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "step": "any", "inputmode": "decimal"}),
    )

    @staticmethod
    def initial_for(scores) -> dict:
        estimate = scores.estimate
        return {
            "reach": estimate.reach if estimate and estimate.reach is not None else "",
            "impact": plain_number(scores.inputs.impact),
            "confidence": str(scores.inputs.confidence),
            "effort": plain_number(scores.inputs.effort) if scores.inputs.effort else "",
            "value": plain_number(estimate.value)
            if estimate and estimate.value is not None
            else "",
        }

    def service_kwargs(self) -> dict:
        data = self.values()
        for name in ("reach", "effort", "value"):
            data[name] = data[name].strip() or None
        return data
