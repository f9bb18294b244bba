"""Forms of the conversation pages: they parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.core.forms import VersionedForm

from .models import Channel, Event, Weekday
from .services import MAX_BODY
from .services.digests import time_zones

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
    """One choice of channel per kind of event, and when the digests are sent."""

    hour = forms.TypedChoiceField(
        label=_("Send my digests at"),
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekly digest on"), coerce=int, choices=Weekday.choices
    )
    time_zone = forms.ChoiceField(label=_("Time zone"))

    def __init__(self, *args, initial_channels: dict[str, str], schedule, **kwargs):
        super().__init__(*args, **kwargs)
        for event in Event:
            self.fields[event.value] = forms.ChoiceField(
                label=event.label,
                choices=Channel.choices,
                initial=initial_channels.get(event.value),
                widget=forms.RadioSelect,
            )
        self.fields["time_zone"].choices = [(z, z) for z in time_zones()]
        for name in ("hour", "weekday", "time_zone"):
            self.fields[name].initial = getattr(schedule, name)

    def channels(self) -> dict[str, str]:
        return {e: self.cleaned_data[e] for e in Event.values}

    def digest(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("hour", "weekday", "time_zone")}

    def event_fields(self):
        return [self[e] for e in Event.values]

    def digest_fields(self):
        return [self[k] for k in ("hour", "weekday", "time_zone")]
