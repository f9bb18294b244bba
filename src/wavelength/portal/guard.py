"""Abuse guards of the portal: rate limits in Django's cache and a spam guard for forms
(a honeypot field and a minimum time between showing a form and submitting it)."""

import time

from django import forms
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

RATE_LIMIT = 5  # writes of one kind…
RATE_WINDOW = 60  # …per minute, per IP address and per e-mail address
MIN_SECONDS = 2  # a person does not fill a form faster than this
MAX_FORM_AGE = 60 * 60 * 24
_SALT = "wavelength.portal.form"


def client_ip(request) -> str:
    # Behind a proxy, configure it to set REMOTE_ADDR (never trust X-Forwarded-For blindly).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(request, action: str, email: str = "") -> bool:
    """Count one attempt at ``action``; True when the IP or the e-mail went over the limit."""
    keys = [f"portal:rl:{action}:ip:{client_ip(request)}"]
    if email:
        keys.append(f"portal:rl:{action}:email:{email.strip().lower()}")
    limited = False
    for key in keys:
        cache.add(key, 0, RATE_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, RATE_WINDOW)
            count = 1
        limited = limited or count > RATE_LIMIT
    return limited


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
