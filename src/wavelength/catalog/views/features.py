"""Features: the filtered list, the feature page (lifecycle, sections, history) and its form."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core.pagecache import cached_page

from .. import selectors, services
from ..forms import FeatureFilterForm, FeatureForm
from ..models import Stage
from ..sections import render_feature_sections
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


@login_required
def feature_list(request):
    form = FeatureFilterForm(request.GET or None)
    features = selectors.feature_list(user=request.user, filters=form.to_filter())
    context = {"filter_form": form, "page": paginate(request, features, PER_PAGE)}
    fragments = {"feature-results": "catalog/_feature_results.html"}
    return render_page(request, "catalog/feature_list.html", context, fragments=fragments)


@login_required
@GET_POST
def feature_create(request):
    require_editor(request.user)
    if wants_preview(request):
        return preview(request)
    product = product_from(request)
    initial = {"product": product.slug if product else None, "stage": Stage.IDEA}
    form = FeatureForm(request.POST or None, product=product, initial=initial)
    feature = submit(
        form,
        lambda: services.feature_create(
            actor=request.user, product=form.cleaned_data["product"], **form.service_kwargs()
        ),
    )
    if feature:
        messages.success(request, _("Feature “%(title)s” created.") % {"title": feature.title})
        return redirect(feature)
    context = {"form": form, "feature": None, "product": product}
    return render(request, "catalog/feature_form.html", context, status=form_status(form))


@login_required
@cached_page
def feature_detail(request, pk):
    feature = selectors.feature_get(user=request.user, pk=pk)
    context = {
        "feature": feature,
        "lifecycle": _lifecycle(feature),
        "sections": render_feature_sections(user=request.user, feature=feature),
        **timeline_page(request, selectors.history_for(user=request.user, obj=feature)),
    }
    fragments = {"timeline": "catalog/_timeline.html"}
    return render_page(request, "catalog/feature_detail.html", context, fragments=fragments)


@dataclass
class LifecycleStep:
    stage: str
    label: str
    entered_at: object
    times: int
    current: bool
    skipped: bool


def _lifecycle(feature) -> list[LifecycleStep]:
    """Each stage with the last time the feature entered it (off-path stages only if reached)."""
    last, times = {}, {}
    for entry in feature.stage_entries.all():
        last[entry.stage] = entry.entered_at
        times[entry.stage] = times.get(entry.stage, 0) + 1
    order = list(Stage.values)
    current = order.index(feature.stage)
    optional = {Stage.DEPRECATED, Stage.RETIRED}
    return [
        LifecycleStep(
            stage=s.value,
            label=s.label,
            entered_at=last.get(s.value),
            times=times.get(s.value, 0),
            current=s == feature.stage,
            skipped=s.value not in last and order.index(s.value) < current,
        )
        for s in Stage
        if s not in optional or s.value in last or s == feature.stage
    ]


@login_required
@GET_POST
def feature_edit(request, pk):
    require_editor(request.user)
    if wants_preview(request):
        return preview(request)
    feature = selectors.feature_get(user=request.user, pk=pk)
    form = FeatureForm(
        request.POST or None, feature=feature, initial=FeatureForm.initial_for(feature)
    ).versioned(feature)
    saved = submit(
        form,
        lambda: services.feature_update(
            actor=request.user,
            feature=feature,
            if_version=form.seen_version(),
            **form.service_kwargs(),
        ),
    )
    if saved:
        messages.success(request, _("Feature saved."))
        return redirect(saved)
    context = {"form": form, "feature": feature, "product": feature.product}
    return render(request, "catalog/feature_form.html", context, status=form_status(form))
