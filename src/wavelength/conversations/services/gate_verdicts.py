"""When a coming release starts or stops passing its release gate.

The gate is computed from live data (``catalog.gates``: test results, open defects, signed
inspections, coverage, enablement, playbook runs), so its verdict flips without anyone editing
the release. Each coming release's last verdict is kept (:class:`~..models.GateVerdict`).
After a change to something the gate reads commits, a background job evaluates the gates of
the releases that change may concern (:func:`releases_touched`); a periodic job evaluates all
coming releases, so a change made without an activity (a bulk import, a course assignment
done elsewhere) is caught too. When a verdict flips, one ``gate_verdict_changed`` activity is
recorded on the release: its timeline shows it, its followers are told (the "gate change"
kind of event) and webhooks get a ``release.gate_verdict_changed`` delivery, as for any other
change read from the activity log.
"""

from django.db import transaction

from wavelength.core import activity, clock

from ..models import GateVerdict

VERB = "gate_verdict_changed"
PASSING, FAILING = "passing", "failing"

# Activities about the apps whose data the gate reads; comments on their objects excepted.
_GATE_APPS = {"quality", "training", "processes"}
_NOT_A_CHANGE = {
    VERB,
    "commented",
    "replied",
    "comment_edited",
    "comment_deleted",
    "thread_resolved",
    "thread_reopened",
}


def _open_releases():
    from wavelength.catalog.models import Release, ReleaseStatus

    return Release.objects.filter(
        status__in=[ReleaseStatus.PLANNED, ReleaseStatus.IN_PROGRESS]
    ).select_related("product")


def touches_gate(row) -> bool:
    """Whether an activity may change some release's gate verdict (no query: content types
    are cached)."""
    if row.verb in _NOT_A_CHANGE:
        return False
    model = row.target_type.model_class()
    if model is None:
        return False
    if model._meta.label == "catalog.Release":
        return row.verb in ("created", "updated")
    return model._meta.app_label in _GATE_APPS


def releases_touched(row) -> list:
    """The coming releases whose gate an activity may have changed: the release itself, those
    of the product it is scoped to, the release a playbook run is for, the releases a course
    enables."""
    if not touches_gate(row):
        return []
    model = row.target_type.model_class()
    releases = _open_releases()
    if model._meta.label == "catalog.Release":
        return list(releases.filter(pk=row.target_id))
    if row.scope.startswith("catalog.product:"):
        return list(releases.filter(product_id=int(row.scope.split(":")[1])))
    if row.scope.startswith("processes.run:"):
        return _run_release(releases, int(row.scope.split(":")[1]))
    if row.scope == "training":
        if model._meta.label == "training.Course":
            return list(releases.filter(courses=row.target_id).distinct())
        return list(releases.filter(courses__isnull=False).distinct())
    return []


def releases_touched_by(rows) -> list:
    """The coming releases some activities may concern, each once; activities alike (same
    kind of object and scope) are looked at once, so a transaction of thousands costs little."""
    seen, found = set(), {}
    for row in rows:
        label = row.target_type.model_class()._meta.label if row.target_type.model_class() else ""
        one_object = label in ("catalog.Release", "training.Course")
        key = (label, row.scope, row.target_id if one_object else None)
        if key in seen:
            continue
        seen.add(key)
        found.update((r.pk, r) for r in releases_touched(row))
    return list(found.values())


def _run_release(releases, run_id: int) -> list:
    from django.contrib.contenttypes.models import ContentType

    from wavelength.catalog.models import Release
    from wavelength.processes.models import Run

    release_type = ContentType.objects.get_for_model(Release)
    run = Run.objects.filter(pk=run_id, target_type=release_type).only("target_id").first()
    return list(releases.filter(pk=run.target_id)) if run is not None else []


def _evaluate(release) -> tuple[str, list[str]]:
    from wavelength.catalog import gates

    verdicts = gates.evaluate(release)
    failing = [v.criterion.key for v in verdicts if not v.result.ok]
    return (PASSING if gates.passes(verdicts) else FAILING), failing


def gate_verdict_check(*, release) -> GateVerdict | None:
    """Evaluate ``release``'s gate and keep its verdict; when the verdict flipped since the
    last evaluation, record the ``gate_verdict_changed`` activity and return the row. The
    first evaluation of a release only keeps its verdict. Two processes evaluating at once
    record one flip: only the update that still sees the old verdict records it."""
    verdict, failing = _evaluate(release)
    now = clock.now()
    with transaction.atomic():
        row, created = GateVerdict.objects.get_or_create(
            release=release,
            defaults={"verdict": verdict, "failing": failing, "changed_at": now},
        )
        if created:
            return None
        if row.verdict == verdict:
            if row.failing != failing:
                GateVerdict.objects.filter(pk=row.pk).update(failing=failing)
            return None
        old = row.verdict
        flipped = GateVerdict.objects.filter(pk=row.pk, verdict=old).update(
            verdict=verdict, failing=failing, changed_at=now
        )
        if not flipped:
            return None
        activity.record(
            actor=None,
            verb=VERB,
            target=release,
            scope=release.product.scope,
            changes={"gate_verdict": [old, verdict]},
            failing=failing,
        )
    row.verdict, row.failing, row.changed_at = verdict, failing, now
    return row


def gate_verdicts_check(*, releases) -> int:
    """Evaluate the gates of ``releases`` (coming ones only); returns how many flipped."""
    from wavelength.catalog.models import ReleaseStatus

    coming = (ReleaseStatus.PLANNED, ReleaseStatus.IN_PROGRESS)
    return sum(gate_verdict_check(release=r) is not None for r in releases if r.status in coming)


def gate_verdicts_check_all() -> int:
    """Evaluate the gate of every coming release (the periodic job); how many flipped."""
    return gate_verdicts_check(releases=list(_open_releases().order_by("pk")))
