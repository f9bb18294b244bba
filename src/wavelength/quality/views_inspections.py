"""Inspection pages: the checklists, and a release's inspections to tick and sign off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wavelength.catalog import selectors as catalog_selectors
from wavelength.core.exceptions import DomainError

from . import selectors, services


def _release(request, pk):
    return catalog_selectors.release_get(user=request.user, pk=pk)


@login_required
def checklist_list(request):
    return render(
        request,
        "quality/checklist_list.html",
        {"checklists": selectors.checklist_list(user=request.user)},
    )


@login_required
def checklist_detail(request, pk):
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    return render(request, "quality/checklist_detail.html", {"checklist": checklist})


@login_required
def release_inspections(request, pk):
    """A release's inspections: each checklist, its items ticked so far and its sign-off."""
    release = _release(request, pk)
    context = {
        "release": release,
        "rows": selectors.release_inspections(user=request.user, release=release),
    }
    return render(request, "quality/release_inspections.html", context)


def _back(inspection_or_release_pk, checklist_pk=None):
    response = redirect("quality:release-inspections", pk=inspection_or_release_pk)
    if checklist_pk:
        response["Location"] += f"#checklist-{checklist_pk}"
    return response


@login_required
@require_POST
def inspection_save(request, pk, checklist_pk):
    """Start the inspection if needed, save the ticked items and, when asked, sign it off."""
    release = _release(request, pk)
    checklist = selectors.checklist_get(user=request.user, pk=checklist_pk)
    try:
        inspection = services.inspection_start(
            actor=request.user, release=release, checklist=checklist
        )
        action = request.POST.get("action", "save")
        if action == "reopen":
            services.inspection_reopen(actor=request.user, inspection=inspection)
            messages.success(request, _("Sign-off withdrawn."))
        else:
            ticked = set(request.POST.getlist("item"))
            size = len(inspection.checklist_version.items)
            if not inspection.is_signed:
                services.inspection_check(
                    actor=request.user,
                    inspection=inspection,
                    checked=[str(i) in ticked for i in range(size)],
                    notes=request.POST.get("notes", inspection.notes),
                )
            if action == "sign":
                services.inspection_sign(actor=request.user, inspection=inspection)
                messages.success(request, _("%(name)s signed off.") % {"name": checklist.name})
            else:
                messages.success(request, _("Inspection saved."))
    except DomainError as exc:
        messages.error(request, next(iter(exc.errors.values())))
    return _back(release.pk, checklist.pk)
