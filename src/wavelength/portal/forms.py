"""Forms customers fill on the portal (each carries the spam guard), and the staff's forms
of the portal's settings, an idea opened to it and a vote added on a customer's behalf."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wavelength.core.forms import VersionedForm

from .guard import SpamGuardForm
from .models import validate_hex_colour


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("votes", _("Most votes")), ("newest", _("Newest"))],
    )
    product = forms.ChoiceField(label=_("Product"), required=False)

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", _("All products"))] + [
            (p.slug, p.name) for p in products
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class VoteForm(SpamGuardForm):
    email = forms.EmailField(label=_("Your e-mail"), required=False, max_length=254)
    name = forms.CharField(label=_("Your name"), required=False, max_length=150)


class CommentForm(SpamGuardForm):
    name = forms.CharField(label=_("Your name"), max_length=80)
    text = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class SubscribeForm(SpamGuardForm):
    pass


class SignInForm(SpamGuardForm):
    email = forms.EmailField(label=_("Your e-mail"), max_length=254)


class IdeaSubmitForm(SpamGuardForm):
    title = forms.CharField(label=_("Your idea in a sentence"), max_length=200)
    text = forms.CharField(
        label=_("Tell us more"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What are you trying to do, and what gets in the way today?"),
    )
    email = forms.EmailField(label=_("Your e-mail"), max_length=254)
    name = forms.CharField(label=_("Your name"), required=False, max_length=150)


# Staff ------------------------------------------------------------------------------------


class PortalSettingsForm(VersionedForm):
    enabled = forms.BooleanField(label=_("Portal is on"), required=False)
    name = forms.CharField(label=_("Portal name"), max_length=80)
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        validators=[validate_hex_colour],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, at most 512 KB."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the ideas."),
    )


class PortalIdeaForm(VersionedForm):
    title = forms.CharField(label=_("Public title"), max_length=200)
    description = forms.CharField(
        label=_("Public description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown. Customers see this, not the internal description."),
    )
    is_listed = forms.BooleanField(label=_("Show on the portal"), required=False)
    voting_open = forms.BooleanField(label=_("Open for votes"), required=False)


class ProxyVoteForm(forms.Form):
    email = forms.EmailField(label=_("Customer e-mail"), max_length=254)
    name = forms.CharField(label=_("Name"), required=False, max_length=150)
