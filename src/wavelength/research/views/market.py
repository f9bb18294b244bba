"""Pages of personas (the companies and segments they stand for) and competitors (with their
mentions in feedback). Every write goes through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.selectors import history_for
from wavelength.catalog.views.base import GET_POST, timeline_page
from wavelength.core.forms import form_status, submit
from wavelength.feedback.models import Segment

from .. import selectors, services
from ..forms import CompetitorForm, PersonaForm, competitor_initial, persona_initial
from .repository import page_of

__all__ = [
    "competitor_create",
    "competitor_delete",
    "competitor_detail",
    "competitor_edit",
    "competitor_list",
    "persona_create",
    "persona_delete",
    "persona_detail",
    "persona_edit",
    "persona_list",
]


# Personas ---------------------------------------------------------------------------------


def _persona_values(form) -> dict:
    values = form.values()
    values["companies"] = services.companies_named(values["companies"])
    return values


@login_required
def persona_list(request):
    rows = selectors.persona_list(user=request.user)
    return render(request, "research/persona_list.html", {"page": page_of(request, rows)})


@login_required
@GET_POST
def persona_create(request):
    require_editor(request.user)
    form = PersonaForm(request.POST or None)
    persona = submit(
        form, lambda: services.persona_create(actor=request.user, **_persona_values(form))
    )
    if persona:
        messages.success(request, _("Persona created."))
        return redirect(persona)
    return render(request, "research/persona_form.html", {"form": form}, status=form_status(form))


@login_required
@GET_POST
def persona_edit(request, pk):
    persona = selectors.persona_get(user=request.user, pk=pk)
    require_editor(request.user)
    form = PersonaForm(request.POST or None, initial=persona_initial(persona)).versioned(persona)
    saved = submit(
        form,
        lambda: services.persona_update(actor=request.user, persona=persona,
                                        if_version=form.seen_version(),
                                        **_persona_values(form)),
    )  # fmt: skip
    if saved:
        messages.success(request, _("Persona saved."))
        return redirect(saved)
    context = {"form": form, "persona": persona}
    return render(request, "research/persona_form.html", context, status=form_status(form))


@login_required
def persona_detail(request, pk):
    persona = selectors.persona_get(user=request.user, pk=pk)
    context = {"persona": persona, "segment_choices": Segment.choices,
               **timeline_page(request, history_for(user=request.user, obj=persona))}  # fmt: skip
    return render(request, "research/persona_detail.html", context)


@login_required
@require_POST
def persona_delete(request, pk):
    persona = selectors.persona_get(user=request.user, pk=pk)
    services.persona_delete(actor=request.user, persona=persona)
    messages.success(request, _("Persona deleted."))
    return redirect("research:persona-list")


# Competitors ------------------------------------------------------------------------------


@login_required
def competitor_list(request):
    rows = selectors.competitor_list(user=request.user)
    return render(request, "research/competitor_list.html", {"page": page_of(request, rows)})


@login_required
@GET_POST
def competitor_create(request):
    require_editor(request.user)
    form = CompetitorForm(request.POST or None)
    competitor = submit(
        form, lambda: services.competitor_create(actor=request.user, **form.values())
    )
    if competitor:
        messages.success(request, _("Competitor added."))
        return redirect(competitor)
    context = {"form": form}
    return render(request, "research/competitor_form.html", context, status=form_status(form))


@login_required
@GET_POST
def competitor_edit(request, pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    require_editor(request.user)
    initial = competitor_initial(competitor)
    form = CompetitorForm(request.POST or None, initial=initial).versioned(competitor)
    saved = submit(
        form,
        lambda: services.competitor_update(actor=request.user, competitor=competitor,
                                           if_version=form.seen_version(), **form.values()),
    )  # fmt: skip
    if saved:
        messages.success(request, _("Competitor saved."))
        return redirect(saved)
    context = {"form": form, "competitor": competitor}
    return render(request, "research/competitor_form.html", context, status=form_status(form))


@login_required
def competitor_detail(request, pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    context = {
        "competitor": competitor,
        "mentions": selectors.competitor_mentions(user=request.user, competitor=competitor),
        **timeline_page(request, history_for(user=request.user, obj=competitor)),
    }
    return render(request, "research/competitor_detail.html", context)


@login_required
@require_POST
def competitor_delete(request, pk):
    competitor = selectors.competitor_get(user=request.user, pk=pk)
    services.competitor_delete(actor=request.user, competitor=competitor)
    messages.success(request, _("Competitor deleted."))
    return redirect("research:competitor-list")
