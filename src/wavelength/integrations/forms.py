"""Forms of the import pages: upload, column mapping, e-mail upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.feedback.models import Source

from .importers.backlog import FIELDS as BACKLOG_FIELDS
from .importers.backlog import PRESETS as BACKLOG_PRESETS
from .importers.csvfile import FIELDS
from .importers.presets import PRESETS


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (or UTF-16 with a byte-order mark), comma, semicolon or tab separated."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,text/csv"}),
    )


class MappingForm(forms.Form):
    """One choice per column of the file, the source of its rows, and an optional name to
    save the mapping under. Column choices are named ``col_<n>`` (headers can hold anything)."""

    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        required=False,
        max_length=100,
        help_text=_("Optional: pick it again for the next file of this kind."),
    )

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [("", _("— ignore —")), *FIELDS.items()]
        for n, column in enumerate(columns):
            self.fields[f"col_{n}"] = forms.ChoiceField(
                label=column or _("(unnamed column %(n)d)") % {"n": n + 1},
                choices=choices,
                required=False,
            )

    @classmethod
    def initial_for(cls, columns: list[str], mapping: dict[str, str], source: str) -> dict:
        initial = {f"col_{n}": mapping.get(c, "") for n, c in enumerate(columns)}
        return {**initial, "source": source}

    def column_fields(self):
        return [self[f"col_{n}"] for n in range(len(self.columns))]

    def mapping(self) -> dict[str, str]:
        """``{column: field}`` from what was chosen (read even when the form is invalid, for
        the preview)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        out = {}
        for n, column in enumerate(self.columns):
            value = data.get(f"col_{n}", self.data.get(f"col_{n}", ""))
            if value in FIELDS and column:
                out[column] = value
        return out

    def source_value(self) -> str:
        value = self.data.get("source") or self.initial.get("source") or Source.CSV
        return value if value in Source.values else Source.CSV


class PresetForm(forms.Form):
    """Where the mapping starts from: a preset (``zendesk``) or a saved mapping (``saved:<id>``)."""

    preset = forms.ChoiceField(label=_("Start from"), required=False)

    def __init__(self, *args, saved=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Columns named like the fields"))]
        choices.append((_("Presets"), [(k, p.label) for k, p in PRESETS.items()]))
        if saved:
            choices.append((_("Saved mappings"), [(f"saved:{m.pk}", m.name) for m in saved]))
        self.fields["preset"].choices = choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class EmailUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("E-mail files"),
        help_text=_("One or more .eml files, or an mbox archive."),
        widget=MultipleFileInput(attrs={"accept": ".eml,.mbox,message/rfc822,application/mbox"}),
    )


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_(
            "https:// (or http:// on this machine, for testing). For Slack or Microsoft "
            "Teams, paste the channel's incoming-webhook address."
        ),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    format = forms.ChoiceField(label=_("Format"))
    events = forms.MultipleChoiceField(label=_("Events"), widget=forms.CheckboxSelectMultiple)
    products = forms.ModelMultipleChoiceField(
        label=_("Products"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only events about these products (none chosen: every product)."),
    )

    def __init__(self, *args, **kwargs):
        from wavelength.catalog.models import Product

        from .models import WebhookFormat
        from .webhooks import EVENTS

        super().__init__(*args, **kwargs)
        self.fields["format"].choices = WebhookFormat.choices
        self.fields["events"].choices = [(name, label) for name, (_t, _v, label) in EVENTS.items()]
        self.fields["products"].queryset = Product.objects.order_by("name")


class BacklogUploadForm(forms.Form):
    """A backlog export and the product its features go into."""

    file = forms.FileField(
        label=_("Export file (CSV)"),
        help_text=_(
            "Jira: Filters → Export → CSV. Productboard: Features → Export to CSV. "
            "Aha!: a features list → Export → CSV."
        ),  # fmt: skip
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,text/csv"}),
    )
    product = forms.ModelChoiceField(label=_("Into the product"), queryset=None,
                                     to_field_name="slug")  # fmt: skip
    source = forms.ChoiceField(
        label=_("From"),
        choices=[*((k, p.label) for k, p in BACKLOG_PRESETS.items()), ("csv", _("Another CSV"))],
    )

    def __init__(self, *args, **kwargs):
        from wavelength.catalog.models import Product

        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.order_by("name")


class BacklogMappingForm(forms.Form):
    """One choice per column (``col_<n>``) among the backlog's fields, and an optional name
    to save the mapping under."""

    save_as = forms.CharField(
        label=_("Save this mapping as"), required=False, max_length=100,
        help_text=_("Optional: pick it again for the next file of this kind."),
    )  # fmt: skip

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [("", _("— ignore —")), *BACKLOG_FIELDS.items()]
        for n, column in enumerate(columns):
            self.fields[f"col_{n}"] = forms.ChoiceField(label=column, choices=choices,
                                                        required=False)  # fmt: skip

    @classmethod
    def initial_for(cls, columns: list[str], mapping: dict[str, str]) -> dict:
        return {f"col_{n}": mapping.get(c, "") for n, c in enumerate(columns)}

    def column_fields(self):
        return [self[f"col_{n}"] for n in range(len(self.columns))]

    def mapping(self) -> dict[str, str]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        out = {}
        for n, column in enumerate(self.columns):
            value = data.get(f"col_{n}", self.data.get(f"col_{n}", ""))
            if value in BACKLOG_FIELDS:
                out[column] = value
        return out
