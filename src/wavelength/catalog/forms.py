"""Forms of the catalog pages. They parse input into typed values; the services decide the rules.

A :class:`~wavelength.core.exceptions.DomainError` raised by a service is put back on the
field it names with :func:`add_domain_error`, so the page shows it where the person typed.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wavelength.accounts.models import Team, User
from wavelength.core.forms import (
    VersionedForm,
    add_domain_error,  # noqa: F401 - other apps import it here
)

from .models import (
    Area,
    ChangelogEntry,
    Feature,
    Product,
    Release,
    ReleaseStatus,
    Stage,
    Tag,
    Visibility,
)
from .selectors import FeatureFilter
from .shipping import FEATURES_TO_CHOICES


def hx_reload(url: str, part: str) -> dict:
    """htmx attributes that re-read one part of the form from ``url`` when a choice changes."""
    return {"hx-get": url, "hx-target": part, "hx-select": part, "hx-swap": "outerHTML"}


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name or obj.email


def _people():
    return User.objects.filter(is_active=True).order_by("name", "email")


# Products ---------------------------------------------------------------------------------


class ProductForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, _italic_, lists, links, tables."),
    )


class AreaForm(forms.Form):
    name = forms.CharField(label=_("New area"), max_length=120)


# Features ---------------------------------------------------------------------------------


def tag_string(feature: Feature) -> str:
    return ", ".join(t.name for t in feature.tags.all())


class FeatureForm(VersionedForm):
    """Create (with ``product`` chosen) or edit (``feature`` given) a feature."""

    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.all(), to_field_name="slug"
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, _italic_, lists, links, tables."),
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, initial=Stage.IDEA)
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("No area")
    )
    owner_team = TeamChoiceField(
        label=_("Owner team"), queryset=Team.objects.all(), required=False, empty_label="—"
    )
    owner = PersonChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label="—"
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas, for example: billing, enterprise."),
    )

    def __init__(self, *args, product: Product | None = None, feature: Feature | None = None, **kw):
        super().__init__(*args, **kw)
        self.feature = feature
        self.fields["owner"].queryset = _people()
        if feature is not None:
            product = feature.product
            del self.fields["product"]
            allowed = [feature.stage, *feature.allowed_stages]
            self.fields["stage"].choices = [(s, Stage(s).label) for s in allowed]
            self.fields["stage"].help_text = _("Only the moves the lifecycle allows are listed.")
        else:
            self.fields["product"].widget.attrs.update(
                hx_reload(reverse("catalog:feature-create"), "#field-area")
            )
        if product is not None:
            self.fields["area"].queryset = product.areas.all()
        else:
            self.fields["area"].queryset = Area.objects.select_related("product")
            self.fields["area"].label_from_instance = lambda a: f"{a.product.name} · {a.name}"

    @classmethod
    def initial_for(cls, feature: Feature) -> dict:
        return {
            "title": feature.title,
            "description": feature.description,
            "stage": feature.stage,
            "area": feature.area_id,
            "owner_team": feature.owner_team_id,
            "owner": feature.owner_id,
            "tags": tag_string(feature),
        }

    def tag_names(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "stage": data["stage"],
            "area": data["area"],
            "owner_team": data["owner_team"],
            "owner": data["owner"],
            "tags": self.tag_names(),
        }


class MoveForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices)


# Releases ---------------------------------------------------------------------------------


class FeatureChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class ReleaseShipForm(VersionedForm):
    """The ship confirmation: where the features move, and an administrator's reason to ship
    past a failing gate. ``confirm`` is the confirmation page's own button."""

    confirm = forms.BooleanField(widget=forms.HiddenInput, required=True)
    features_to = forms.ChoiceField(
        label=_("When it ships, move its features to"),
        choices=FEATURES_TO_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    override_reason = forms.CharField(
        label=_("Reason to ship anyway"),
        max_length=500,
        required=False,
        help_text=_("Recorded in the release’s history."),
    )


class ReleaseForm(VersionedForm):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.all(), to_field_name="slug"
    )
    version = forms.CharField(
        label=_("Version"), max_length=40, help_text=_("For example 2.4 or 2025-06.")
    )
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    status = forms.ChoiceField(label=_("Status"), choices=ReleaseStatus.choices)
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    features = FeatureChoiceField(
        label=_("Features it ships"),
        queryset=Feature.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, product: Product | None = None, release: Release | None = None, **kw):
        super().__init__(*args, **kw)
        self.release = release
        if release is not None:
            product = release.product
            del self.fields["product"]
            self._limit_status(release)
        else:
            self.fields["product"].widget.attrs.update(
                hx_reload(reverse("catalog:release-create"), "#field-features")
            )
            # A release is born planned or in progress; it is marked released once it ships.
            self.fields["status"].choices = [
                (ReleaseStatus.PLANNED, ReleaseStatus.PLANNED.label),
                (ReleaseStatus.IN_PROGRESS, ReleaseStatus.IN_PROGRESS.label),
            ]
        if product is not None:
            self.fields["features"].queryset = product.features.order_by("title")

    def _limit_status(self, release: Release) -> None:
        field = self.fields["status"]
        if release.status == ReleaseStatus.RELEASED:
            field.choices = [(ReleaseStatus.RELEASED, ReleaseStatus.RELEASED.label)]
            field.disabled = True
            field.help_text = _("A shipped release keeps its status.")
        else:
            field.choices = [c for c in ReleaseStatus.choices if c[0] != ReleaseStatus.RELEASED]
            field.help_text = _("Use “Mark released” on the release page when it ships.")

    @classmethod
    def initial_for(cls, release: Release) -> dict:
        return {
            "version": release.version,
            "name": release.name,
            "description": release.description,
            "status": release.status,
            "target_date": release.target_date,
            "features": [f.pk for f in release.features.all()],
        }

    def feature_choices(self):
        """(feature, checked) pairs for the checkbox list, with the stage of each feature."""
        field = self["features"]
        raw = field.value() or []
        checked = {str(v) for v in raw}
        return [(f, str(f.pk) in checked) for f in self.fields["features"].queryset]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "version": data["version"],
            "name": data["name"],
            "description": data["description"],
            "target_date": data["target_date"],
            "features": list(data["features"]),
        }
        if not self.fields["status"].disabled:
            kwargs["status"] = data["status"]
        return kwargs


class ChangelogEntryForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, _italic_, lists, links, tables."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        widget=forms.RadioSelect,
        help_text=_("Public entries appear on the customer-facing changelog."),
    )

    @classmethod
    def initial_for(cls, entry: ChangelogEntry) -> dict:
        return {"title": entry.title, "body": entry.body, "visibility": entry.visibility}


# Filters (GET) ----------------------------------------------------------------------------


class _FilterForm(forms.Form):
    """A GET form: a value that does not parse is ignored rather than refused."""

    def value(self, name):
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) or None

    @property
    def active(self) -> bool:
        return any(self.value(name) for name in self.fields)


class BoardFilterForm(_FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    team = TeamChoiceField(
        label=_("Team"),
        queryset=Team.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All teams"),
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"),
        queryset=Tag.objects.all(),
        required=False,
        to_field_name="name",
        empty_label=_("All tags"),
    )

    def to_filter(self) -> FeatureFilter:
        team, tag = self.value("team"), self.value("tag")
        return FeatureFilter(
            team=team.pk if team else None, tag=tag.name if tag else None, q=self.value("q")
        )


class FeatureFilterForm(BoardFilterForm):
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All products"),
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices]
    )

    field_order = ["q", "product", "stage", "team", "tag"]

    def to_filter(self) -> FeatureFilter:
        f = super().to_filter()
        product = self.value("product")
        f.product = product.pk if product else None
        f.stage = self.value("stage")
        return f


class ReleaseFilterForm(_FilterForm):
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All products"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ReleaseStatus.choices]
    )


class ChangelogFilterForm(_FilterForm):
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All products"),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        required=False,
        choices=[("", _("Internal and public")), *Visibility.choices],
    )
