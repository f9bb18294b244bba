"""Staff pages of the portal: its settings (admins), opening a feature to the portal and
adding a vote on a customer's behalf (editors). The feature page's "Portal" section links here.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wavelength.accounts.permissions import require_admin, require_editor
from wavelength.catalog.models import Feature
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit

from .. import services
from ..forms import PortalIdeaForm, PortalSettingsForm, ProxyVoteForm
from ..models import PortalIdea

GET_POST = require_http_methods(["GET", "POST"])


@login_required
@GET_POST
def portal_settings(request):
    require_admin(request.user)
    row = services.portal_settings_get()
    initial = {k: getattr(row, k) for k in ("enabled", "name", "accent_colour", "intro")}
    form = PortalSettingsForm(
        request.POST or None, request.FILES or None, initial=initial
    ).versioned(row)
    saved = submit(
        form,
        lambda: services.portal_settings_update(
            actor=request.user, if_version=form.seen_version(), **form.values()
        ),
    )
    if saved:
        messages.success(request, _("Portal settings saved."))
        return redirect("portal:settings")
    context = {"form": form, "portal": row}
    return render(request, "portal/settings.html", context, status=form_status(form))


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
    form.fields["edit_version"].initial = services.idea_version(idea)
    saved = submit(
        form,
        lambda: services.portal_idea_open(
            actor=request.user, feature=feature, if_version=form.seen_version(), **form.values()
        ),
    )
    if saved:
        messages.success(request, _("The portal shows this feature as you described it."))
        return redirect(feature.get_absolute_url() + "#section-portal")
    context = {"form": form, "feature": feature, "idea": idea}
    return render(request, "portal/idea_form.html", context, status=form_status(form))


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
