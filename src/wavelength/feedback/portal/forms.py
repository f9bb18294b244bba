"""Forms customers fill on the portal; each carries the spam guard."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .guard import SpamGuardForm


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
