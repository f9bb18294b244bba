"""Forms of the planning pages. Edit forms carry the version they were built from."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.accounts.models import User
from wavelength.catalog.models import Feature, Product
from wavelength.core.forms import VersionedForm

from . import figures
from .models import Column


def _people():
    return User.objects.filter(is_active=True).order_by("name", "email")


class ObjectiveForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=_people())
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.all(), required=False
    )
    period_start = forms.DateField(
        label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"})
    )
    features = forms.ModelMultipleChoiceField(
        label=_("Features"),
        queryset=Feature.objects.select_related("product").order_by("product__name", "title"),
        required=False,
    )

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        if product is not None:  # an objective about one product links that product's features
            self.fields["features"].queryset = self.fields["features"].queryset.filter(
                product=product
            )
        self.fields["features"].label_from_instance = lambda f: f"{f.product.name} · {f.title}"


def objective_initial(objective) -> dict:
    return {
        "title": objective.title,
        "description": objective.description,
        "owner": objective.owner_id,
        "product": objective.product_id,
        "period_start": objective.period_start,
        "period_end": objective.period_end,
        "features": [f.pk for f in objective.features.all()],
    }


class KeyResultForm(VersionedForm):
    title = forms.CharField(label=_("Key result"), max_length=200)
    start = forms.DecimalField(label=_("Start value"), max_digits=14, decimal_places=2, initial=0)
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)
    current = forms.DecimalField(
        label=_("Current value"), max_digits=14, decimal_places=2, required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    figure = forms.ChoiceField(label=_("Follows"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = [("", _("A value updated by hand")), *figures.choices()]


def key_result_initial(key_result) -> dict:
    return {k: getattr(key_result, k) for k in ("title", "start", "target", "current", "unit",
                                                 "figure")}  # fmt: skip


class MoveForm(forms.Form):
    """Where a feature goes on the roadmap: a release, a column, or both; and why."""

    release = forms.CharField(required=False)  # a release id, "none", or empty: unchanged
    column = forms.CharField(required=False)  # a column, "none", or empty: unchanged
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)
    edit_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)


class PlanForm(forms.Form):
    """The prioritisation table's selection, planned at once."""

    features = forms.ModelMultipleChoiceField(
        label=_("Features"), queryset=Feature.objects.all(), required=True
    )
    target = forms.CharField(label=_("Plan into"))  # "release:<id>" or "column:<now|next|later>"
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)


COLUMN_CHOICES = Column.choices


class StandardForm(VersionedForm):
    """A product's stage standards: for each stage, the requirements a feature must meet."""

    def __init__(self, *args, options=(), stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        for stage, label in stages:
            self.fields[stage] = forms.MultipleChoiceField(
                label=label,
                choices=list(options),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def requirements(self) -> dict:
        return {k: v for k, v in self.values().items()}


class StageMoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=())
    override_reason = forms.CharField(
        label=_("Why move it without meeting the standard"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = list(stages)
