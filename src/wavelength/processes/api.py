"""Processes API: playbooks and their versions, runs, steps, and what a product's releases and
a release require.

Each endpoint resolves the keys the client sent into rows (an unknown one is a 422 naming its
field), then calls one service or selector, which checks permissions.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from wavelength.accounts.models import Team, User
from wavelength.catalog.api import _product
from wavelength.catalog.models import Release
from wavelength.core.api import Pagination, References
from wavelength.core.exceptions import DomainError
from wavelength.core.schemas import ERRORS, MAX_ID, VERSIONED_ERRORS, Id, IfMatch, set_etag

from . import selectors, services, targets
from .models import Playbook, RunStep
from .schemas import (
    AssignIn,
    CompleteIn,
    PlaybookDetailOut,
    PlaybookIn,
    PlaybookOut,
    PlaybookPatch,
    PlaybookStepIn,
    PlaybookVersionDetailOut,
    PlaybookVersionIn,
    PlaybookVersionOut,
    ProductPlaybooksIn,
    ProductPlaybooksOut,
    ReleasePlaybooksIn,
    ReleasePlaybooksOut,
    RunDetailOut,
    RunFilterIn,
    RunIn,
    RunOut,
    RunStepOut,
    SkipIn,
    StepFilterIn,
)

router = Router(tags=["processes"])


def _playbook(user, key: str) -> Playbook:
    if "\x00" in key or (key.isdigit() and not (key.isascii() and int(key) <= MAX_ID)):
        raise Http404
    return selectors.playbook_get(user=user, key=key)


def _detail(playbook: Playbook) -> Playbook:
    playbook.steps_list = selectors.version_steps(playbook.current_version)
    return playbook


def _specs(steps: list[PlaybookStepIn]) -> list[services.StepSpec]:
    refs = References()
    specs = []
    for i, step in enumerate(steps):
        data = step.dict()
        data["owner_team"] = refs.get(
            Team.objects.all(), data["owner_team"], field=f"steps.{i}.owner_team", alt="slug"
        )
        data["approver"] = refs.get(
            User.objects.filter(is_active=True),
            data["approver"],
            field=f"steps.{i}.approver",
            alt="email",
        )
        specs.append(services.StepSpec(**data))
    refs.check()
    return specs


# Playbooks --------------------------------------------------------------------------------


@router.get("/playbooks", response={200: list[PlaybookOut], **ERRORS}, url_name="playbook-list")
@paginate(Pagination)
def playbook_list(request):
    return selectors.playbook_list(user=request.auth)


@router.post("/playbooks", response={201: PlaybookDetailOut, **ERRORS}, url_name="playbook-create")
def playbook_create(request, payload: PlaybookIn):
    """Create a playbook; its steps are version 1."""
    playbook = services.playbook_create(
        actor=request.auth,
        name=payload.name,
        description=payload.description,
        steps=_specs(payload.steps),
    )
    return Status(201, _detail(_playbook(request.auth, str(playbook.pk))))


@router.get(
    "/playbooks/{key}", response={200: PlaybookDetailOut, **ERRORS}, url_name="playbook-detail"
)
def playbook_detail(request, key: str, response: HttpResponse):
    """A playbook (by id or slug) with the steps of its current version; its ETag is what a
    change (of its name, description or steps) sends back as ``If-Match``."""
    playbook = _playbook(request.auth, key)
    set_etag(response, playbook)
    return _detail(playbook)


@router.patch(
    "/playbooks/{key}",
    response={200: PlaybookDetailOut, **VERSIONED_ERRORS},
    url_name="playbook-update",
)
def playbook_update(
    request, key: str, payload: PlaybookPatch, response: HttpResponse, if_match: IfMatch = None
):
    playbook = _playbook(request.auth, key)
    data = payload.dict(exclude_unset=True)
    services.playbook_update(
        actor=request.auth,
        playbook=playbook,
        name=data.get("name") or playbook.name,
        description=data.get("description", playbook.description),
        if_version=if_match,
    )
    playbook = _playbook(request.auth, str(playbook.pk))
    set_etag(response, playbook)
    return _detail(playbook)


@router.get(
    "/playbooks/{key}/versions",
    response={200: list[PlaybookVersionOut], **ERRORS},
    url_name="playbook-versions",
)
@paginate(Pagination)
def version_list(request, key: str):
    return selectors.version_list(user=request.auth, playbook=_playbook(request.auth, key))


@router.post(
    "/playbooks/{key}/versions",
    response={201: PlaybookVersionDetailOut, **VERSIONED_ERRORS},
    url_name="playbook-version-create",
)
def version_create(
    request, key: str, payload: PlaybookVersionIn, response: HttpResponse, if_match: IfMatch = None
):
    """Publish new steps as the next version. Runs already started keep theirs. With the
    playbook's ETag as ``If-Match``, a 412 when someone changed it meanwhile."""
    playbook = _playbook(request.auth, key)
    version = services.playbook_version_create(
        actor=request.auth,
        playbook=playbook,
        steps=_specs(payload.steps),
        note=payload.note,
        if_version=if_match,
    )
    set_etag(response, version.playbook)
    return Status(201, _version_out(version))


def _version_out(version):
    version.steps_list = selectors.version_steps(version)
    return version


@router.get(
    "/playbooks/{key}/versions/{number}",
    response={200: PlaybookVersionDetailOut, **ERRORS},
    url_name="playbook-version-detail",
)
def version_detail(request, key: str, number: Id):
    playbook = _playbook(request.auth, key)
    return _version_out(selectors.version_get(user=request.auth, playbook=playbook, number=number))


# Runs -------------------------------------------------------------------------------------


def _run_detail(user, pk: int):
    run = selectors.run_get(user=user, pk=pk)
    run.steps_list = selectors.run_steps(user=user, run=run)
    return run


@router.post("/runs", response={201: RunDetailOut, **ERRORS}, url_name="run-create")
def run_create(request, payload: RunIn):
    """Start a playbook's current version for a release, a feature, a customer or a person."""
    refs = References()
    playbook = refs.get(Playbook.objects.all(), payload.playbook, field="playbook", alt="slug")
    subject = refs.get(
        User.objects.filter(is_active=True), payload.subject, field="subject", alt="email"
    )
    refs.check()
    target = None
    if payload.target_kind or payload.target_id:
        target = targets.resolve(payload.target_kind, payload.target_id)
    run = services.run_start(
        actor=request.auth,
        playbook=playbook,
        target=target,
        subject=subject,
        started_on=payload.started_on,
        title=payload.title,
    )
    return Status(201, _run_detail(request.auth, run.pk))


@router.get("/runs", response={200: list[RunOut], **ERRORS}, url_name="run-list")
@paginate(Pagination)
def run_list(request, filters: Query[RunFilterIn]):
    """Runs, newest first, with their progress."""
    refs = References()
    playbook = refs.get(Playbook.objects.all(), filters.playbook, field="playbook", alt="slug")
    subject = refs.get(User.objects.all(), filters.subject, field="subject", alt="email")
    refs.check()
    target_type = None
    if filters.target_kind:
        kind = targets.KINDS.get(filters.target_kind)
        if kind is None or kind.model_class() is None:
            raise DomainError(
                _("Choose one of %(kinds)s.") % {"kinds": ", ".join(targets.KINDS)},
                field="target_kind",
            )
        from django.contrib.contenttypes.models import ContentType

        target_type = ContentType.objects.get_for_model(kind.model_class()).pk
    return selectors.run_list(
        user=request.auth,
        filters=selectors.RunFilter(
            playbook=playbook.pk if playbook else None,
            status=filters.status,
            target_type=target_type,
            target_id=filters.target_id,
            subject=subject.pk if subject else None,
        ),
    )


@router.get("/runs/{run_id}", response={200: RunDetailOut, **ERRORS}, url_name="run-detail")
def run_detail(request, run_id: Id):
    return _run_detail(request.auth, run_id)


@router.post("/runs/{run_id}/cancel", response={200: RunDetailOut, **ERRORS}, url_name="run-cancel")
def run_cancel(request, run_id: Id):
    services.run_cancel(actor=request.auth, run=selectors.run_get(user=request.auth, pk=run_id))
    return _run_detail(request.auth, run_id)


def _step(user, run_id: int, step_id: int) -> RunStep:
    run = selectors.run_get(user=user, pk=run_id)
    step = RunStep.objects.filter(pk=step_id).first()
    if step is None:
        raise Http404
    if step.run_id != run.pk:
        raise DomainError(_("This step belongs to another run."), field="step_id")
    return step


def _step_out(user, pk: int):
    return selectors.step_get(user=user, pk=pk)


@router.post(
    "/runs/{run_id}/steps/{step_id}/complete",
    response={200: RunStepOut, **ERRORS},
    url_name="step-complete",
)
def step_complete(request, run_id: Id, step_id: Id, payload: CompleteIn):
    """Complete a step, with a note and a link to the evidence (required by a link check)."""
    step = _step(request.auth, run_id, step_id)
    services.runstep_complete(
        actor=request.auth, step=step, note=payload.note, evidence_url=payload.evidence_url
    )
    return _step_out(request.auth, step_id)


@router.post(
    "/runs/{run_id}/steps/{step_id}/reopen",
    response={200: RunStepOut, **ERRORS},
    url_name="step-reopen",
)
def step_reopen(request, run_id: Id, step_id: Id):
    services.runstep_reopen(actor=request.auth, step=_step(request.auth, run_id, step_id))
    return _step_out(request.auth, step_id)


@router.post(
    "/runs/{run_id}/steps/{step_id}/skip",
    response={200: RunStepOut, **ERRORS},
    url_name="step-skip",
)
def step_skip(request, run_id: Id, step_id: Id, payload: SkipIn):
    step = _step(request.auth, run_id, step_id)
    services.runstep_skip(actor=request.auth, step=step, reason=payload.reason)
    return _step_out(request.auth, step_id)


@router.post(
    "/runs/{run_id}/steps/{step_id}/approve",
    response={200: RunStepOut, **ERRORS},
    url_name="step-approve",
)
def step_approve(request, run_id: Id, step_id: Id):
    services.runstep_approve(actor=request.auth, step=_step(request.auth, run_id, step_id))
    return _step_out(request.auth, step_id)


@router.post(
    "/runs/{run_id}/steps/{step_id}/assign",
    response={200: RunStepOut, **ERRORS},
    url_name="step-assign",
)
def step_assign(request, run_id: Id, step_id: Id, payload: AssignIn):
    step = _step(request.auth, run_id, step_id)
    refs = References()
    assignee = refs.get(User.objects.all(), payload.assignee, field="assignee", alt="email")
    refs.check()
    services.runstep_assign(actor=request.auth, step=step, assignee=assignee)
    return _step_out(request.auth, step_id)


def _step_filter(filters: StepFilterIn) -> selectors.StepFilter:
    refs = References()
    playbook = refs.get(Playbook.objects.all(), filters.playbook, field="playbook", alt="slug")
    refs.check()
    if filters.status not in (None, "open", "blocked", "overdue", "done", "all"):
        raise DomainError(_("Choose open, blocked, overdue, done or all."), field="status")
    return selectors.StepFilter(
        playbook=playbook.pk if playbook else None, run=filters.run, status=filters.status
    )


@router.get("/steps/mine", response={200: list[RunStepOut], **ERRORS}, url_name="my-steps")
@paginate(Pagination)
def my_steps(request, filters: Query[StepFilterIn]):
    """Steps assigned to you or to a team of yours, soonest due first."""
    return selectors.my_steps(user=request.auth, filters=_step_filter(filters))


@router.get("/steps/overdue", response={200: list[RunStepOut], **ERRORS}, url_name="overdue-steps")
@paginate(Pagination)
def overdue_steps(request, filters: Query[StepFilterIn]):
    """Open steps past their due date in runs in progress, oldest first."""
    f = _step_filter(filters)
    f.status = None
    return selectors.overdue_steps(user=request.auth, filters=f)


# What a product's releases and a release require ------------------------------------------


def _etag(response: HttpResponse, version: str) -> None:
    """A set of requirements' version as the ETag (see selectors.requirements_version)."""
    response["ETag"] = f'"{version}"'


@router.get(
    "/releases/{release_id}/playbooks",
    response={200: ReleasePlaybooksOut, **ERRORS},
    url_name="release-playbooks",
    tags=["releases"],
)
def release_playbooks(request, release_id: Id, response: HttpResponse):
    """The playbooks whose runs must be complete before the release ships: its own and those
    every release of its product requires (``required_by`` says which). The ETag is the
    version of the release's own, which a change sends back as ``If-Match``."""
    selectors.playbook_list(user=request.auth)  # permission check
    release = get_object_or_404(Release, pk=release_id)
    _etag(response, selectors.release_requirements_version(release=release))
    return {"playbooks": selectors.required_playbooks(release=release)}


@router.put(
    "/releases/{release_id}/playbooks",
    response={200: ReleasePlaybooksOut, **VERSIONED_ERRORS},
    url_name="release-playbooks-set",
    tags=["releases"],
)
def release_playbooks_set(
    request,
    release_id: Id,
    payload: ReleasePlaybooksIn,
    response: HttpResponse,
    if_match: IfMatch = None,
):
    """Set the release's own required playbooks (those of its product stay required)."""
    selectors.playbook_list(user=request.auth)
    release = get_object_or_404(Release.objects.select_related("product"), pk=release_id)
    playbooks = _playbooks(payload.playbooks)
    services.release_playbooks_require(
        actor=request.auth, release=release, playbooks=playbooks, if_version=if_match
    )
    _etag(response, selectors.release_requirements_version(release=release))
    return {"playbooks": selectors.required_playbooks(release=release)}


def _playbooks(keys: list) -> list[Playbook]:
    refs = References()
    playbooks = [
        refs.get(Playbook.objects.all(), key, field=f"playbooks.{i}", alt="slug")
        for i, key in enumerate(keys)
    ]
    refs.check()
    return playbooks


@router.get(
    "/products/{key}/playbooks",
    response={200: ProductPlaybooksOut, **ERRORS},
    url_name="product-playbooks",
    tags=["products"],
)
def product_playbooks(request, key: str, response: HttpResponse):
    """The playbooks whose runs every release of the product (by id or slug) must complete
    before it ships; the ETag is what a change sends back as ``If-Match``."""
    product = _product(request.auth, key)
    _etag(response, selectors.product_requirements_version(product=product))
    return {"playbooks": selectors.product_required_playbooks(product=product)}


@router.put(
    "/products/{key}/playbooks",
    response={200: ProductPlaybooksOut, **VERSIONED_ERRORS},
    url_name="product-playbooks-set",
    tags=["products"],
)
def product_playbooks_set(
    request, key: str, payload: ProductPlaybooksIn, response: HttpResponse, if_match: IfMatch = None
):
    """Set the playbooks every release of the product requires (an editor's change, kept in the
    product's history). Each release can require more of its own."""
    product = _product(request.auth, key)
    playbooks = _playbooks(payload.playbooks)
    services.product_playbooks_require(
        actor=request.auth, product=product, playbooks=playbooks, if_version=if_match
    )
    _etag(response, selectors.product_requirements_version(product=product))
    return {"playbooks": selectors.product_required_playbooks(product=product)}
