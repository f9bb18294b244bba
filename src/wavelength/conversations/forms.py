"""Forms of the conversation pages: they parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.core.forms import VersionedForm

from .models import Channel, Event
from .services import MAX_BODY

_BODY_ATTRS = {
    "rows": 3,
    "data-mentions": "",
    "autocomplete": "off",
    "placeholder": _("Write a comment… @name mentions a person or a team, [[feature:Title]] links"),
}


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs=_BODY_ATTRS),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class CommentEditForm(VersionedForm):
    body = forms.CharField(
        label=_("Comment"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={**_BODY_ATTRS, "rows": 6}),
    )


class PreferencesForm(forms.Form):
    """One choice of channel per kind of event."""

    def __init__(self, *args, initial_channels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for event in Event:
            self.fields[event.value] = forms.ChoiceField(
                label=event.label,
                choices=Channel.choices,
                initial=initial_channels.get(event.value),
                widget=forms.RadioSelect,
            )
