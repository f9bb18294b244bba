"""The prioritisation table: every feature with its demand and scores, filtered and sorted,
and each row's estimates edited in place (htmx) by editors.

htmx does not swap 4xx answers, so a refused inline edit answers its form with the errors and
a 200 to htmx; without htmx the same refusal is a 422 page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from wavelength.accounts.permissions import require_editor
from wavelength.catalog import selectors as catalog_selectors
from wavelength.core.forms import submit

from . import selectors, services
from .forms import PrioritisationFilterForm, ScoreForm

PER_PAGE = 50
GET_POST = require_http_methods(["GET", "POST"])


def _page(request, queryset, per_page=PER_PAGE, param="page"):
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


SORTABLE = [
    ("feedback", gettext_lazy("Feedback")),
    ("companies", gettext_lazy("Companies")),
    ("revenue", gettext_lazy("Revenue")),
    ("effort", gettext_lazy("Effort")),
    ("rice", gettext_lazy("RICE")),
    ("value_effort", gettext_lazy("Value/effort")),
    ("support", gettext_lazy("Support")),
    ("defects", gettext_lazy("Defects")),
    ("load", gettext_lazy("Load")),
]


def _columns(sort: str) -> dict[str, dict]:
    """Each sortable column with the sort a click on its heading asks for."""
    columns = {}
    for key, label in SORTABLE:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        columns[key] = {
            "key": key,
            "label": label,
            "current": current,
            "aria": ("descending" if descending else "ascending") if current else "none",
            "next": key if current and descending else f"-{key}",
        }
    return columns


@login_required
def prioritisation(request):
    """Every feature, highest RICE first unless another column is asked for."""
    form = PrioritisationFilterForm(request.GET or None)
    features = selectors.prioritisation_list(user=request.user, filters=form.to_filter())
    page = _page(request, features, PER_PAGE)
    formulas = selectors.formulas()
    context = {
        "filter_form": form,
        "page": page,
        "rows": [selectors.scores_for(f, formulas) for f in page.object_list],
        "grouped": form.value("group") == "objective",
        "columns": _columns(form.sort_key),
        "sort": form.sort_key,
        "formulas": list(formulas.active.values()),
    }
    template = "prioritisation/prioritisation.html"
    if request.htmx and request.htmx.target == "prioritisation-results":
        template = "prioritisation/prioritisation_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _scores(request, pk):
    feature = catalog_selectors.feature_get(user=request.user, pk=pk)
    return selectors.feature_scores(user=request.user, feature=feature)


@login_required
@require_GET
def prioritisation_row(request, pk):
    """One row as shown (what "Cancel" puts back)."""
    row = _scores(request, pk)
    return render(request, "prioritisation/prioritisation_row.html", {"row": row})


@login_required
@GET_POST
def prioritisation_edit(request, pk):
    """One row's estimates as a form in place of the row; saved, the row comes back."""
    require_editor(request.user)
    row = _scores(request, pk)
    form = ScoreForm(
        request.POST or None, initial=ScoreForm.initial_for(row), auto_id=f"id_prio{pk}_%s"
    )
    form.fields["edit_version"].initial = services.score_version(row.feature)
    saved = submit(
        form,
        lambda: services.feature_score_update(
            actor=request.user,
            feature=row.feature,
            if_version=form.seen_version(),
            **form.service_kwargs(),
        ),
    )
    if saved:
        if not request.htmx:
            messages.success(request, _("Estimates of “%(t)s” saved.") % {"t": row.feature.title})
            return redirect("prioritisation:prioritisation")
        return render(
            request,
            "prioritisation/prioritisation_row.html",
            {"row": _scores(request, pk), "saved": True},
        )
    status = 422 if form.is_bound and not request.htmx else 200
    template = "prioritisation/prioritisation_edit.html"
    if request.htmx:
        template = "prioritisation/prioritisation_row_form.html"
    return render(request, template, {"row": row, "form": form}, status=status)
