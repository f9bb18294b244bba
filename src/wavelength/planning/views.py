"""Pages: the roadmap (timeline and Now / Next / Later), its CSV export and read-only links,
moving features on it, and objectives with their key results."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from wavelength.catalog.models import Feature, Release, Stage
from wavelength.catalog.views.base import GET_POST, render_page, safe_next
from wavelength.core import clock
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit

from . import selectors, services, share
from .forms import (
    KeyResultForm,
    MoveForm,
    ObjectiveForm,
    PlanForm,
    StageMoveForm,
    StandardForm,
    key_result_initial,
    objective_initial,
)
from .models import Column, objective_progress


def filters_from(params) -> selectors.RoadmapFilter:
    """The roadmap's filters from a query string; what does not parse is left out."""
    objective = (params.get("objective") or "").strip()
    stage = params.get("stage") or None
    group = params.get("group") or "product"
    return selectors.RoadmapFilter(
        product=(params.get("product") or "").strip()[:120] or None,
        team=(params.get("team") or "").strip()[:120] or None,
        tag=(params.get("tag") or "").strip()[:50] or None,
        stage=stage if stage in Stage.values else None,
        objective=int(objective) if objective.isdigit() and len(objective) < 16 else None,
        group=group if group in selectors.GROUPS else "product",
    )


def _query(filters: selectors.RoadmapFilter, **extra) -> str:
    return urlencode({**filters.as_dict(), **extra})


def _common(request, filters, *, user, read_only=False) -> dict:
    return {
        "filters": filters,
        "query": _query(filters),
        "choices": selectors.filter_choices(user=user),
        "read_only": read_only or not request.user.is_authenticated or not request.user.can_edit,
        "columns": Column.choices,
        "today": clock.now().date(),
        "here": _here(request),
    }


def _here(request) -> str:
    """The page a card's form returns to: after an htmx move, the page it was made from."""
    if request.htmx and request.htmx.current_url_abs_path:
        return request.htmx.current_url_abs_path
    return request.get_full_path()


def _timeline_context(request, filters, *, user, read_only=False) -> dict:
    context = _common(request, filters, user=user, read_only=read_only)
    found = selectors.timeline(user=user, filters=filters, page=request.GET.get("page"),
                               targets=not context["read_only"])  # fmt: skip
    features = [f for lane in found.lanes for row in lane.releases for f in row.features]
    _attach_targets(context, user, features, targets=found.targets)
    return {**context, "page_obj": found.page, "lanes": found.lanes, "view": "timeline"}


def _attach_targets(context, user, features, *, view: str = "timeline", targets=None) -> None:
    """Each card's move URL and "Move to" options: the open releases of its product (or the
    columns), rendered once per product rather than once per card."""
    if context["read_only"]:
        return
    if view == "board":
        options = {None: _options([("", _("Move to…"))] + list(Column.choices))}
    else:
        options = {
            product: _options([("", _("Move to…"))]
                              + [(r.pk, _release_label(r)) for r in releases]
                              + [("none", _("No release"))])
            for product, releases in (targets or {}).items()
        }  # fmt: skip
    url = reverse("planning:roadmap-move", args=[0])
    for feature in features:
        feature.move_url = url.replace("/0/", f"/{feature.pk}/")
        feature.move_options = options.get(None if view == "board" else feature.product_id, "")


def _release_label(release) -> str:
    if not release.target_date:
        return release.version
    return f"{release.version} · {date_format(release.target_date, 'DATE_FORMAT')}"


def _options(pairs) -> str:
    return format_html_join("", '<option value="{}">{}</option>', pairs)


def _board_context(request, filters, *, user, read_only=False) -> dict:
    context = _common(request, filters, user=user, read_only=read_only)
    column = request.GET.get("column")
    if column in Column.values:
        page = selectors.column_page(user=user, filters=filters, column=column,
                                     page=request.GET.get("page"))  # fmt: skip
        board = [selectors.BoardColumn(column, Column(column).label, page.paginator.count,
                                       list(page))]  # fmt: skip
        context["page_obj"] = page
    else:
        board = selectors.board(user=user, filters=filters)
    features = [f for c in board for f in c.features]
    _attach_targets(context, user, features, view="board")
    return {**context, "board": board, "view": "board", "column": column}


@login_required
def roadmap(request):
    filters = filters_from(request.GET)
    context = _timeline_context(request, filters, user=request.user)
    fragments = {"roadmap": "planning/_timeline.html"}
    return render_page(request, "planning/roadmap.html", context, fragments=fragments)


@login_required
def roadmap_board(request):
    filters = filters_from(request.GET)
    context = _board_context(request, filters, user=request.user)
    fragments = {"roadmap": "planning/_board.html"}
    return render_page(request, "planning/board.html", context, fragments=fragments)


def _target(value: str, model, field: str):
    """A form's "release" or "column" value: unchanged (empty), ``None`` ("none") or a row."""
    value = (value or "").strip()
    if not value:
        return services._MISSING
    if value == "none":
        return None
    if model is None:
        return value
    if not value.isdigit() or len(value) > 18:
        raise DomainError(_("Choose a release."), field=field)
    release = Release.objects.filter(pk=int(value)).first()
    if release is None:
        raise DomainError(_("This release does not exist."), field=field)
    return release


@login_required
@require_POST
def roadmap_move(request, pk):
    """Move a feature into a release or a column: the drop of a drag, or the card's form."""
    feature = get_object_or_404(Feature.objects.select_related("product"), pk=pk)
    form = MoveForm(request.POST)
    view = request.POST.get("view") if request.POST.get("view") == "board" else "timeline"
    error = None
    if not form.is_valid():
        error = "; ".join(e for errors in form.errors.values() for e in errors)
    else:
        d = form.cleaned_data
        try:
            services.roadmap_move(
                actor=request.user, feature=feature,
                release=_target(d["release"], Release, "release"),
                column=_target(d["column"], None, "column"),
                reason=d["reason"], if_version=d["edit_version"] or None,
            )  # fmt: skip
        except DomainError as exc:
            error = " ".join(exc.errors.values())
    if request.htmx:
        filters = filters_from(request.POST)
        build = _board_context if view == "board" else _timeline_context
        context = {**build(request, filters, user=request.user), "moved": feature,
                   "error_message": error}  # fmt: skip
        template = f"planning/_{view}.html"
        return render(request, template, context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("“%(title)s” moved on the roadmap.") % {"title": feature.title})
    default = reverse("planning:roadmap-board" if view == "board" else "planning:roadmap")
    return redirect(safe_next(request, default))


@login_required
@require_POST
def roadmap_plan(request):
    """The prioritisation table's selected features, into a release or a column at once."""
    form = PlanForm(request.POST)
    back = safe_next(request, reverse("prioritisation:prioritisation"))
    if not form.is_valid():
        messages.error(request, _("Select features and where to plan them."))
        return redirect(back)
    d = form.cleaned_data
    kind, _sep, value = d["target"].partition(":")
    try:
        if kind == "release":
            target = {"release": _target(value, Release, "release")}
        elif kind == "column" and value in Column.values:
            target = {"column": value}
        else:
            raise DomainError(_("Choose a release or a roadmap column."), field="target")
        n = services.roadmap_plan(actor=request.user, features=list(d["features"]),
                                  reason=d["reason"], **target)  # fmt: skip
    except DomainError as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect(back)
    messages.success(
        request, ngettext("%(n)d feature planned.", "%(n)d features planned.", n) % {"n": n}
    )
    return redirect(back)


@login_required
@require_GET
def roadmap_export(request):
    filters = filters_from(request.GET)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="roadmap.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Product"), _("Feature"), _("Stage"), _("Roadmap column"), _("Release"),
                     _("Target date"), _("Late"), _("Owner team"), _("Tags"), _("Objectives"),
                     _("Link")])  # fmt: skip
    columns = dict(Column.choices)
    for feature, releases in selectors.export_rows(user=request.user, filters=filters):
        writer.writerow([
            feature.product.name, _safe(feature.title), Stage(feature.stage).label,
            columns.get(feature.column, ""),
            ", ".join(r.version for r, _late in releases),
            ", ".join(r.target_date.isoformat() for r, _late in releases if r.target_date),
            _("yes") if any(late for _r, late in releases) else "",
            feature.owner_team.name if feature.owner_team else "",
            " ".join(t.name for t in feature.card_tags),
            "; ".join(_safe(o.title) for o in feature.card_objectives),
            request.build_absolute_uri(feature.get_absolute_url()),
        ])  # fmt: skip
    return response


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@login_required
@require_POST
def roadmap_share(request):
    filters = filters_from(request.POST)
    view = request.POST.get("view") or "timeline"
    token = share.make_token(user=request.user, view=view, filters=filters)
    url = request.build_absolute_uri(reverse("planning:shared-roadmap", args=[token]))
    context = {"url": url, "days": share.DAYS, "filters": filters, "view": view,
               "query": _query(filters)}  # fmt: skip
    return render(request, "planning/share.html", context)


@require_GET
def shared_roadmap(request, token):
    """The roadmap as its link's maker reads it, without signing in, and without any edit."""
    maker, view, filters = share.read_token(token)
    build = _board_context if view == "board" else _timeline_context
    context = {**build(request, filters, user=maker, read_only=True), "token": token,
               "maker": maker, "shared": True}  # fmt: skip
    return render(request, "planning/shared.html", context)


# Objectives -------------------------------------------------------------------------------


def _objective_data(form: ObjectiveForm) -> services.ObjectiveData:
    d = form.cleaned_data
    return services.ObjectiveData(
        title=d["title"], description=d["description"], owner=d["owner"], product=d["product"],
        period_start=d["period_start"], period_end=d["period_end"], features=list(d["features"]),
    )  # fmt: skip


PERIODS = ("current", "past", "future")


@login_required
def objective_list(request):
    period = request.GET.get("period")
    period = period if period in PERIODS else None
    product = (request.GET.get("product") or "").strip()[:120] or None
    qs = selectors.objective_list(user=request.user, product=product, period=period)
    from django.core.paginator import Paginator

    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rows = [(o, objective_progress(o.key_results.all())) for o in page]
    context = {"page_obj": page, "rows": rows, "period": period, "product": product,
               "choices": selectors.filter_choices(user=request.user)}  # fmt: skip
    return render(request, "planning/objective_list.html", context)


@login_required
@GET_POST
def objective_create(request):
    if not request.user.can_edit:
        raise PermissionDenied(_("Your role does not allow changes here."))
    today = clock.now().date()
    initial = {"owner": request.user.pk, "period_start": today}
    form = ObjectiveForm(request.POST or None, initial=initial)
    objective = submit(
        form, lambda: services.objective_create(actor=request.user, data=_objective_data(form))
    )
    if objective:
        messages.success(request, _("Objective created."))
        return redirect(objective)
    return render(request, "planning/objective_form.html", {"form": form},
                  status=form_status(form))  # fmt: skip


@login_required
def objective_detail(request, pk):
    objective = selectors.objective_get(user=request.user, pk=pk)
    return render(request, "planning/objective_detail.html", _objective_context(request, objective))


def _objective_context(request, objective, key_result_form=None) -> dict:
    features = selectors.objective_features(user=request.user, objective=objective)
    key_results = list(objective.key_results.all())
    return {
        "objective": objective,
        "key_results": key_results,
        "progress": objective_progress(key_results),
        "features": features,
        "key_result_form": key_result_form or KeyResultForm(prefix="kr"),
        "roadmap_query": urlencode({"objective": objective.pk}),
    }


@login_required
@GET_POST
def objective_edit(request, pk):
    objective = selectors.objective_get(user=request.user, pk=pk)
    if not request.user.can_edit:
        raise PermissionDenied(_("Your role does not allow changes here."))
    form = ObjectiveForm(request.POST or None, initial=objective_initial(objective),
                         product=objective.product).versioned(objective)  # fmt: skip
    saved = submit(form, lambda: services.objective_update(
        actor=request.user, objective=objective, data=_objective_data(form),
        if_version=form.seen_version()))  # fmt: skip
    if saved:
        messages.success(request, _("Objective saved."))
        return redirect(saved)
    context = {"form": form, "objective": objective}
    return render(request, "planning/objective_form.html", context, status=form_status(form))


@login_required
@require_POST
def objective_key_result_add(request, pk):
    objective = selectors.objective_get(user=request.user, pk=pk)
    form = KeyResultForm(request.POST, prefix="kr")
    done = submit(form, lambda: services.key_result_create(actor=request.user, objective=objective,
                                                           **form.values()))  # fmt: skip
    if done is not None:
        messages.success(request, _("Key result added."))
        return redirect(objective.get_absolute_url() + "#key-results")
    context = _objective_context(request, objective, key_result_form=form)
    return render(request, "planning/objective_detail.html", context, status=form_status(form))


@login_required
@GET_POST
def objective_key_result_edit(request, pk):
    key_result = selectors.key_result_get(user=request.user, pk=pk)
    if not request.user.can_edit:
        raise PermissionDenied(_("Your role does not allow changes here."))
    form = KeyResultForm(request.POST or None, initial=key_result_initial(key_result))
    form.versioned(key_result)

    def save():
        values = form.values()
        if values["current"] is None:
            values.pop("current")
        return services.key_result_update(actor=request.user, key_result=key_result,
                                          if_version=form.seen_version(), **values)  # fmt: skip

    saved = submit(form, save)
    if saved:
        messages.success(request, _("Key result saved."))
        return redirect(key_result.objective.get_absolute_url() + "#key-results")
    context = {"form": form, "key_result": key_result, "objective": key_result.objective}
    return render(request, "planning/key_result_form.html", context, status=form_status(form))


@login_required
@require_POST
def objective_refresh(request, pk):
    objective = selectors.objective_get(user=request.user, pk=pk)
    n = services.objective_refresh(actor=request.user, objective=objective)
    messages.success(
        request,
        ngettext("%(n)d key result read from its figure.",
                 "%(n)d key results read from their figures.", n) % {"n": n},
    )  # fmt: skip
    return redirect(objective.get_absolute_url() + "#key-results")


@login_required
@require_POST
def objective_feature_link(request, pk):
    """Link a feature to an objective, or unlink it (the feature page's section)."""
    feature = get_object_or_404(Feature.objects.select_related("product"), pk=pk)
    value = (request.POST.get("objective") or "").strip()
    if not value.isdigit() or len(value) > 18:
        raise Http404
    objective = selectors.objective_get(user=request.user, pk=int(value))
    linked = request.POST.get("action") != "unlink"
    try:
        services.objective_link(actor=request.user, objective=objective, feature=feature,
                                linked=linked)  # fmt: skip
    except DomainError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(request, _("Objectives saved."))
    return redirect(safe_next(request, feature.get_absolute_url() + "#section-planning"))


# Stage standards --------------------------------------------------------------------------


def _standard_form(request, product):
    from . import standards

    stages = [(s, Stage(s).label) for s in standards.STAGES]
    current = selectors.stage_standards(user=request.user, product=product)
    initial = {row.stage: [value for value, _label in row.requirements] for row in current}
    form = StandardForm(request.POST or None, initial=initial, options=standards.options(),
                        stages=stages)  # fmt: skip
    form.fields["edit_version"].initial = services.standard_version(product)
    return form, current


@login_required
@GET_POST
def standards_edit(request, slug):
    """What a product's features need before each stage: everyone reads, administrators
    change it; below, the moves made without meeting it."""
    from wavelength.catalog.selectors import product_get

    product = product_get(user=request.user, key=slug)
    form, current = _standard_form(request, product)
    if request.method == "POST":
        if not request.user.is_admin:
            raise PermissionDenied(_("Only an administrator can change the stage standards."))
        saved = submit(form, lambda: services.stage_standard_set(
            actor=request.user, product=product, requirements=form.requirements(),
            if_version=form.seen_version()))  # fmt: skip
        if saved:
            messages.success(request, _("The stage standards of %(product)s are saved.")
                             % {"product": product.name})  # fmt: skip
            return redirect("planning:standards-edit", slug=product.slug)
    from django.core.paginator import Paginator

    overrides = Paginator(selectors.standard_overrides(user=request.user, product=product), 20)
    context = {"product": product, "form": form, "current": current,
               "overrides": overrides.get_page(request.GET.get("page"))}  # fmt: skip
    return render(request, "planning/standards.html", context, status=form_status(form))


@login_required
@GET_POST
def feature_stage(request, pk):
    """Whether a feature meets its product's standard for each stage it may enter, with links
    to what is missing; editors move it here, with a reason when something is missing."""
    from wavelength.catalog.selectors import feature_get

    feature = feature_get(user=request.user, pk=pk)
    stages = [(s, Stage(s).label) for s in feature.allowed_stages]
    wanted = request.POST.get("stage") or request.GET.get("stage")
    form = StageMoveForm(request.POST or None, stages=stages,
                         initial={"stage": wanted})  # fmt: skip
    if request.method == "POST":
        if not request.user.can_edit:
            raise PermissionDenied(_("Your role does not allow changes here."))

        def move():
            d = form.cleaned_data
            return services.feature_move_stage(actor=request.user, feature=feature,
                                               stage=d["stage"],
                                               override_reason=d["override_reason"])  # fmt: skip

        moved = submit(form, move)
        if moved:
            values = {"title": moved.title, "stage": Stage(moved.stage).label}
            messages.success(request, _("“%(title)s” moved to %(stage)s.") % values)
            return redirect(moved)
    readiness = selectors.feature_readiness(user=request.user, feature=feature)
    if wanted in dict(stages):
        readiness.sort(key=lambda r: r.stage != wanted)
    context = {"feature": feature, "form": form, "readiness": readiness, "wanted": wanted}
    return render(request, "planning/feature_stage.html", context, status=form_status(form))


IMAGE_RELEASES = 60


@login_required
@require_GET
def roadmap_image(request):
    """The timeline with the page's filters and grouping as an SVG image (its first
    ``IMAGE_RELEASES`` releases by target date)."""
    from .image import roadmap_svg

    filters = filters_from(request.GET)
    found = selectors.timeline(user=request.user, filters=filters, per_page=IMAGE_RELEASES)
    page, lanes = found.page, found.lanes
    today = date_format(clock.now().date(), "DATE_FORMAT")
    subtitle = ngettext(
        "%(n)d planned or in-progress release · %(day)s",
        "%(n)d planned or in-progress releases · %(day)s", page.paginator.count,
    ) % {"n": page.paginator.count, "day": today}  # fmt: skip
    if page.paginator.count > IMAGE_RELEASES:
        subtitle += " · " + _("the first %(n)d shown") % {"n": IMAGE_RELEASES}
    svg = roadmap_svg(lanes, title=_("Roadmap"), subtitle=subtitle)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="roadmap.svg"'
    return response
