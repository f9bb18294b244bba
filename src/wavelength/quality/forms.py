"""Forms of the quality pages. They parse input; the services decide the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.accounts.models import Role, Team, User
from wavelength.catalog.models import Feature, Product, Release, ReleaseStatus
from wavelength.core.forms import VersionedForm

from .models import (
    Checklist,
    Defect,
    DefectStatus,
    Priority,
    ResultStatus,
    Severity,
    Suite,
    TestCase,
    TestPlan,
    TestResult,
)
from .selectors import CaseFilter, DefectFilter

BLANK = [("", "—")]


def split_tags(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class SuiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class FeatureChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class SuiteForm(VersionedForm):
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


class CaseForm(VersionedForm):
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


# Plans, runs and results ------------------------------------------------------------------


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.key} {obj.title}"


class PlanForm(VersionedForm):
    release = forms.ModelChoiceField(label=_("Release"), queryset=Release.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    suites = forms.ModelMultipleChoiceField(
        label=_("Whole suites"),
        queryset=Suite.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their sub-suites are included."),
    )
    tags = forms.CharField(
        label=_("Cases with these tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas."),
    )
    features = FeatureChoiceField(
        label=_("Cases covering these features"),
        queryset=Feature.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cases = CaseChoiceField(
        label=_("Cases picked by hand"),
        queryset=TestCase.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, product: Product, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # a plan stays with its release: its runs were made for that release
            del self.fields["release"]
        else:
            releases = product.releases.exclude(status=ReleaseStatus.CANCELLED)
            self.fields["release"].queryset = releases.order_by("-target_date", "-id")
        self.fields["suites"].queryset = Suite.objects.filter(product=product).order_by("name")
        self.fields["features"].queryset = product.features.order_by("title")
        self.fields["cases"].queryset = TestCase.objects.filter(
            product=product, archived=False
        ).order_by("title")

    @classmethod
    def initial_for(cls, plan: TestPlan) -> dict:
        return {
            "name": plan.name,
            "description": plan.description,
            "suites": [s.pk for s in plan.suites.all()],
            "tags": ", ".join(t.name for t in plan.tags.all()),
            "features": [f.pk for f in plan.features.all()],
            "cases": [c.pk for c in plan.cases.all()],
        }

    def case_choices(self):
        """(case, checked) pairs for the filterable checkbox list."""
        checked = {str(v) for v in (self["cases"].value() or [])}
        return [(c, str(c.pk) in checked) for c in self.fields["cases"].queryset]

    def service_kwargs(self) -> dict:
        data = self.values()
        data["tags_"] = split_tags(data.pop("tags"))
        return data


class ChecklistForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the review covers and when to do it."),
    )
    signoff_team = forms.ModelChoiceField(
        label=_("Signed off by"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("— any editor —"),
        help_text=_("A member of this team (or an administrator) signs the inspection off."),
    )
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:  # a new checklist has no version to clash with
            del self.fields["expected_version"]

    @classmethod
    def initial_for(cls, checklist) -> dict:
        return {
            "name": checklist.name,
            "description": checklist.description,
            "signoff_team": checklist.signoff_team_id,
            "expected_version": checklist.version,
        }

    def service_kwargs(self, items: list[str]) -> dict:
        data = {**self.values(), "items": items}
        if self.seen_version():  # the fingerprint covers the version number, and more
            data.pop("expected_version", None)
        return data


class ChecklistItemForm(forms.Form):
    text = forms.CharField(label=_("Item"), required=False, max_length=500)


class BaseChecklistItemFormSet(forms.BaseFormSet):
    """Rows of items; each row's position (Django's ORDER field) puts it in its place, rows
    without one keep their place after the numbered ones."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        order = form.fields[forms.formsets.ORDERING_FIELD_NAME]
        order.label = _("Position")
        order.widget.attrs.update({"min": 1, "class": "qa-item-position"})


ChecklistItemFormSet = forms.formset_factory(
    ChecklistItemForm,
    formset=BaseChecklistItemFormSet,
    extra=3,
    can_order=True,
    max_num=100,
    absolute_max=100,
)


def items_initial(items: list[str]) -> list[dict]:
    return [{"text": item, "ORDER": i + 1} for i, item in enumerate(items)]


def items_from(formset) -> list[tuple[forms.Form, str]]:
    """The non-blank rows in the order asked for, each with its text."""
    return [
        (f, f.cleaned_data["text"].strip())
        for f in formset.ordered_forms
        if f.cleaned_data.get("text", "").strip()
    ]


class RunForm(forms.Form):
    build = forms.CharField(
        label=_("Build"), max_length=120, help_text=_("For example 2.4.0-rc1 or a commit.")
    )
    environment = forms.CharField(
        label=_("Environment"), max_length=120, required=False, help_text=_("For example staging.")
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    assignees = forms.ModelMultipleChoiceField(
        label=_("Assignees"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editors = User.objects.filter(is_active=True, role__in=[Role.EDITOR, Role.ADMIN])
        self.fields["assignees"].queryset = editors.order_by("name", "email")


class ResultForm(VersionedForm):
    status = forms.ChoiceField(label=_("Result"), choices=ResultStatus.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    duration = forms.DecimalField(
        label=_("Duration (seconds)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=3,
    )

    def __init__(self, *args, result: TestResult, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = result.case_version.steps
        choices = [(s.value, s.label) for s in ResultStatus if s != ResultStatus.RETEST]
        for index, _step in enumerate(self.steps):
            self.fields[f"step_{index}"] = forms.ChoiceField(
                label=_("Step %(n)d") % {"n": index + 1}, choices=choices, required=False
            )

    @classmethod
    def initial_for(cls, result: TestResult) -> dict:
        initial = {
            "status": result.status,
            "notes": result.notes,
            "duration": None if result.duration_ms is None else result.duration_ms / 1000,
        }
        for index, status in enumerate(result.step_statuses):
            initial[f"step_{index}"] = status
        return initial

    def step_rows(self):
        return [(step, self[f"step_{i}"]) for i, step in enumerate(self.steps)]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        duration = data.get("duration")
        kwargs = {
            "status": data["status"],
            "notes": data["notes"],
            "duration_ms": None if duration is None else int(duration * 1000),
        }
        steps = [data.get(f"step_{i}") or ResultStatus.UNTESTED for i in range(len(self.steps))]
        if self.steps and any(s != ResultStatus.UNTESTED for s in steps):
            kwargs["step_statuses"] = steps
        return kwargs


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence"), help_text=_("A screenshot or a log; at most 10 MB.")
    )


# Defects ----------------------------------------------------------------------------------


class DefectForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    status = forms.ChoiceField(label=_("Status"), choices=DefectStatus.choices)
    steps = forms.CharField(
        label=_("Steps to reproduce"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown."),
    )
    external_key = forms.CharField(
        label=_("Tracker key"), max_length=64, required=False, help_text=_("For example PAY-123.")
    )
    external_url = forms.CharField(label=_("Tracker link"), max_length=500, required=False)

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["status"]

    @classmethod
    def initial_for(cls, defect: Defect) -> dict:
        return {name: getattr(defect, name) for name in cls.base_fields if name != "edit_version"}


class DefectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        empty_label=_("All products"),
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("Any severity")), *Severity.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Unresolved")), ("all", _("Any status")), *DefectStatus.choices],
    )

    def to_filter(self) -> DefectFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = data.get("status") or ""
        product = data.get("product")
        return DefectFilter(
            product=product.pk if product else None,
            severity=data.get("severity") or None,
            status=status if status not in ("", "all") else None,
            unresolved=status == "",
            q=data.get("q") or None,
        )

    @property
    def active(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())


class DefectLinkForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Link to"),
        choices=[("feedback", _("Feedback item")), ("customer", _("Customer"))],
    )
    object_id = forms.IntegerField(label=_("Id"), min_value=1, max_value=2**63 - 1)


class GateForm(VersionedForm):
    """A product's release-readiness gate; a criterion left blank is not part of it."""

    min_pass_rate = forms.IntegerField(
        label=_("Minimum pass rate (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Of the latest result of each case across the release's runs."),
    )
    blocking_severity = forms.ChoiceField(
        label=_("No open defect at or above"),
        required=False,
        choices=[("", _("— any severity may stay open —")), *Severity.choices],
        help_text=_("Defects found in the release or concerning a feature it ships."),
    )
    required_checklists = forms.ModelMultipleChoiceField(
        label=_("Required inspections"),
        queryset=Checklist.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each must be signed off for the release."),
    )
    require_coverage = forms.BooleanField(
        label=_("Every feature in the release covered by at least one test case"),
        required=False,
    )
    require_all_executed = forms.BooleanField(
        label=_("Every planned case executed (none left untested in the release's runs)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_checklists"].queryset = Checklist.objects.filter(
            archived=False
        ).order_by("name")

    @staticmethod
    def initial_for(gate) -> dict:
        return {
            "min_pass_rate": gate.min_pass_rate,
            "blocking_severity": gate.blocking_severity,
            "required_checklists": list(gate.required_checklists.all()) if gate.pk else [],
            "require_coverage": gate.require_coverage,
            "require_all_executed": gate.require_all_executed,
        }
