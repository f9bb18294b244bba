"""Reads of playbooks, runs and steps. Everyone signed in may read them."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from wavelength.accounts.permissions import require_member
from wavelength.catalog.selectors import by_key
from wavelength.core import clock, versioning
from wavelength.core.models import Activity

from .models import (
    FINISHED,
    Playbook,
    PlaybookStep,
    PlaybookVersion,
    ProductRequirement,
    ReleaseRequirement,
    Run,
    RunStatus,
    RunStep,
    StepStatus,
    TeamOnboarding,
)

OPEN_STATUSES = (StepStatus.OPEN, StepStatus.AWAITING_APPROVAL)


def playbook_list(*, user) -> QuerySet[Playbook]:
    """Playbooks with their step and active-run counts, by name."""
    require_member(user)
    return (
        Playbook.objects.select_related("current_version")
        .annotate(
            step_count=Count("current_version__steps", distinct=True),
            active_runs=Count("runs", filter=Q(runs__status=RunStatus.ACTIVE), distinct=True),
        )
        .order_by("name")
    )


def playbook_get(*, user, key: str | int) -> Playbook:
    require_member(user)
    qs = Playbook.objects.select_related("current_version__created_by")
    return get_object_or_404(qs, **by_key(key))


def version_steps(version: PlaybookVersion | None) -> list[PlaybookStep]:
    if version is None:
        return []
    return list(
        version.steps.select_related("owner_team", "approver").prefetch_related(
            Prefetch("depends_on", queryset=PlaybookStep.objects.order_by("position"))
        )
    )


def version_list(*, user, playbook: Playbook) -> QuerySet[PlaybookVersion]:
    require_member(user)
    return (
        playbook.versions.select_related("created_by")
        .annotate(step_count=Count("steps", distinct=True), run_count=Count("runs", distinct=True))
        .order_by("-number")
    )


def version_get(*, user, playbook: Playbook, number: int) -> PlaybookVersion:
    require_member(user)
    return get_object_or_404(playbook.versions.select_related("created_by"), number=number)


def _blocked():
    """True when a step waits for a dependency of the same run that is not finished."""
    waiting = RunStep.objects.filter(
        run_id=OuterRef("run_id"), step__dependents=OuterRef("step_id")
    ).exclude(status__in=FINISHED)
    return Exists(waiting)


def _steps() -> QuerySet[RunStep]:
    return RunStep.objects.select_related(
        "run", "assignee", "assignee_team", "completed_by", "approved_by"
    ).annotate(blocked=_blocked())


@dataclass
class StepFilter:
    playbook: int | None = None
    run: int | None = None
    status: str | None = None  # open (to do or awaiting approval), blocked, overdue, done
    team: int | None = None
    assignee: int | None = None


def _filtered(qs: QuerySet[RunStep], f: StepFilter) -> QuerySet[RunStep]:
    today = clock.now().date()
    if f.playbook:
        qs = qs.filter(run__playbook_id=f.playbook)
    if f.run:
        qs = qs.filter(run_id=f.run)
    if f.team:
        qs = qs.filter(assignee_team_id=f.team)
    if f.assignee:
        qs = qs.filter(assignee_id=f.assignee)
    if f.status == "blocked":
        qs = qs.filter(status=StepStatus.OPEN, blocked=True)
    elif f.status == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    elif f.status == "done":
        qs = qs.filter(status__in=FINISHED)
    elif f.status == "all":
        pass
    else:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return qs


def my_steps(*, user, filters: StepFilter | None = None) -> QuerySet[RunStep]:
    """Steps assigned to the reader, or to a team of theirs and not taken yet; soonest first."""
    require_member(user)
    mine = Q(assignee=user) | Q(assignee__isnull=True, assignee_team__memberships__user=user)
    qs = _steps().filter(mine).exclude(run__status=RunStatus.CANCELLED)
    return _filtered(qs, filters or StepFilter()).order_by("due_on", "run_id", "position")


def overdue_steps(*, user, filters: StepFilter | None = None) -> QuerySet[RunStep]:
    """Every open step past its due date, across runs in progress; oldest first."""
    require_member(user)
    f = filters or StepFilter()
    qs = _filtered(_steps().filter(run__status=RunStatus.ACTIVE), f)
    return qs.filter(status__in=OPEN_STATUSES, due_on__lt=clock.now().date()).order_by(
        "due_on", "run_id", "position"
    )


def _with_progress(qs: QuerySet[Run]) -> QuerySet[Run]:
    today = clock.now().date()
    return qs.select_related("playbook", "version", "subject", "started_by").annotate(
        step_total=Count("steps", distinct=True),
        step_done=Count("steps", filter=Q(steps__status__in=FINISHED), distinct=True),
        step_overdue=Count(
            "steps",
            filter=Q(steps__status__in=OPEN_STATUSES, steps__due_on__lt=today),
            distinct=True,
        ),
    )


@dataclass
class RunFilter:
    playbook: int | None = None
    status: str | None = None
    target_type: int | None = None
    target_id: int | None = None
    subject: int | None = None
    manager: int | None = None
    product: int | None = None  # runs for one of the product's releases or features


def run_list(*, user, filters: RunFilter | None = None) -> QuerySet[Run]:
    """Runs with their progress counts, newest first."""
    require_member(user)
    f = filters or RunFilter()
    qs = Run.objects.all()
    if f.playbook:
        qs = qs.filter(playbook_id=f.playbook)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.target_type:
        qs = qs.filter(target_type_id=f.target_type)
    if f.target_id:
        qs = qs.filter(target_id=f.target_id)
    if f.subject:
        qs = qs.filter(subject_id=f.subject)
    if f.manager:
        qs = qs.filter(subject__manager_id=f.manager)
    if f.product:
        qs = _of_product(qs, f.product)
    return _with_progress(qs).order_by("-created_at", "-id")


def run_get(*, user, pk: int) -> Run:
    require_member(user)
    return get_object_or_404(_with_progress(Run.objects.all()), pk=pk)


def run_steps(*, user, run: Run) -> list[RunStep]:
    """The run's steps in order, each knowing whether it is blocked and by which steps."""
    require_member(user)
    steps = list(
        _steps()
        .filter(run=run)
        .select_related("step__approver", "step__owner_team")
        .prefetch_related("step__depends_on")
        .order_by("position")
    )
    by_template = {s.step_id: s for s in steps}
    for s in steps:
        s.waiting_for = [
            by_template[d.pk]
            for d in s.step.depends_on.all()
            if d.pk in by_template and not by_template[d.pk].is_finished
        ]
    return steps


def step_get(*, user, pk: int) -> RunStep:
    require_member(user)
    return get_object_or_404(_steps().select_related("step"), pk=pk)


def run_history(*, user, run: Run) -> QuerySet[Activity]:
    require_member(user)
    return Activity.objects.in_scope(run.scope).order_by("-created_at", "-id")


def runs_for(*, user, obj) -> QuerySet[Run]:
    """Runs about ``obj`` (a release, a feature, a customer or a person), newest first."""
    require_member(user)
    return _with_progress(Run.objects.for_target(obj)).order_by("-created_at", "-id")


def _of_product(qs: QuerySet[Run], product_id: int) -> QuerySet[Run]:
    """The runs of ``qs`` whose target is a release or a feature of the product (subqueries,
    so the filter adds no query)."""
    from wavelength.catalog.models import Feature, Release

    types = ContentType.objects.get_for_models(Release, Feature)
    releases = Release.objects.filter(product_id=product_id).values("pk")
    features = Feature.objects.filter(product_id=product_id).values("pk")
    return qs.filter(
        Q(target_type=types[Release], target_id__in=releases)
        | Q(target_type=types[Feature], target_id__in=features)
    )


def runs_for_product(*, user, product) -> QuerySet[Run]:
    """Runs for any release or feature of ``product``, newest first."""
    require_member(user)
    return _with_progress(_of_product(Run.objects.all(), product.pk)).order_by("-created_at", "-id")


def required_playbooks(*, release) -> list[Playbook]:
    """The playbooks whose runs must be complete before ``release`` ships, by name, in one
    query: those every release of its product requires and the release's own.

    Each says where its requirement comes from: ``required_by`` is ``"product"`` when the
    product requires it (the release cannot drop it) and ``"release"`` otherwise;
    ``by_release`` is true when the release requires it itself (as well)."""
    by_product = ProductRequirement.objects.filter(
        product_id=release.product_id, playbook=OuterRef("pk")
    )
    by_release = ReleaseRequirement.objects.filter(release_id=release.pk, playbook=OuterRef("pk"))
    playbooks = list(
        Playbook.objects.select_related("current_version")
        .annotate(by_product=Exists(by_product), by_release=Exists(by_release))
        .filter(Q(by_product=True) | Q(by_release=True))
        .order_by("name")
    )
    for playbook in playbooks:
        playbook.required_by = "product" if playbook.by_product else "release"
    return playbooks


def product_required_playbooks(*, product) -> list[Playbook]:
    """The playbooks every release of ``product`` requires, by name (one query)."""
    required = ProductRequirement.objects.filter(product_id=product.pk, playbook=OuterRef("pk"))
    return list(
        Playbook.objects.select_related("current_version").filter(Exists(required)).order_by("name")
    )


def requirements_version(playbook_ids) -> str:
    """The version of a set of required playbooks (a release's own, or its product's): the
    core fingerprint of ``{"playbooks": [sorted ids]}``. Requirement rows are a set, not one
    object, so the version an edit sends back is that of the set it replaces."""
    return versioning.fingerprint({"playbooks": sorted(playbook_ids)})


def release_requirements_version(*, release) -> str:
    """The version of the playbooks ``release`` requires itself (its product's are not
    part of it: the release's own form and PUT do not change them)."""
    ids = ReleaseRequirement.objects.filter(release_id=release.pk).values_list("playbook_id")
    return requirements_version(pk for (pk,) in ids)


def product_requirements_version(*, product) -> str:
    """The version of the playbooks every release of ``product`` requires."""
    ids = ProductRequirement.objects.filter(product_id=product.pk).values_list("playbook_id")
    return requirements_version(pk for (pk,) in ids)


def team_onboarding(*, team) -> Playbook | None:
    setting = TeamOnboarding.objects.select_related("playbook").filter(team=team).first()
    return setting.playbook if setting else None
