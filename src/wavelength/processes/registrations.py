"""What the processes app adds to other apps' pages and rules: the runs sections of feature and
release pages, and the release gate criterion "required playbook runs complete"."""

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.catalog.gates import GateResult, register_release_gate
from wavelength.catalog.sections import register_section

from .models import Playbook, Run, RunStatus


def runs_complete(*, release) -> GateResult:
    """Fails while a required playbook has no completed run for this release (two queries)."""
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
    from .selectors import required_playbooks, runs_for

    runs = list(runs_for(user=user, obj=release)[:20])
    # The section always shows (the required playbooks live in it): one item that carries both.
    playbooks = list(Playbook.objects.order_by("name")) if user.can_edit else []
    return [
        {"runs": runs, "required": required_playbooks(release=release), "all_playbooks": playbooks}
    ]


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
    )
