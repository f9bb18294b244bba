"""Products: the list with features per stage, the forms, and the product page: its board
(moves by the card's control or drag-and-drop), releases and timeline."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wavelength.accounts.permissions import require_editor
from wavelength.core.exceptions import DomainError

from .. import selectors, services
from ..forms import AreaForm, BoardFilterForm, MoveForm, ProductForm
from ..models import Stage
from ..sections import render_sections
from ..standards import StandardRefused
from .base import (
    GET_POST,
    form_status,
    preview,
    render_page,
    safe_next,
    submit,
    timeline_page,
    wants_preview,
)

BOARD_COLUMN_LIMIT = 30  # cards shown per column; the rest is one click away in the list


@dataclass
class StageCount:
    stage: str
    label: str
    count: int
    percent: float


def _breakdown(counts: dict[str, int]) -> list[StageCount]:
    total = sum(counts.values()) or 1
    return [
        StageCount(s.value, s.label, counts[s.value], round(100 * counts[s.value] / total, 1))
        for s in Stage
        if counts.get(s.value)
    ]


@login_required
def product_list(request):
    counts = selectors.product_stage_counts(user=request.user)
    products = [
        (product, _breakdown(counts.get(product.pk, {})))
        for product in selectors.product_list(user=request.user)
    ]
    return render(request, "catalog/product_list.html", {"products": products})


@login_required
@GET_POST
def product_create(request):
    require_editor(request.user)
    form = ProductForm(request.POST or None)
    if wants_preview(request):
        return preview(request)
    product = submit(form, lambda: services.product_create(actor=request.user, **form.values()))
    if product:
        messages.success(request, _("Product “%(name)s” created.") % {"name": product.name})
        return redirect(product)
    context = {"form": form, "product": None}
    return render(request, "catalog/product_form.html", context, status=form_status(form))


@login_required
@GET_POST
def product_edit(request, slug):
    require_editor(request.user)
    product = selectors.product_get(user=request.user, key=slug)
    if wants_preview(request):
        return preview(request)
    if request.POST.get("action") == "add-area":
        return _area_add(request, product)
    initial = {"name": product.name, "description": product.description}
    form = ProductForm(request.POST or None, initial=initial).versioned(product)
    saved = submit(
        form,
        lambda: services.product_update(
            actor=request.user, product=product, if_version=form.seen_version(), **form.values()
        ),
    )
    if saved:
        messages.success(request, _("Product saved."))
        return redirect(saved)
    return _product_form(request, product, form, AreaForm(prefix="area"))


def _area_add(request, product):
    area_form = AreaForm(request.POST, prefix="area")
    area = submit(
        area_form,
        lambda: services.area_create(
            actor=request.user, product=product, name=area_form.cleaned_data["name"]
        ),
    )
    if area:
        messages.success(request, _("Area “%(name)s” added.") % {"name": area.name})
        return redirect("catalog:product-edit", slug=product.slug)
    initial = {"name": product.name, "description": product.description}
    return _product_form(
        request, product, ProductForm(initial=initial).versioned(product), area_form
    )


def _product_form(request, product, form, area_form):
    status = max(form_status(form), form_status(area_form))
    context = {
        "form": form,
        "area_form": area_form,
        "product": product,
        "areas": product.areas.all(),
    }
    return render(request, "catalog/product_form.html", context, status=status)


@login_required
def product_detail(request, slug):
    product = selectors.product_get(user=request.user, key=slug)
    return _product_page(request, product, BoardFilterForm(request.GET or None))


def _board_context(request, product, filter_form, *, moved=None, error=None) -> dict:
    columns = selectors.product_board(
        user=request.user,
        product=product,
        filters=filter_form.to_filter(),
        per_column=BOARD_COLUMN_LIMIT,
    )
    kept = {k: filter_form.data.get(k) for k in BoardFilterForm.base_fields}
    query = urlencode({k: v for k, v in kept.items() if v})
    return {
        "columns": columns,
        "filter_form": filter_form,
        "board_url": product.get_absolute_url() + (f"?{query}" if query else ""),
        "board_total": sum(c.count for c in columns),
        "moved": moved,
        "error_for": moved.pk if moved and error else None,
        "error_message": error,
    }


def _product_page(request, product, filter_form, *, moved=None, error=None, status=200):
    fragments = {"board": "catalog/_board.html", "timeline": "catalog/_timeline.html"}
    part = request.htmx.target if request.htmx and request.htmx.target in fragments else None
    context = {"product": product}
    if part != "timeline":
        context.update(_board_context(request, product, filter_form, moved=moved, error=error))
    # A move also refreshes the timeline next to the board (swapped out of band).
    timeline_oob = part == "board" and moved is not None and error is None
    if part != "board" or timeline_oob:
        activities = selectors.product_timeline(user=request.user, product=product)
        context.update(timeline_page(request, activities), timeline_oob=timeline_oob)
    if part is None:
        context["releases"] = selectors.release_list(user=request.user, product=product)[:8]
        context["sections"] = render_sections("product", user=request.user, obj=product)
    return render_page(
        request, "catalog/product_detail.html", context, fragments=fragments, status=status
    )


# Moving a card ---------------------------------------------------------------------------


@login_required
@require_POST
def feature_move(request, pk):
    """Move a card to another stage (the board's control and its drag-and-drop)."""
    require_editor(request.user)
    feature = selectors.feature_get(user=request.user, pk=pk)
    form = MoveForm(request.POST)
    error = None
    if not form.is_valid():
        error = _("Choose a stage to move this feature to.")
    else:
        try:
            feature = services.feature_move_stage(
                actor=request.user, feature=feature, stage=form.cleaned_data["stage"]
            )
        except StandardRefused as exc:
            # What is missing, with a link to the page listing it (and the override).
            link = _("See what is missing") if exc.url else ""
            error = format_html('{} <a href="{}">{}</a>', exc.message, exc.url, link)
        except DomainError as exc:
            error = exc.message
    if error is None and not request.htmx:
        messages.success(
            request,
            _("“%(title)s” moved to %(stage)s.")
            % {"title": feature.title, "stage": Stage(feature.stage).label},
        )
        return redirect(safe_next(request, feature.product.get_absolute_url()))
    # The board is re-read after the move, with the filters the person had on.
    filters = BoardFilterForm(request.POST)
    return _product_page(
        request,
        feature.product,
        filters,
        moved=feature,
        error=error,
        status=422 if error else 200,
    )
