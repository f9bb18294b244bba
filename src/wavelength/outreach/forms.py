"""Forms of the outreach: one close-the-loop message edited before it is sent."""

from django import forms
from django.utils.translation import gettext_lazy

from wavelength.core.forms import VersionedForm


class LoopMessageForm(VersionedForm):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 9}),
        help_text=gettext_lazy("The unsubscribe link is added below the message when it is sent."),
    )
