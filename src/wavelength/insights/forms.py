"""Forms of the insights pages: a saved view, and the weekly report's subscription."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.accounts.models import Team
from wavelength.catalog.models import Product
from wavelength.core.forms import VersionedForm

from .models import SavedView
from .scopes import PERIODS


def _teams_of(user):
    qs = Team.objects.order_by("name")
    return qs if user.is_admin else qs.filter(memberships__user=user)


class SavedViewForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    address = forms.CharField(
        label=_("Address of the page"),
        max_length=2000,
        help_text=_(
            "Filter the dashboard, the feedback inbox, the roadmap, the defects or the features "
            "as you want them, then paste the page's address here."
        ),
    )
    team = forms.ModelChoiceField(
        label=_("Share with"), queryset=Team.objects.none(), required=False,
        empty_label=_("Nobody (only me)"),
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _teams_of(user)


class DashboardSaveForm(forms.Form):
    """The dashboard's "Save this view": a name and the filters shown."""

    name = forms.CharField(label=_("Name of the view"), max_length=120)
    team = forms.ModelChoiceField(
        label=_("Share with"), queryset=Team.objects.none(), required=False,
        empty_label=_("Nobody (only me)"),
    )  # fmt: skip
    product = forms.CharField(required=False, max_length=120, widget=forms.HiddenInput)
    period = forms.TypedChoiceField(
        required=False, coerce=int, choices=[(p, p) for p in PERIODS], widget=forms.HiddenInput
    )
    filter_team = forms.CharField(required=False, max_length=120, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _teams_of(user)


def view_initial(view: SavedView) -> dict:
    return {"name": view.name, "team": view.team_id, "address": view.address()}


class SubscriptionForm(VersionedForm):
    active = forms.BooleanField(label=_("Send me the weekly report"), required=False)
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.order_by("name"), required=False,
        empty_label=_("All products"),
    )  # fmt: skip
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("name"), required=False,
        empty_label=_("All teams"),
    )  # fmt: skip
