"""Forms of the customer and feedback pages. They parse input; the services decide the rules."""

import datetime as dt

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wavelength.accounts.models import User
from wavelength.catalog.forms import PersonChoiceField, add_domain_error, hx_reload
from wavelength.catalog.models import Feature
from wavelength.core.forms import VersionedForm

from .models import (
    Company,
    Contact,
    FeedbackType,
    Health,
    Importance,
    Segment,
    Sentiment,
    Source,
    Status,
    Theme,
)
from .selectors import CompanyFilter, FeedbackFilter

__all__ = ["add_domain_error"]

BLANK = [("", "—")]


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").replace("\n", ",").split(",") if part.strip()]


class ThemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class FeatureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.product.name} · {obj.title}"


# Companies --------------------------------------------------------------------------------


class CompanyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    segment = forms.ChoiceField(
        label=_("Segment"), required=False, choices=[("", _("All segments")), *Segment.choices]
    )
    health = forms.ChoiceField(
        label=_("Health"), required=False, choices=[("", _("Any health")), *Health.choices]
    )

    def to_filter(self) -> CompanyFilter:
        if not self.is_bound or not self.is_valid():
            return CompanyFilter()
        return CompanyFilter(**{k: v or None for k, v in self.cleaned_data.items()})

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(k) for k in self.fields)


class CompanyForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    domains = forms.CharField(
        label=_("Domains"),
        required=False,
        max_length=1000,
        help_text=_("Separate domains with commas, for example: acme.com, acme.fr."),
    )
    segment = forms.ChoiceField(label=_("Segment"), required=False, choices=BLANK + Segment.choices)
    plan = forms.CharField(label=_("Plan"), required=False, max_length=60)
    arr = forms.DecimalField(
        label=_("Annual recurring revenue"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    health = forms.ChoiceField(label=_("Health"), choices=Health.choices, initial=Health.GOOD)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("name")

    @classmethod
    def initial_for(cls, company: Company) -> dict:
        return {
            "name": company.name,
            "domains": ", ".join(company.domains),
            "segment": company.segment,
            "plan": company.plan,
            "arr": company.arr,
            "owner": company.owner_id,
            "health": company.health,
        }

    def service_kwargs(self) -> dict:
        data = self.values()
        data["domains"] = _split(data["domains"])
        return data


class ContactForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    name = forms.CharField(label=_("Name"), required=False, max_length=150)


# Feedback ---------------------------------------------------------------------------------


class FeedbackFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All sources")), *Source.choices]
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *FeedbackType.choices]
    )
    sentiment = forms.ChoiceField(
        label=_("Sentiment"),
        required=False,
        choices=[("", _("Any sentiment")), *Sentiment.choices],
    )
    theme = ThemeChoiceField(
        label=_("Theme"), required=False, queryset=Theme.objects.all(), empty_label=_("All themes")
    )
    segment = forms.ChoiceField(
        label=_("Segment"), required=False, choices=[("", _("All segments")), *Segment.choices]
    )
    min_revenue = forms.DecimalField(
        label=_("Minimum revenue"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    language = forms.CharField(label=_("Language"), required=False, max_length=8)
    since = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    feature = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    company = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def to_filter(self) -> FeedbackFilter:
        if not self.is_bound or not self.is_valid():
            return FeedbackFilter(status=None)
        data = self.cleaned_data
        return FeedbackFilter(
            q=data["q"] or None,
            status=data["status"] or None,
            source=data["source"] or None,
            type=data["type"] or None,
            sentiment=data["sentiment"] or None,
            theme=data["theme"].pk if data["theme"] else None,
            segment=data["segment"] or None,
            min_revenue=data["min_revenue"],
            language=data["language"] or None,
            since=_day_start(data["since"]),
            until=_day_end(data["until"]),
            feature=data["feature"],
            company=data["company"],
        )

    PRIMARY = ("status", "source", "type")

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(k) for k in self.fields)

    def primary_fields(self):
        return [self[name] for name in self.PRIMARY]

    def more_fields(self):
        skip = {"q", *self.PRIMARY}
        return [f for f in self.visible_fields() if f.name not in skip]

    @property
    def more_active(self) -> bool:
        return self.is_bound and any(self.data.get(f.name) for f in self.more_fields())


def _day_start(day):
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _day_end(day):
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


class FeedbackForm(forms.Form):
    """A new item typed in by a person (from a call, a chat, an e-mail…): from a company and
    one of its contacts picked from the lists, or a contact's e-mail typed in."""

    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.WEB)
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Company.objects.filter(merged_into=None).order_by("name"),
        required=False,
        empty_label=_("— none, or from the contact's e-mail —"),
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.none(),
        required=False,
        empty_label=_("— choose the company first, or type an e-mail —"),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        required=False,
        help_text=_("Finds the contact, or creates it with its company from the domain."),
    )
    contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].widget.attrs.update(
            hx_reload(reverse("feedback:feedback-create"), "#field-contact")
        )
        company = self["company"].value()
        if company and str(company).isdigit():
            contacts = Contact.objects.filter(company_id=int(company)).order_by("name", "email")
            self.fields["contact"].queryset = contacts
            self.fields["contact"].empty_label = "—"

    def clean(self):
        data = super().clean()
        contact = data.pop("contact", None)
        if contact is not None:  # the picked contact wins over a typed e-mail
            data["contact_email"], data["contact_name"] = contact.email, contact.name
            data["company"] = data.get("company") or contact.company
        return data


class TriageForm(VersionedForm):
    type = forms.ChoiceField(label=_("Type"), required=False, choices=BLANK + FeedbackType.choices)
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), required=False, choices=BLANK + Sentiment.choices
    )
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    theme = ThemeChoiceField(
        label=_("Theme"), required=False, queryset=Theme.objects.all(), empty_label="—"
    )
    language = forms.CharField(label=_("Language"), required=False, max_length=8)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas, for example: billing, enterprise."),
    )

    @classmethod
    def initial_for(cls, feedback) -> dict:
        return {
            "type": feedback.type,
            "sentiment": feedback.sentiment,
            "status": feedback.status,
            "theme": feedback.theme_id,
            "language": feedback.language,
            "tags": ", ".join(t.name for t in feedback.tags.all()),
        }

    def service_kwargs(self) -> dict:
        data = self.values()
        data["tags"] = _split(data["tags"])
        return data


class LinkForm(forms.Form):
    feature = FeatureChoiceField(
        label=_("Feature"), queryset=Feature.objects.none(), empty_label=_("Choose a feature")
    )
    importance = forms.ChoiceField(
        label=_("Importance"), choices=Importance.choices, initial=Importance.IMPORTANT
    )
    quote = forms.CharField(
        label=_("Quote"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "data-quote-field": ""}),
        help_text=_("Select a sentence in the text above to quote exactly that passage."),
    )
    quote_start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    quote_end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feature"].queryset = Feature.objects.select_related("product").order_by(
            "product__name", "title"
        )
        self.fields["quote_start"].widget.attrs["data-quote-start"] = ""
        self.fields["quote_end"].widget.attrs["data-quote-end"] = ""


BULK_CHOICES = [
    ("status", _("Set status")),
    ("type", _("Set type")),
    ("theme", _("Set theme")),
    ("link", _("Link to a feature")),
    ("archive", _("Archive")),
]


class BulkForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)
    action = forms.ChoiceField(choices=BULK_CHOICES)
    status = forms.ChoiceField(required=False, choices=BLANK + Status.choices)
    type = forms.ChoiceField(required=False, choices=BLANK + FeedbackType.choices)
    theme = ThemeChoiceField(required=False, queryset=Theme.objects.all(), empty_label="—")
    # Any feature may be sent; the page lists a few and finds the others (``bulk_features``).
    feature = FeatureChoiceField(
        required=False,
        queryset=Feature.objects.all(),
        error_messages={"invalid_choice": _("No feature matches this choice.")},
    )
    importance = forms.ChoiceField(
        required=False, choices=Importance.choices, initial=Importance.IMPORTANT
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        # Any positive id may be sent; the service reports the unknown ones.
        ids = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(i, i) for i in ids if str(i).isdigit()]

    def clean(self):
        data = super().clean()
        if data.get("action") == "link" and not data.get("feature") and not self.errors:
            self.add_error("feature", _("Choose a feature."))
        return data

    def value(self):
        action = self.cleaned_data["action"]
        field = "feature" if action == "link" else action
        return None if action == "archive" else self.cleaned_data.get(field) or None

    def service_kwargs(self) -> dict:
        return {
            "ids": self.cleaned_data["ids"],
            "action": self.cleaned_data["action"],
            "value": self.value(),
            "importance": self.cleaned_data.get("importance") or Importance.IMPORTANT,
        }


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("New theme"), max_length=100)


class CompanyMergeForm(forms.Form):
    """Pick the duplicate company to fold into the one whose page this is."""

    source = forms.ModelChoiceField(
        label=_("Duplicate company"),
        queryset=Company.objects.none(),
        empty_label=_("— choose the company to merge into this one —"),
        help_text=_(
            "Its contacts, feedback, votes, messages and follow-ups move here, with its "
            "domains; it can be undone."
        ),
    )

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (
            Company.objects.filter(merged_into=None).exclude(pk=company.pk).order_by("name")
        )
