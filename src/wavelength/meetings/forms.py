"""Forms of the meeting pages. Edit forms carry the version they were built from."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.accounts.models import Team, User
from wavelength.catalog.models import Feature, Product, Release
from wavelength.core.forms import VersionedForm
from wavelength.knowledge.models import Page

from . import recurrence
from .models import AgendaPart

WEEKDAY_CHOICES = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
    (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
]  # fmt: skip
NTH_CHOICES = [(1, _("first")), (2, _("second")), (3, _("third")), (4, _("fourth")),
               (-1, _("last"))]  # fmt: skip
FREQUENCY_CHOICES = [("weekly", _("Every N weeks")), ("monthly", _("Monthly on the Nth weekday"))]


def _people():
    return User.objects.filter(is_active=True).order_by("name", "email")


def _picker(label, queryset):
    """A long list of checkboxes with a filter box above (``meetings/_picker.html``)."""
    return forms.ModelMultipleChoiceField(
        label=label, queryset=queryset, required=False, widget=forms.CheckboxSelectMultiple
    )


class SeriesForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))  # fmt: skip
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=_people())
    attendees = _picker(_("Attendees"), _people())
    teams = _picker(_("Teams"), Team.objects.all())
    products = _picker(_("Products"), Product.objects.all())
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial="Europe/Paris")
    start_date = forms.DateField(label=_("First date"), widget=forms.DateInput(
        attrs={"type": "date"}))  # fmt: skip
    start_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(
        attrs={"type": "time"}))  # fmt: skip
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5,
                                          max_value=1440, initial=30)  # fmt: skip
    frequency = forms.ChoiceField(label=_("Repeats"), choices=FREQUENCY_CHOICES)
    interval = forms.IntegerField(label=_("Every how many weeks"), min_value=1, max_value=52,
                                  initial=1)  # fmt: skip
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAY_CHOICES, coerce=int)
    nth = forms.TypedChoiceField(label=_("Which one in the month"), choices=NTH_CHOICES,
                                 coerce=int, required=False)  # fmt: skip
    agenda_parts = forms.MultipleChoiceField(
        label=_("Agenda built from"), choices=AgendaPart.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def rrule(self) -> str:
        d = self.cleaned_data
        if d["frequency"] == "monthly":
            return recurrence.monthly(weekday=d["weekday"], nth=d.get("nth") or 1)
        return recurrence.weekly(weekday=d["weekday"], interval=d["interval"])


def series_initial(series) -> dict:
    """The form's fields from a series (its rule read back into the pickers)."""
    parts = dict(p.split("=", 1) for p in series.rrule.split(";") if "=" in p)
    byday = parts.get("BYDAY", "MO")
    weekday = recurrence.WEEKDAYS.index(byday[-2:]) if byday[-2:] in recurrence.WEEKDAYS else 0
    monthly = parts.get("FREQ") == "MONTHLY"
    return {
        "name": series.name, "purpose": series.purpose, "owner": series.owner_id,
        "attendees": [u.pk for u in series.attendees.all()],
        "teams": [t.pk for t in series.teams.all()],
        "products": [p.pk for p in series.products.all()],
        "time_zone": series.time_zone, "start_date": series.start_date,
        "start_time": series.start_time, "duration_minutes": series.duration_minutes,
        "frequency": "monthly" if monthly else "weekly",
        "interval": int(parts.get("INTERVAL", 1)), "weekday": weekday,
        "nth": int(byday[:-2] or 1) if monthly else 1,
        "agenda_parts": list(series.agenda_parts),
    }  # fmt: skip


class AgendaItemForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(
        attrs={"rows": 2}))  # fmt: skip


class OccurrenceForm(VersionedForm):
    minutes = forms.CharField(label=_("Minutes (Markdown)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 10}))  # fmt: skip
    attended = forms.ModelMultipleChoiceField(
        label=_("Attended"), queryset=_people(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["attended"].queryset = people


class DecisionForm(VersionedForm):
    title = forms.CharField(label=_("Decision"), max_length=300)
    rationale = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(
        attrs={"rows": 2}))  # fmt: skip
    decided_by = forms.ModelChoiceField(label=_("Decided by"), queryset=_people(), required=False)
    features = _picker(_("Features"), Feature.objects.none())
    releases = _picker(_("Releases"), Release.objects.none())
    pages = _picker(_("Pages"), Page.objects.none())

    def __init__(self, *args, user, series, **kwargs):
        """Features and releases of the series' products (of all, when it names none), and
        the pages ``user`` may read."""
        super().__init__(*args, **kwargs)
        products = [p.pk for p in series.products.all()]
        features = Feature.objects.select_related("product").order_by("title", "pk")
        releases = Release.objects.select_related("product").order_by("-target_date", "-pk")
        if products:
            features = features.filter(product_id__in=products)
            releases = releases.filter(product_id__in=products)
        self.fields["features"].queryset = features
        self.fields["releases"].queryset = releases
        self.fields["pages"].queryset = Page.objects.visible_to(user).order_by("title", "pk")


class ActionForm(VersionedForm):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=_people())
    due_on = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput(
        attrs={"type": "date"}))  # fmt: skip
    feature = forms.ModelChoiceField(
        label=_("Feature"), required=False, queryset=Feature.objects.select_related("product")
    )
    release = forms.ModelChoiceField(
        label=_("Release"), required=False, queryset=Release.objects.select_related("product")
    )
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("open", _("Open")), ("done", _("Done"))])  # fmt: skip

    def __init__(self, *args, series=None, **kwargs):
        """Features and releases of the series' products, when it names some."""
        super().__init__(*args, **kwargs)
        products = [p.pk for p in series.products.all()] if series is not None else []
        if products:
            for name in ("feature", "release"):
                queryset = self.fields[name].queryset.filter(product_id__in=products)
                self.fields[name].queryset = queryset
