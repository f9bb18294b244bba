"""Pages of the research repository: studies with their notes and highlights linked to
features; and the release page's form that schedules the follow-up surveys of its features.
Every write goes through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature, Release
from wavelength.catalog.selectors import history_for
from wavelength.catalog.views.base import GET_POST, timeline_page
from wavelength.core import clock
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit

from .. import selectors, services
from ..forms import (
    HighlightForm,
    HighlightLinkForm,
    NoteForm,
    ReleaseFollowUpForm,
    StudyForm,
    note_initial,
    study_initial,
)
from ..models import StudyMethod, StudyStatus

__all__ = [
    "highlight_add",
    "highlight_delete",
    "highlight_link",
    "highlight_list",
    "highlight_unlink",
    "note_create",
    "note_delete",
    "note_detail",
    "note_edit",
    "release_follow_ups",
    "study_create",
    "study_delete",
    "study_detail",
    "study_edit",
    "study_list",
]

PER_PAGE = 25


def page_of(request, rows):
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _refused(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


# Studies ----------------------------------------------------------------------------------


@login_required
def study_list(request):
    status, method = request.GET.get("status", ""), request.GET.get("method", "")
    studies = selectors.study_list(user=request.user, status=status, method=method)
    context = {"page": page_of(request, studies), "status": status, "method": method,
               "statuses": StudyStatus.choices, "methods": StudyMethod.choices}  # fmt: skip
    return render(request, "research/study_list.html", context)


def _study_values(request, form) -> dict:
    values = form.values()
    values["participants"] = services.contacts_for_emails(
        actor=request.user, emails=values["participants"]
    )
    return values


@login_required
@GET_POST
def study_create(request):
    require_editor(request.user)
    initial = {"status": StudyStatus.PLANNED, "method": StudyMethod.INTERVIEW,
               "owner": request.user.pk}  # fmt: skip
    form = StudyForm(request.POST or None, initial=initial)
    study = submit(
        form, lambda: services.study_create(actor=request.user, **_study_values(request, form))
    )
    if study:
        messages.success(request, _("Study created: add its notes as sessions take place."))
        return redirect(study)
    return render(request, "research/study_form.html", {"form": form}, status=form_status(form))


@login_required
@GET_POST
def study_edit(request, pk):
    study = selectors.study_get(user=request.user, pk=pk)
    require_editor(request.user)
    form = StudyForm(request.POST or None, initial=study_initial(study)).versioned(study)
    saved = submit(
        form,
        lambda: services.study_update(actor=request.user, study=study,
                                      if_version=form.seen_version(),
                                      **_study_values(request, form)),
    )  # fmt: skip
    if saved:
        messages.success(request, _("Study saved."))
        return redirect(saved)
    context = {"form": form, "study": study}
    return render(request, "research/study_form.html", context, status=form_status(form))


@login_required
def study_detail(request, pk):
    study = selectors.study_get(user=request.user, pk=pk)
    context = {
        "study": study,
        "notes": page_of(request, selectors.notes_of(study)),
        "highlights": selectors.highlight_list(user=request.user, study=study.pk)[:10],
        **timeline_page(request, history_for(user=request.user, obj=study)),
    }
    return render(request, "research/study_detail.html", context)


@login_required
@require_POST
def study_delete(request, pk):
    study = selectors.study_get(user=request.user, pk=pk)
    try:
        services.study_delete(actor=request.user, study=study)
    except DomainError as exc:
        _refused(request, exc)
        return redirect(study)
    messages.success(request, _("Study deleted."))
    return redirect("research:study-list")


# Notes ------------------------------------------------------------------------------------


def _note_values(request, form) -> dict:
    values = form.values()
    email = values.pop("participant")
    found = services.contacts_for_emails(actor=request.user, emails=[email], field="participant")
    values["participant"] = found[0] if found else None
    return values


@login_required
@GET_POST
def note_create(request, pk):
    study = selectors.study_get(user=request.user, pk=pk)
    require_editor(request.user)
    form = NoteForm(request.POST or None, initial={"taken_on": _today()})
    note = submit(
        form,
        lambda: services.note_create(actor=request.user, study=study,
                                     **_note_values(request, form)),
    )  # fmt: skip
    if note:
        messages.success(request, _("Notes saved: select a passage to keep it as a highlight."))
        return redirect(note)
    context = {"form": form, "study": study}
    return render(request, "research/note_form.html", context, status=form_status(form))


def _today():
    return clock.now().date()


@login_required
@GET_POST
def note_edit(request, pk):
    note = selectors.note_get(user=request.user, pk=pk)
    require_editor(request.user)
    form = NoteForm(request.POST or None, initial=note_initial(note)).versioned(note)
    saved = submit(
        form,
        lambda: services.note_update(actor=request.user, note=note,
                                     if_version=form.seen_version(),
                                     **_note_values(request, form)),
    )  # fmt: skip
    if saved:
        messages.success(request, _("Notes saved."))
        return redirect(saved)
    context = {"form": form, "note": note, "study": note.study}
    return render(request, "research/note_form.html", context, status=form_status(form))


def _note_context(request, note, **forms):
    return {
        "note": note,
        "study": note.study,
        "highlights": selectors.highlights_of(note),
        "highlight_form": forms.get("highlight_form") or HighlightForm(),
        # The features once for every highlight's link form, not a query per highlight.
        "feature_choices": list(HighlightLinkForm().fields["feature"].choices)[1:],
        **timeline_page(request, history_for(user=request.user, obj=note)),
    }


@login_required
def note_detail(request, pk):
    note = selectors.note_get(user=request.user, pk=pk)
    return render(request, "research/note_detail.html", _note_context(request, note))


@login_required
@require_POST
def note_delete(request, pk):
    note = selectors.note_get(user=request.user, pk=pk)
    study = note.study
    try:
        services.note_delete(actor=request.user, note=note)
    except DomainError as exc:
        _refused(request, exc)
        return redirect(note)
    messages.success(request, _("Notes deleted."))
    return redirect(study)


# Highlights -------------------------------------------------------------------------------


@login_required
@require_POST
def highlight_add(request, pk):
    note = selectors.note_get(user=request.user, pk=pk)
    require_editor(request.user)
    form = HighlightForm(request.POST)
    done = submit(
        form, lambda: services.highlight_create(actor=request.user, note=note, **form.values())
    )
    if done:
        messages.success(request, _("Highlight kept."))
        return redirect(done.get_absolute_url())
    context = _note_context(request, note, highlight_form=form)
    return render(request, "research/note_detail.html", context, status=form_status(form))


@login_required
@require_POST
def highlight_link(request, pk):
    highlight = selectors.highlight_get(user=request.user, pk=pk)
    form = HighlightLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a feature."))
        return redirect(highlight.get_absolute_url())
    try:
        services.highlight_link(actor=request.user, highlight=highlight,
                                feature=form.cleaned_data["feature"])  # fmt: skip
        messages.success(request, _("Highlight linked: it counts in the feature's demand."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect(highlight.get_absolute_url())


@login_required
@require_POST
def highlight_unlink(request, pk, feature_pk):
    highlight = selectors.highlight_get(user=request.user, pk=pk)
    feature = Feature.objects.filter(pk=feature_pk).first()
    try:
        if feature is None:
            raise DomainError(_("This feature no longer exists."), field="feature")
        services.highlight_unlink(actor=request.user, highlight=highlight, feature=feature)
        messages.success(request, _("Highlight unlinked."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect(highlight.get_absolute_url())


@login_required
@require_POST
def highlight_delete(request, pk):
    highlight = selectors.highlight_get(user=request.user, pk=pk)
    note = highlight.note
    services.highlight_delete(actor=request.user, highlight=highlight)
    messages.success(request, _("Highlight removed."))
    return redirect(note)


@login_required
def highlight_list(request):
    tag = request.GET.get("tag", "").strip()[:50]
    feature = request.GET.get("feature", "")
    feature = int(feature) if feature.isdigit() and len(feature) < 12 else None
    study = request.GET.get("study", "")
    study = int(study) if study.isdigit() and len(study) < 12 else None
    rows = selectors.highlight_list(user=request.user, tag=tag, feature=feature, study=study)
    chosen = Feature.objects.filter(pk=feature).first() if feature else None
    context = {"page": page_of(request, rows), "tag": tag, "feature": chosen}
    return render(request, "research/highlight_list.html", context)


# A release's follow-ups -------------------------------------------------------------------


@login_required
@require_POST
def release_follow_ups(request, pk):
    """Schedule the follow-up survey of each feature of a release (the release page's form)."""
    release = get_object_or_404(Release, pk=pk)
    form = ReleaseFollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to measure and 0 to 365 days."))
        return redirect(release)
    try:
        surveys = services.release_follow_ups_schedule(
            actor=request.user, release=release, **form.cleaned_data
        )
        messages.success(request, _("%(n)d follow-up surveys scheduled.") % {"n": len(surveys)})
    except DomainError as exc:
        _refused(request, exc)
    return redirect(release.get_absolute_url() + "#section-follow-ups")
