"""What the processes app adds to other apps' pages and rules: the runs sections of feature and
release pages, the product page's "playbooks every release requires", and the release gate
criterion "required playbook runs complete"."""

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.catalog.gates import GateResult, register_release_gate
from wavelength.catalog.sections import register_section

from .models import Playbook, Run, RunStatus


def runs_complete(*, release) -> GateResult:
    """Fails while a required playbook (the release's own or one every release of its product
    requires) has no completed run for this release (two queries)."""
    from .selectors import required_playbooks

    required = required_playbooks(release=release)
    if not required:
        return GateResult(ok=True, detail=_("No playbook is required."))
    # One row per required playbook: a completed run of it, else its latest run in progress.
    rows = (
        Run.objects.for_target(release)
        .filter(playbook_id__in=[p.pk for p in required])
        .exclude(status=RunStatus.CANCELLED)
        .order_by()
        .values("playbook_id")
        .annotate(
            done=Count("pk", filter=Q(status=RunStatus.COMPLETED)),
            latest=Max("pk"),
        )
    )
    found = {row["playbook_id"]: row for row in rows}
    missing = []
    for playbook in required:
        row = found.get(playbook.pk)
        if row is None:
            start = reverse("processes:run-start") + f"?playbook={playbook.slug}"
            start += f"&target_kind=release&target_id={release.pk}"
            missing.append((_("%(playbook)s: not started") % {"playbook": playbook}, start))
        elif not row["done"]:
            label = _("%(playbook)s: in progress") % {"playbook": playbook}
            missing.append((label, reverse("processes:run-detail", args=[row["latest"]])))
    done = len(required) - len(missing)
    detail = _("%(done)d of %(total)d required runs complete.") % {
        "done": done,
        "total": len(required),
    }
    return GateResult(ok=not missing, detail=detail, missing=missing)


def _runs_for_feature(*, user, feature):
    from .selectors import runs_for

    return list(runs_for(user=user, obj=feature)[:20])


def _release_section(*, user, release):
    from .selectors import required_playbooks, requirements_version, runs_for

    runs = list(runs_for(user=user, obj=release)[:20])
    required = required_playbooks(release=release)
    # The section always shows (the required playbooks live in it): one item that carries both.
    # The choices are the required playbooks themselves where required, so each knows whether
    # its product requires it (the form cannot drop those).
    choices = []
    if user.can_edit:
        by_pk = {p.pk: p for p in required}
        choices = [by_pk.get(p.pk, p) for p in Playbook.objects.order_by("name")]
    # The version of the release's own requirements, which its form sends back (core.versioning).
    version = requirements_version(p.pk for p in required if p.by_release)
    return [{"runs": runs, "required": required, "all_playbooks": choices, "version": version}]


def _product_section(*, user, product):
    from .selectors import product_required_playbooks, requirements_version

    required = product_required_playbooks(product=product)
    if not user.can_edit:
        return [{"required": required}] if required else []
    # Editors get the form even while nothing is required. Only playbooks with steps can be
    # required of every release (a release could not complete a run of an empty one).
    playbooks = Playbook.objects.filter(current_version__isnull=False).order_by("name")
    version = requirements_version(p.pk for p in required)
    return [{"required": required, "all_playbooks": list(playbooks), "version": version}]


PRODUCT_RUNS = 20


def _product_runs(*, user, product):
    """The newest runs for the product's releases and features, how many there are in all,
    and for editors the product's next release to start a run for (at most three queries)."""
    from django.db.models import F

    from wavelength.catalog.models import Release, ReleaseStatus

    from .selectors import runs_for_product

    runs = list(runs_for_product(user=user, product=product)[: PRODUCT_RUNS + 1])
    total = len(runs)
    if total > PRODUCT_RUNS:
        runs, total = runs[:PRODUCT_RUNS], runs_for_product(user=user, product=product).count()
    next_release = None
    if user.can_edit:
        next_release = (
            Release.objects.filter(product=product)
            .exclude(status__in=[ReleaseStatus.RELEASED, ReleaseStatus.CANCELLED])
            .order_by(F("target_date").asc(nulls_last=True), "pk")
            .first()
        )
    elif not runs:
        return []
    return [{"runs": runs, "total": total, "next_release": next_release}]


def _runs_count(items) -> int:
    return items[0]["total"]


def _required_count(items) -> int:
    return len(items[0]["required"])


def register() -> None:
    register_release_gate(
        "processes.runs_complete",
        label=gettext_lazy("Required playbook runs complete"),
        evaluate=runs_complete,
        order=40,
    )
    register_section(
        "feature",
        "runs",
        title=gettext_lazy("Playbook runs"),
        template="processes/_runs_section.html",
        loader=_runs_for_feature,
        empty_text=gettext_lazy("No playbook has been run for this feature yet."),
        order=60,
    )
    register_section(
        "release",
        "runs",
        title=gettext_lazy("Playbooks"),
        template="processes/_release_section.html",
        loader=_release_section,
        order=30,
        count=_required_count,
    )
    register_section(
        "product",
        "playbooks",
        title=gettext_lazy("Playbooks every release requires"),
        template="processes/_product_section.html",
        loader=_product_section,
        empty_text=gettext_lazy("No playbook is required of every release of this product."),
        order=30,
        count=_required_count,
    )
    register_section(
        "product",
        "runs",
        title=gettext_lazy("Playbook runs"),
        template="processes/_product_runs_section.html",
        loader=_product_runs,
        empty_text=gettext_lazy(
            "No playbook has been run for a release or feature of this product yet."
        ),
        order=35,
        count=_runs_count,
    )
