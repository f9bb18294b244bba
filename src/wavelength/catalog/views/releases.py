"""Releases (list, page, forms, "Mark released") and the changelog."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor

from .. import gates, selectors, services, shipping
from ..forms import (
    ChangelogEntryForm,
    ChangelogFilterForm,
    ReleaseFilterForm,
    ReleaseForm,
    ReleaseShipForm,
)
from ..models import ReleaseStatus
from ..sections import render_sections
from .base import (
    GET_POST,
    PER_PAGE,
    form_status,
    paginate,
    preview,
    product_from,
    render_page,
    submit,
    timeline_page,
    wants_preview,
)

CHANGELOG_PER_PAGE = 30
# How often an open release page asks whether its gate changed.
GATE_POLL_SECONDS = 5


@login_required
def release_list(request):
    form = ReleaseFilterForm(request.GET or None)
    releases = selectors.release_list(
        user=request.user, product=form.value("product"), status=form.value("status")
    )
    context = {"filter_form": form, "page": paginate(request, releases, PER_PAGE)}
    fragments = {"release-results": "catalog/_release_results.html"}
    return render_page(request, "catalog/release_list.html", context, fragments=fragments)


@login_required
@GET_POST
def release_create(request):
    require_editor(request.user)
    product = product_from(request)
    initial = {"product": product.slug if product else None, "status": ReleaseStatus.PLANNED}
    form = ReleaseForm(request.POST or None, product=product, initial=initial)
    release = submit(
        form,
        lambda: services.release_create(
            actor=request.user, product=form.cleaned_data["product"], **form.service_kwargs()
        ),
    )
    if release:
        messages.success(request, _("Release %(version)s created.") % {"version": release.version})
        return redirect(release)
    context = {"form": form, "release": None, "product": product}
    return render(request, "catalog/release_form.html", context, status=form_status(form))


@login_required
@GET_POST
def release_edit(request, pk):
    require_editor(request.user)
    release = selectors.release_get(user=request.user, pk=pk)
    form = ReleaseForm(
        request.POST or None, release=release, initial=ReleaseForm.initial_for(release)
    ).versioned(release)
    saved = submit(
        form,
        lambda: services.release_update(
            actor=request.user,
            release=release,
            if_version=form.seen_version(),
            **form.service_kwargs(),
        ),
    )
    if saved:
        messages.success(request, _("Release saved."))
        return redirect(saved)
    context = {"form": form, "release": release, "product": release.product}
    return render(request, "catalog/release_form.html", context, status=form_status(form))


@login_required
def release_detail(request, pk):
    release = selectors.release_get(user=request.user, pk=pk)
    return _release_page(request, release)


def _gate_context(request, release) -> dict:
    """The release's gate for its page and its poll: live before it ships, frozen after."""
    if release.status == ReleaseStatus.RELEASED:
        shipped = selectors.shipped_gate(user=request.user, release=release)
        return {"gate": [], "gate_ok": True, "shipped_gate": shipped}
    verdicts = gates.evaluate(release)
    return {
        "gate": verdicts,
        "gate_ok": gates.passes(verdicts),
        "gate_poll_seconds": GATE_POLL_SECONDS,
        "shipped_gate": None,
    }


def _release_page(request, release):
    context = {
        "release": release,
        "features": release.features.select_related("owner_team", "area").order_by("title"),
        "entries": release.changelog.select_related("author"),
        **_gate_context(request, release),
        "sections": render_sections("release", user=request.user, obj=release),
        **timeline_page(request, selectors.history_for(user=request.user, obj=release)),
    }
    fragments = {"release-body": "catalog/_release_body.html", "timeline": "catalog/_timeline.html"}
    return render_page(request, "catalog/release_detail.html", context, fragments=fragments)


@login_required
def release_gate(request, pk):
    """The release's gate alone, polled by its page: criterion by criterion, as it is now.
    When the verdict changed since the page was drawn (``?was=ok|failing``), the ship form
    follows out of band so its button matches."""
    release = selectors.release_get(user=request.user, pk=pk)
    context = {"release": release, **_gate_context(request, release)}
    if release.status == ReleaseStatus.RELEASED:  # shipped meanwhile: its frozen verdict, no poll
        if context["shipped_gate"] is None:
            return HttpResponse('<div id="release-gate"></div>')
        return render(request, "catalog/_release_shipped_gate.html", context)
    was = "ok" if context["gate_ok"] else "failing"
    context["ship_form_oob"] = (
        request.GET.get("was") != was and release.status != ReleaseStatus.CANCELLED
    )
    return render(request, "catalog/_release_gate.html", context)


@login_required
@GET_POST
def release_ship(request, pk):
    """ "Mark released": a confirmation summing up the gate, what is still open and the
    features it ships; the release ships only from this page's own button."""
    require_editor(request.user)
    release = selectors.release_get(user=request.user, pk=pk)
    if release.status in (ReleaseStatus.RELEASED, ReleaseStatus.CANCELLED):
        messages.info(request, _("%(release)s cannot ship again.") % {"release": release})
        return redirect(release)
    initial = {"features_to": shipping.default_features_to(release)}
    form = ReleaseShipForm(request.POST or None, initial=initial).versioned(release)
    shipped = submit(
        form,
        lambda: services.release_ship(
            actor=request.user,
            release=release,
            if_version=form.seen_version(),
            **{k: v for k, v in form.values().items() if k != "confirm"},
        ),
    )
    if shipped:
        messages.success(request, _("%(release)s is released.") % {"release": shipped})
        return redirect(shipped)
    summary = selectors.release_ship_summary(user=request.user, release=release)
    features_to = [
        (value, label, len(summary.moving(value))) for value, label in shipping.FEATURES_TO_CHOICES
    ]
    context = {"release": release, "summary": summary, "form": form, "features_to": features_to}
    return render(request, "catalog/release_ship.html", context, status=form_status(form))


# Changelog --------------------------------------------------------------------------------


@login_required
@GET_POST
def changelog_create(request, pk):
    require_editor(request.user)
    if wants_preview(request):
        return preview(request)
    release = selectors.release_get(user=request.user, pk=pk)
    form = ChangelogEntryForm(request.POST or None)
    entry = submit(
        form,
        lambda: services.changelog_entry_create(
            actor=request.user, release=release, **form.values()
        ),
    )
    if entry:
        messages.success(request, _("Changelog entry added."))
        return redirect(entry.get_absolute_url())
    context = {"form": form, "release": release, "entry": None}
    return render(request, "catalog/changelog_form.html", context, status=form_status(form))


@login_required
@GET_POST
def changelog_edit(request, pk):
    require_editor(request.user)
    if wants_preview(request):
        return preview(request)
    entry = get_object_or_404(selectors.changelog_list(user=request.user), pk=pk)
    form = ChangelogEntryForm(
        request.POST or None, initial=ChangelogEntryForm.initial_for(entry)
    ).versioned(entry)
    saved = submit(
        form,
        lambda: services.changelog_entry_update(
            actor=request.user, entry=entry, if_version=form.seen_version(), **form.values()
        ),
    )
    if saved:
        messages.success(request, _("Changelog entry saved."))
        return redirect(saved.get_absolute_url())
    context = {"form": form, "release": entry.release, "entry": entry}
    return render(request, "catalog/changelog_form.html", context, status=form_status(form))


@login_required
def changelog(request):
    form = ChangelogFilterForm(request.GET or None)
    entries = selectors.changelog_list(user=request.user, product=form.value("product"))
    if form.value("visibility"):
        entries = entries.filter(visibility=form.value("visibility"))
    # Group by release on the page: upcoming (unreleased) first, then newest shipped first,
    # and the same order on SQLite and PostgreSQL (they sort NULLs differently).
    entries = entries.order_by(
        F("release__released_on").desc(nulls_first=True),
        F("release__target_date").desc(nulls_last=True),
        "-release_id",
        "-created_at",
        "-id",
    )
    context = {"filter_form": form, "page": paginate(request, entries, CHANGELOG_PER_PAGE)}
    fragments = {"changelog-results": "catalog/_changelog_results.html"}
    return render_page(request, "catalog/changelog.html", context, fragments=fragments)
