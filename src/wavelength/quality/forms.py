"""Forms of the quality pages. They parse input; the services decide the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.catalog.models import Feature, Product

from .models import Priority, Suite, TestCase
from .selectors import CaseFilter

BLANK = [("", "—")]


def split_tags(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class SuiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class FeatureChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class SuiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = SuiteChoiceField(
        label=_("Inside suite"),
        queryset=Suite.objects.none(),
        required=False,
        empty_label=_("— top level —"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, product: Product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Suite.objects.filter(product=product).order_by("name")


class StepForm(forms.Form):
    action = forms.CharField(
        label=_("Action"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected = forms.CharField(
        label=_("Expected result"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


StepFormSet = forms.formset_factory(StepForm, extra=2, max_num=200, absolute_max=200)


class CaseForm(forms.Form):
    suite = SuiteChoiceField(label=_("Suite"), queryset=Suite.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    preconditions = forms.CharField(
        label=_("Preconditions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas, for example: smoke, regression."),
    )
    features = FeatureChoiceField(
        label=_("Features it covers"),
        queryset=Feature.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    automation_id = forms.CharField(
        label=_("Automated test"),
        required=False,
        max_length=500,
        help_text=_("The test's id in CI reports, for example tests/test_login.py::test_sso."),
    )
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, product: Product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suite"].queryset = Suite.objects.filter(product=product).order_by("name")
        self.fields["features"].queryset = product.features.order_by("title")

    @classmethod
    def initial_for(cls, case: TestCase) -> dict:
        return {
            "suite": case.suite_id,
            "title": case.title,
            "preconditions": case.preconditions,
            "priority": case.priority,
            "tags": ", ".join(t.name for t in case.tags.all()),
            "features": [f.pk for f in case.features.all()],
            "automation_id": case.automation_id,
            "expected_version": case.version,
        }

    def service_kwargs(self, steps: list[dict]) -> dict:
        data = self.cleaned_data
        return {
            "suite": data["suite"],
            "title": data["title"],
            "preconditions": data["preconditions"],
            "priority": data["priority"],
            "tags_": split_tags(data["tags"]),
            "features": list(data["features"]),
            "automation_id": data["automation_id"],
            "steps_": steps,
        }


def steps_from(formset) -> list[dict]:
    return [
        {"action": f.cleaned_data.get("action", ""), "expected": f.cleaned_data.get("expected", "")}
        for f in formset.forms
        if f.is_valid() and f.cleaned_data
    ]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    suite = forms.IntegerField(required=False, widget=forms.HiddenInput)
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("Any priority")), *Priority.choices]
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    feature = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def to_filter(self, product: Product) -> CaseFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return CaseFilter(
            product=product.pk,
            suite=data.get("suite"),
            priority=data.get("priority") or None,
            tag=data.get("tag") or None,
            feature=data.get("feature"),
            q=data.get("q") or None,
        )

    @property
    def active(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())
