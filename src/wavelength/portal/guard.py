"""Abuse guards of the portal: rate limits in Django's cache and a spam guard for forms
(a honeypot field and a minimum time between showing a form and submitting it)."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from wavelength.core.ratelimit import client_ip, over_limit

from .models import mailbox_of

RATE_LIMIT = 5  # writes of one kind…
RATE_WINDOW = 60  # …per minute, per IP address and per e-mail address
MIN_SECONDS = 2  # a person does not fill a form faster than this
MAX_FORM_AGE = 60 * 60 * 24
_SALT = "wavelength.portal.form"


def rate_limited(request, action: str, email: str = "") -> bool:
    """Count one attempt at ``action``; True when the IP or the e-mail went over the limit."""
    keys = [f"portal:rl:{action}:ip:{client_ip(request)}"]
    if email:
        keys.append(f"portal:rl:{action}:email:{mailbox_of(email)}")
    return over_limit(keys, limit=RATE_LIMIT, window=RATE_WINDOW)


def _started_token() -> str:
    return signing.Signer(salt=_SALT).sign(str(int(time.time())))


class SpamGuardForm(forms.Form):
    """Every customer form inherits this: bots fill the hidden field or submit too fast."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = _started_token()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("Your message looks automated and was not sent."))
        try:
            started = int(signing.Signer(salt=_SALT).unsign(self.data.get("started", "")))
        except (signing.BadSignature, ValueError):
            raise forms.ValidationError(_("The form expired; please try again.")) from None
        age = time.time() - started
        if age < MIN_SECONDS:
            raise forms.ValidationError(_("That was quick! Please wait a moment and send again."))
        if age > MAX_FORM_AGE:
            raise forms.ValidationError(_("The form expired; please try again."))
        return cleaned

    @property
    def is_spam(self) -> bool:
        return self.is_bound and bool(self.non_field_errors())
