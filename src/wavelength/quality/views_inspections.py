"""Inspection pages: the checklists (their versions, the forms to create and edit them), and
a release's inspections to tick and sign off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wavelength.accounts.permissions import require_admin
from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.views.base import GET_POST
from wavelength.core import versioning
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import submit

from . import selectors, services
from .forms import ChecklistForm, ChecklistItemFormSet, items_from, items_initial


def _release(request, pk):
    return catalog_selectors.release_get(user=request.user, pk=pk)


@login_required
def checklist_list(request):
    """The checklists in use, or (``?archived=1``) the archived ones."""
    archived = request.GET.get("archived") == "1"
    context = {
        "checklists": selectors.checklist_list(user=request.user, archived=archived),
        "archived": archived,
    }
    return render(request, "quality/checklist_list.html", context)


@login_required
def checklist_detail(request, pk):
    """A checklist's items and its versions, each with what it changed."""
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    context = {
        "checklist": checklist,
        "versions": selectors.checklist_versions(user=request.user, checklist=checklist),
    }
    return render(request, "quality/checklist_detail.html", context)


def _item_errors(formset, rows, exc: DomainError) -> dict:
    """Put the service's refusals about items on their rows (``items.N`` is the Nth item
    sent) or above the rows; hand back the others."""
    rest = {}
    for key, message in exc.errors.items():
        index = key.removeprefix("items.")
        if index.isdigit() and int(index) < len(rows):
            rows[int(index)][0].add_error("text", message)
        elif key == "items" or key.startswith("items."):
            formset.non_form_errors().append(message)
        else:
            rest[key] = message
    return rest


def _save_checklist(request, form, formset, call):
    """``call(kwargs)`` once the form and its rows parse; refusals land where they belong."""
    if request.method != "POST" or not (form.is_valid() & formset.is_valid()):
        return None
    rows = items_from(formset)

    def save():
        try:
            return call(form.service_kwargs([text for _form, text in rows]))
        except versioning.StaleVersion:
            raise  # both versions shown, what was typed kept (see core.forms.submit)
        except DomainError as exc:
            for key, message in _item_errors(formset, rows, exc).items():
                # The version-number clash names a hidden field: it shows above the form.
                form.add_error(
                    key if key in form.fields and key != "expected_version" else None, message
                )
            if not form.errors:
                form.add_error(None, _("Nothing was saved: correct the items marked below."))
            return None

    return submit(form, save)


def _form_page(request, form, formset, checklist=None):
    refused = request.method == "POST"  # a saved form redirects: here it was refused
    context = {"form": form, "formset": formset, "checklist": checklist}
    return render(request, "quality/checklist_form.html", context, status=422 if refused else 200)


@login_required
@GET_POST
def checklist_create(request):
    require_admin(request.user)
    form = ChecklistForm(request.POST or None)
    formset = ChecklistItemFormSet(request.POST or None, prefix="items")
    checklist = _save_checklist(
        request, form, formset, lambda kw: services.checklist_create(actor=request.user, **kw)
    )
    if checklist:
        messages.success(request, _("Checklist “%(name)s” created.") % {"name": checklist.name})
        return redirect(checklist)
    return _form_page(request, form, formset)


@login_required
@GET_POST
def checklist_edit(request, pk):
    require_admin(request.user)
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    form = ChecklistForm(
        request.POST or None, editing=True, initial=ChecklistForm.initial_for(checklist)
    ).versioned(checklist)
    formset = ChecklistItemFormSet(
        request.POST or None, prefix="items", initial=items_initial(checklist.items)
    )
    saved = _save_checklist(
        request,
        form,
        formset,
        lambda kw: services.checklist_update(
            actor=request.user, checklist=checklist, if_version=form.seen_version(), **kw
        ),
    )
    if saved:
        if saved.version != checklist.version:
            message = _("Saved as version %(n)d.") % {"n": saved.version}
        else:
            message = _("Checklist saved.")
        messages.success(request, message)
        return redirect(saved)
    return _form_page(request, form, formset, checklist)


@login_required
@require_POST
def checklist_archive(request, pk):
    """Archive the checklist (``archived=1``) or bring it back (``archived=0``)."""
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    archived = request.POST.get("archived", "1") == "1"
    saved = services.checklist_update(actor=request.user, checklist=checklist, archived=archived)
    if saved.archived:
        messages.success(request, _("Checklist archived: new releases no longer list it."))
    else:
        messages.success(request, _("Checklist restored: releases list it again."))
    return redirect(saved)


@login_required
def release_inspections(request, pk):
    """A release's inspections: each checklist, its items ticked so far and its sign-off."""
    release = _release(request, pk)
    rows = selectors.release_inspections(user=request.user, release=release)
    for row in rows:  # each form sends back the version it shows (core.versioning)
        shown = row.inspection or services.inspection_unstarted(release, row.checklist)
        row.edit_version = versioning.version_of(shown)
    context = {"release": release, "rows": rows}
    return render(request, "quality/release_inspections.html", context)


def _back(inspection_or_release_pk, checklist_pk=None):
    response = redirect("quality:release-inspections", pk=inspection_or_release_pk)
    if checklist_pk:
        response["Location"] += f"#checklist-{checklist_pk}"
    return response


@login_required
@require_POST
def inspection_save(request, pk, checklist_pk):
    """Start the inspection if needed, save the ticked items and, when asked, sign it off. A
    form built on a state someone changed meanwhile saves nothing (it says so)."""
    release = _release(request, pk)
    checklist = selectors.checklist_get(user=request.user, pk=checklist_pk)
    seen = (request.POST.get("edit_version") or "")[:200] or None
    try:
        with transaction.atomic():  # the inspection stays locked from the version check on
            inspection = services.inspection_start(
                actor=request.user, release=release, checklist=checklist, if_version=seen
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
