"""A product's release-readiness gate: its settings, and where its open releases stand."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wavelength.catalog import gates
from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.models import ReleaseStatus
from wavelength.catalog.views.base import GET_POST, timeline_page
from wavelength.core.forms import form_status, submit

from . import selectors, services
from .forms import GateForm

# How many of the product's releases in flight the page evaluates.
OPEN_RELEASES = 10


@login_required
@GET_POST
def gate(request, slug):
    """Everyone reads the gate; administrators change it (it is what an override bypasses)."""
    product = catalog_selectors.product_get(user=request.user, key=slug)
    current = selectors.gate_get(user=request.user, product=product)
    form = GateForm(request.POST or None, initial=GateForm.initial_for(current)).versioned(current)
    if request.method == "POST":
        if not request.user.is_admin:
            raise PermissionDenied
        saved = submit(
            form,
            lambda: services.gate_update(
                actor=request.user,
                product=product,
                if_version=form.seen_version(),
                **form.values(),
            ),
        )
        if saved:
            messages.success(request, _("The release gate of %(product)s is saved.") % {
                "product": product.name
            })  # fmt: skip
            return redirect(saved)
    releases = list(
        product.releases.exclude(status__in=[ReleaseStatus.RELEASED, ReleaseStatus.CANCELLED])
        .select_related("product")
        .order_by("target_date", "id")[:OPEN_RELEASES]
    )
    standing = []
    for release in releases:
        verdicts = gates.evaluate(release)
        failing = sum(1 for v in verdicts if not v.result.ok)
        standing.append((release, verdicts, failing))
    context = {
        "product": product,
        "gate": current,
        "form": form,
        "standing": standing,
        "other_criteria": [c for c in gates.criteria() if not c.key.startswith("quality.")],
    }
    if current.pk:
        context.update(timeline_page(request, catalog_selectors.history_for(
            user=request.user, obj=current
        )))  # fmt: skip
    return render(request, "quality/gate.html", context, status=form_status(form))
