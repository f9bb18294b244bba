"""Forms of the processes pages. They parse input; the services decide the rules."""

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from wavelength.accounts.models import Team, User
from wavelength.catalog.models import Product
from wavelength.core import conditions
from wavelength.core.forms import VersionedForm

from .models import CheckKind, OwnerKind, Playbook, RunStatus
from .services import StepSpec

PARAM_SEP = "|"


class PlaybookForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("When to run it and what it achieves. Markdown is supported."),
    )


class PlaybookCreateForm(PlaybookForm):
    first_step = forms.CharField(
        label=_("First step"),
        max_length=200,
        help_text=_("You can add the other steps, owners and checks next."),
    )


def condition_choices(user) -> list:
    """The condition picker: each registered condition, with its parameter's choices."""
    out: list = [("", _("Choose a condition…"))]
    for condition in conditions.condition_list():
        if condition.params and condition.choices is not None:
            options = [
                (f"{condition.key}{PARAM_SEP}{value}", label)
                for value, label in condition.choices(user=user)
            ]
            out.append((condition.label, options or [(condition.key, _("(nothing to choose)"))]))
        else:
            out.append((condition.key, condition.label))
    return out


class StepForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(
        label=_("Instructions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What to do and where. Markdown: lists, links, tables."),
    )
    owner_kind = forms.ChoiceField(label=_("Owner"), choices=OwnerKind.choices)
    owner_team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("Choose a team…"),
        help_text=_("When a team owns the step, any member can take it."),
    )
    due_offset_days = forms.IntegerField(
        label=_("Due (days after the start)"), initial=0, min_value=-3650, max_value=3650
    )
    depends_on = forms.TypedMultipleChoiceField(
        label=_("Waits for"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    check_kind = forms.ChoiceField(
        label=_("Required check"), choices=CheckKind.choices, required=False
    )
    approver = forms.ModelChoiceField(
        label=_("Approver"),
        queryset=User.objects.filter(is_active=True, role__in=["admin", "editor"]),
        required=False,
        empty_label=_("Any editor but the person who completed it"),
    )
    condition = forms.ChoiceField(label=_("Condition"), required=False)
    condition_param = forms.CharField(
        label=_("Condition setting"),
        required=False,
        max_length=200,
        help_text=_("Only for a condition that needs a value and offers no list."),
    )

    def __init__(self, *args, user=None, step_titles=(), own_position=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depends_on"].choices = [
            (i + 1, f"{i + 1}. {title}")
            for i, title in enumerate(step_titles)
            if own_position is None or i + 1 != own_position
        ]
        self.fields["condition"].choices = condition_choices(user)
        if not conditions.condition_list():
            self.fields["condition"].help_text = _("No condition is available in this workspace.")

    @classmethod
    def initial_for(cls, spec: StepSpec) -> dict:
        condition = spec.condition_key
        params = spec.condition_params or {}
        registered = conditions.get_condition(condition)
        param = ""
        if registered and registered.params:
            param = str(params.get(registered.params[0], ""))
            if registered.choices is not None:
                condition = f"{condition}{PARAM_SEP}{param}"
        return {
            "title": spec.title,
            "instructions": spec.instructions,
            "owner_kind": spec.owner_kind,
            "owner_team": spec.owner_team,
            "due_offset_days": spec.due_offset_days,
            "depends_on": list(spec.depends_on),
            "check_kind": spec.check_kind,
            "approver": spec.approver,
            "condition": condition,
            "condition_param": param,
        }

    def spec(self) -> StepSpec:
        data = self.cleaned_data
        key, _sep, value = (data.get("condition") or "").partition(PARAM_SEP)
        registered = conditions.get_condition(key)
        params = {}
        if registered and registered.params:
            params[registered.params[0]] = value or (data.get("condition_param") or "").strip()
        return StepSpec(
            title=data["title"],
            instructions=data["instructions"],
            owner_kind=data["owner_kind"],
            owner_team=data["owner_team"],
            due_offset_days=data["due_offset_days"],
            depends_on=data["depends_on"],
            check_kind=data["check_kind"],
            approver=data["approver"],
            condition_key=key,
            condition_params=params,
        )


def _option_groups():
    """The things a run can be for, as option groups of the target picker."""
    groups = []
    release = apps.get_model("catalog", "Release")
    groups.append(
        (
            _("Releases"),
            [
                (f"release:{r.pk}", str(r))
                for r in release.objects.select_related("product")
                .exclude(status__in=["released", "cancelled"])
                .order_by("product__name", "-id")[:200]
            ],
        )
    )
    feature = apps.get_model("catalog", "Feature")
    groups.append(
        (
            _("Features"),
            [
                (f"feature:{f.pk}", f.title)
                for f in feature.objects.order_by("-updated_at").only("pk", "title")[:300]
            ],
        )
    )
    if apps.is_installed("wavelength.feedback"):
        company = apps.get_model("feedback", "Company")
        groups.append(
            (
                _("Customers"),
                [(f"customer:{c.pk}", c.name) for c in company.objects.order_by("name")[:300]],
            )
        )
    groups.append(
        (
            _("People"),
            [
                (f"person:{u.pk}", str(u))
                for u in User.objects.filter(is_active=True).order_by("name", "email")
            ],
        )
    )
    return [(label, options) for label, options in groups if options]


class RunStartForm(forms.Form):
    playbook = forms.ModelChoiceField(
        label=_("Playbook"),
        queryset=Playbook.objects.filter(current_version__isnull=False).order_by("name"),
        to_field_name="slug",
        empty_label=_("Choose a playbook…"),
    )
    target = forms.ChoiceField(label=_("For"), required=False)
    started_on = forms.DateField(
        label=_("Start date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Due dates count from this day. Today when empty."),
    )
    title = forms.CharField(label=_("Title"), max_length=250, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("Nothing in particular")), *_option_groups()]


class RunFilterForm(forms.Form):
    playbook = forms.ModelChoiceField(
        label=_("Playbook"),
        queryset=Playbook.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        empty_label=_("All playbooks"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *RunStatus.choices]
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        empty_label=_("All products"),
    )

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(k) for k in self.fields)


STEP_STATUS_CHOICES = [
    ("", _("To do")),
    ("blocked", _("Blocked")),
    ("overdue", _("Overdue")),
    ("done", _("Done")),
    ("all", _("All")),
]


class StepFilterForm(RunFilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STEP_STATUS_CHOICES)
    product = None


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_url = forms.CharField(label=_("Evidence link"), required=False, max_length=500)


class RequiredPlaybooksForm(VersionedForm):
    playbooks = forms.ModelMultipleChoiceField(
        label=_("Required playbooks"),
        queryset=Playbook.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TeamOnboardingForm(VersionedForm):
    playbook = forms.ModelChoiceField(
        label=_("Onboarding playbook"),
        queryset=Playbook.objects.filter(current_version__isnull=False).order_by("name"),
        required=False,
        empty_label=_("None (off)"),
    )
