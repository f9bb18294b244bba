"""Forms for signing in, people, teams and tokens. They only parse: rules live in services."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from wavelength.core.forms import (
    VersionedForm,
    add_domain_error,  # noqa: F401 - used by the views
)

from .models import Role, User


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form with an e-mail field; addresses are stored in lower case."""

    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("This e-mail and password don’t match. Check both and try again."),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class TeamForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the team is responsible for. Markdown is supported."),
    )


class MemberAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).order_by("name", "email")
        if team is not None:
            people = people.exclude(memberships__team=team)
        self.fields["user"].queryset = people
        self.fields["user"].empty_label = _("Choose a person…")


class PersonForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters. Share it with the person, who can sign in with it."),
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. CI export script")}),
        help_text=_("A name that tells you where the token is used."),
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SecurityPolicyForm(VersionedForm):
    admins_need_two_factor = forms.BooleanField(
        label=_("Administrators must use two-factor sign-in"),
        required=False,
        help_text=_(
            "Administrators without it can only reach the page that sets it up until they do."
        ),
    )


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Event"), required=False)
    who = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"placeholder": _("E-mail contains…"), "type": "search"}),
    )
    address = forms.GenericIPAddressField(
        label=_("Address"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Address")}),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        from .models import AuditKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All events")), *AuditKind.choices]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned
