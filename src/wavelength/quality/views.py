"""Quality pages: products' suites and cases, a case with its versions, the case and suite forms.

Views parse, call one selector or service and render. A DomainError lands on the form field it
names (422, nothing written); PermissionDenied from a service becomes Django's 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.views.base import GET_POST, paginate, render_page
from wavelength.core import versioning
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit

from . import selectors, services
from .forms import CaseFilterForm, CaseForm, StepFormSet, SuiteForm, steps_from

PER_PAGE = 50


@login_required
def index(request):
    """Every product with its suites and cases."""
    products = selectors.product_overview(user=request.user)
    return render(request, "quality/index.html", {"products": products})


@login_required
def product(request, slug):
    """A product's suite tree beside its cases, filtered by suite, priority, tag or words."""
    product = catalog_selectors.product_get(user=request.user, key=slug)
    form = CaseFilterForm(request.GET or None)
    cases = selectors.case_list(user=request.user, filters=form.to_filter(product))
    suite_id = form.cleaned_data.get("suite") if form.is_bound and form.is_valid() else None
    context = {
        "product": product,
        "tree": selectors.suite_tree(user=request.user, product=product),
        "filter_form": form,
        "current_suite": suite_id,
        "page": paginate(request, cases, PER_PAGE),
    }
    return render_page(
        request,
        "quality/product.html",
        context,
        fragments={"case-results": "quality/_case_results.html"},
    )


@login_required
@GET_POST
def suite_create(request, slug):
    require_editor(request.user)
    product = catalog_selectors.product_get(user=request.user, key=slug)
    form = SuiteForm(
        request.POST or None, product=product, initial={"parent": request.GET.get("parent")}
    )
    suite = submit(
        form,
        lambda: services.suite_create(actor=request.user, product=product, **form.values()),
    )
    if suite:
        messages.success(request, _("Suite “%(name)s” created.") % {"name": suite.name})
        return redirect(suite)
    context = {"form": form, "product": product, "suite": None}
    return render(request, "quality/suite_form.html", context, status=form_status(form))


@login_required
@GET_POST
def suite_edit(request, pk):
    require_editor(request.user)
    suite = selectors.suite_get(user=request.user, pk=pk)
    initial = {"name": suite.name, "parent": suite.parent_id, "description": suite.description}
    form = SuiteForm(request.POST or None, product=suite.product, initial=initial).versioned(suite)
    saved = submit(
        form,
        lambda: services.suite_update(
            actor=request.user, suite=suite, if_version=form.seen_version(), **form.values()
        ),
    )
    if saved:
        messages.success(request, _("Suite saved."))
        return redirect(saved)
    context = {"form": form, "product": suite.product, "suite": suite}
    return render(request, "quality/suite_form.html", context, status=form_status(form))


def _save_case(request, form, formset, call):
    """Run ``call(kwargs)`` when the form and its steps parse; refusals land on the form (a
    stale edit shows both versions, see :func:`submit`)."""
    if request.method != "POST" or not (form.is_valid() & formset.is_valid()):
        return None

    def save():
        try:
            return call(form.service_kwargs(steps_from(formset)))
        except versioning.StaleVersion:
            raise
        except DomainError as exc:
            # The version-number clash names a hidden field: show it above the form instead.
            if "expected_version" in exc.errors:
                exc.errors = {"": exc.errors["expected_version"]}
            raise

    return submit(form, save)


@login_required
@GET_POST
def case_create(request, slug):
    require_editor(request.user)
    product = catalog_selectors.product_get(user=request.user, key=slug)
    initial = {"suite": request.GET.get("suite"), "features": request.GET.getlist("feature")}
    form = CaseForm(request.POST or None, product=product, initial=initial)
    formset = StepFormSet(request.POST or None, prefix="steps")
    case = _save_case(
        request, form, formset, lambda kw: services.case_create(actor=request.user, **kw)
    )
    if case:
        messages.success(request, _("Test case “%(title)s” created.") % {"title": case.title})
        return redirect(case)
    context = {"form": form, "formset": formset, "product": product, "case": None}
    return render(request, "quality/case_form.html", context, status=form_status(form))


@login_required
@GET_POST
def case_edit(request, pk):
    require_editor(request.user)
    case = selectors.case_get(user=request.user, pk=pk)
    form = CaseForm(
        request.POST or None, product=case.product, initial=CaseForm.initial_for(case)
    ).versioned(case)
    formset = StepFormSet(request.POST or None, prefix="steps", initial=case.steps)
    # A form carrying the case's fingerprint needs no version number: the fingerprint covers it.
    saved = _save_case(
        request,
        form,
        formset,
        lambda kw: services.case_update(
            actor=request.user,
            case=case,
            if_version=form.seen_version(),
            expected_version=None
            if form.seen_version()
            else form.cleaned_data.get("expected_version"),
            **kw,
        ),
    )
    if saved:
        messages.success(request, _("Saved as version %(n)d.") % {"n": saved.version})
        return redirect(saved)
    context = {"form": form, "formset": formset, "product": case.product, "case": case}
    return render(request, "quality/case_form.html", context, status=form_status(form))


@login_required
def case_detail(request, pk):
    """The case as it is now, or as one of its versions (``?version=N``), and its history."""
    case = selectors.case_get(user=request.user, pk=pk)
    versions = list(selectors.case_versions(user=request.user, case=case))
    shown = None
    number = request.GET.get("version", "")
    if number.isdigit():
        shown = selectors.case_version_get(user=request.user, case=case, number=int(number))
    context = {
        "case": case,
        "versions": versions,
        "shown": shown,
        "results": selectors.case_results(user=request.user, case=case),
    }
    return render(request, "quality/case_detail.html", context)
