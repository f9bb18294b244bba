"""Staff pages of the portal: its settings (admins), opening a feature to the portal and
adding a vote on a customer's behalf (editors). The feature page's "Portal" section links here.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from wavelength.accounts.permissions import require_admin, require_editor
from wavelength.catalog.models import Feature
from wavelength.core.exceptions import DomainError

from . import services
from .forms import add_domain_error
from .portal_models import PortalIdea, validate_hex_colour

GET_POST = require_http_methods(["GET", "POST"])


class PortalSettingsForm(forms.Form):
    enabled = forms.BooleanField(label=gettext_lazy("Portal is on"), required=False)
    name = forms.CharField(label=gettext_lazy("Portal name"), max_length=80)
    accent_colour = forms.CharField(
        label=gettext_lazy("Accent colour"),
        max_length=7,
        validators=[validate_hex_colour],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    logo = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=gettext_lazy("PNG, JPEG, GIF or WebP, at most 512 KB."),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)
    intro = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown above the ideas."),
    )


class PortalIdeaForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Public title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Public description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Markdown. Customers see this, not the internal description."),
    )
    is_listed = forms.BooleanField(label=gettext_lazy("Show on the portal"), required=False)
    voting_open = forms.BooleanField(label=gettext_lazy("Open for votes"), required=False)


class ProxyVoteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Customer e-mail"), max_length=254)
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=150)


@login_required
@GET_POST
def portal_settings(request):
    require_admin(request.user)
    row = services.portal_settings_get()
    initial = {k: getattr(row, k) for k in ("enabled", "name", "accent_colour", "intro")}
    form = PortalSettingsForm(request.POST or None, request.FILES or None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.portal_settings_update(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Portal settings saved."))
            return redirect("feedback:portal-settings")
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request, "feedback/portal_settings.html", {"form": form, "portal": row}, status=status
    )


@login_required
@GET_POST
def portal_idea_edit(request, pk):
    require_editor(request.user)
    feature = get_object_or_404(Feature.objects.select_related("product"), pk=pk)
    idea = PortalIdea.objects.filter(feature=feature).first()
    initial = (
        {k: getattr(idea, k) for k in ("title", "description", "is_listed", "voting_open")}
        if idea
        else {"title": feature.title, "is_listed": True, "voting_open": True}
    )
    form = PortalIdeaForm(request.POST or None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.portal_idea_open(actor=request.user, feature=feature, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The portal shows this feature as you described it."))
            return redirect(feature.get_absolute_url() + "#section-portal")
    status = 422 if form.is_bound and form.errors else 200
    context = {"form": form, "feature": feature, "idea": idea}
    return render(request, "feedback/portal_idea_form.html", context, status=status)


@login_required
@require_POST
def portal_vote_proxy(request, pk):
    require_editor(request.user)
    idea = get_object_or_404(PortalIdea.objects.select_related("feature"), feature_id=pk)
    form = ProxyVoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the customer's e-mail address."))
    else:
        try:
            vote = services.portal_vote_proxy(actor=request.user, idea=idea, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Vote added for %(who)s.") % {"who": vote.contact})
    return redirect(idea.feature.get_absolute_url() + "#section-portal")
