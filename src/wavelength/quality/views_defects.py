"""Defect pages: the list, a defect with its links, the form, and opening one from a failure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wavelength.accounts.permissions import require_editor
from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.views.base import GET_POST, paginate, render_page
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit

from . import selectors, services
from .forms import DefectFilterForm, DefectForm, DefectLinkForm


@login_required
def defect_list(request):
    form = DefectFilterForm(request.GET or None)
    defects = selectors.defect_list(user=request.user, filters=form.to_filter())
    context = {
        "filter_form": form,
        "page": paginate(request, defects, 50),
    }
    return render_page(
        request,
        "quality/defect_list.html",
        context,
        fragments={"defect-results": "quality/_defect_results.html"},
    )


@login_required
@GET_POST
def defect_create(request, slug):
    require_editor(request.user)
    product = catalog_selectors.product_get(user=request.user, key=slug)
    form = DefectForm(request.POST or None, creating=True)
    defect = submit(
        form,
        lambda: services.defect_create(actor=request.user, product=product, **form.values()),
    )
    if defect:
        messages.success(request, _("Defect %(key)s opened.") % {"key": defect.key})
        return redirect(defect)
    context = {"form": form, "product": product, "defect": None}
    return render(request, "quality/defect_form.html", context, status=form_status(form))


@login_required
@GET_POST
def defect_detail(request, pk):
    """A defect: what it concerns, its links and, for editors, its form."""
    defect = selectors.defect_get(user=request.user, pk=pk)
    initial = DefectForm.initial_for(defect)
    form = DefectForm(request.POST or None, initial=initial).versioned(defect)
    if request.method == "POST":
        require_editor(request.user)
        saved = submit(
            form,
            lambda: services.defect_update(
                actor=request.user, defect=defect, if_version=form.seen_version(), **form.values()
            ),
        )
        if saved:
            messages.success(request, _("Defect saved."))
            return redirect(saved)
    context = {"defect": defect, "form": form, "link_form": DefectLinkForm()}
    return render(request, "quality/defect_detail.html", context, status=form_status(form))


@login_required
@require_POST
def defect_from_result(request, pk):
    """One click on a failure: the defect opens with the case's steps, then its page."""
    result = selectors.result_get(user=request.user, pk=pk)
    try:
        defect = services.defect_from_result(
            actor=request.user, result=result, severity=request.POST.get("severity") or "major"
        )
    except DomainError as exc:
        messages.error(request, next(iter(exc.errors.values())))
        return redirect(result)
    messages.success(request, _("Defect %(key)s opened from the failure.") % {"key": defect.key})
    return redirect(defect)


@login_required
@require_POST
def defect_link(request, pk):
    defect = selectors.defect_get(user=request.user, pk=pk)
    form = DefectLinkForm(request.POST)
    linked = submit(
        form, lambda: services.defect_link(actor=request.user, defect=defect, **form.cleaned_data)
    )
    if linked:
        messages.success(request, _("Linked to %(name)s.") % {"name": linked.target_repr})
        return redirect(defect)
    context = {
        "defect": defect,
        "form": DefectForm(initial=DefectForm.initial_for(defect)).versioned(defect),
        "link_form": form,
    }
    return render(request, "quality/defect_detail.html", context, status=422)


@login_required
@require_POST
def defect_unlink(request, pk, link_pk):
    link = selectors.defect_link_get(user=request.user, pk=link_pk)
    if link.defect_id != pk:
        return redirect("quality:defect-detail", pk=pk)
    services.defect_unlink(actor=request.user, link=link)
    messages.success(request, _("Link removed."))
    return redirect("quality:defect-detail", pk=pk)
