"""Playbooks: every save of the steps publishes a new, immutable version.

Runs point at the version they started from, so editing a playbook never changes a run.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wavelength.accounts.models import Team, User
from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock, conditions, versioning
from wavelength.core.exceptions import DomainError
from wavelength.core.markdown import plain_text

from ..models import CheckKind, OwnerKind, Playbook, PlaybookStep, PlaybookVersion

MAX_STEPS = 200
MAX_OFFSET = 3650


@dataclass
class StepSpec:
    """A step as a client describes it. ``depends_on`` holds 1-based positions of other steps."""

    title: str
    instructions: str = ""
    owner_kind: str = OwnerKind.STARTER
    owner_team: Team | None = None
    due_offset_days: int = 0
    depends_on: Sequence[int] = field(default_factory=list)
    check_kind: str = ""
    approver: User | None = None
    condition_key: str = ""
    condition_params: dict = field(default_factory=dict)


def _text(value: str | None, field_name: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("This field is required."), field=field_name)
    if len(value) > max_length:
        raise DomainError(_("At most %(n)d characters.") % {"n": max_length}, field=field_name)
    return value


def _check_owner(spec: StepSpec, prefix: str) -> None:
    if spec.owner_kind not in OwnerKind.values:
        raise DomainError(
            _("Unknown owner “%(kind)s”.") % {"kind": spec.owner_kind}, field=f"{prefix}owner_kind"
        )
    if spec.owner_kind == OwnerKind.TEAM and spec.owner_team is None:
        raise DomainError(_("Choose the team that owns this step."), field=f"{prefix}owner_team")
    if spec.owner_kind != OwnerKind.TEAM:
        spec.owner_team = None


def _check_condition(spec: StepSpec, prefix: str, actor) -> None:
    condition = conditions.get_condition(spec.condition_key or "")
    if condition is None:
        raise DomainError(
            _("Choose a condition Wavelength can check."), field=f"{prefix}condition_key"
        )
    params = {k: v for k, v in (spec.condition_params or {}).items() if k in condition.params}
    for name in condition.params:
        if params.get(name) in (None, ""):
            raise DomainError(
                _("The condition needs “%(param)s”.") % {"param": name},
                field=f"{prefix}condition_params.{name}",
            )
    if condition.choices is not None and condition.params:
        first = condition.params[0]
        allowed = {str(value) for value, _label in condition.choices(user=actor)}
        if str(params[first]) not in allowed:
            raise DomainError(
                _("“%(value)s” is not one of the choices.") % {"value": params[first]},
                field=f"{prefix}condition_params.{first}",
            )
    spec.condition_params = params


def _check_check(spec: StepSpec, prefix: str, actor) -> None:
    spec.check_kind = spec.check_kind or ""
    if spec.check_kind not in CheckKind.values:
        raise DomainError(
            _("Unknown check “%(kind)s”.") % {"kind": spec.check_kind}, field=f"{prefix}check_kind"
        )
    if spec.check_kind == CheckKind.CONDITION:
        _check_condition(spec, prefix, actor)
    else:
        spec.condition_key, spec.condition_params = "", {}
    if spec.check_kind != CheckKind.APPROVAL:
        spec.approver = None
    elif spec.approver is not None and not spec.approver.can_edit:
        raise DomainError(
            _("The approver must be an editor or an administrator."), field=f"{prefix}approver"
        )


def _check_step(spec: StepSpec, index: int, count: int, actor) -> StepSpec:
    prefix = f"steps.{index}."
    spec = replace(spec, depends_on=list(dict.fromkeys(spec.depends_on or [])))
    spec.title = _text(spec.title, prefix + "title", 200)
    spec.instructions = spec.instructions or ""
    _check_owner(spec, prefix)
    if not -MAX_OFFSET <= int(spec.due_offset_days or 0) <= MAX_OFFSET:
        raise DomainError(
            _("Between -%(n)d and %(n)d days.") % {"n": MAX_OFFSET},
            field=prefix + "due_offset_days",
        )
    spec.due_offset_days = int(spec.due_offset_days or 0)
    bad = [p for p in spec.depends_on if not 1 <= int(p) <= count]
    if bad:
        raise DomainError(
            _("No step number %(n)s in this playbook.") % {"n": ", ".join(map(str, bad))},
            field=prefix + "depends_on",
        )
    _check_check(spec, prefix, actor)
    return spec


def _find_cycle(specs: list[StepSpec]) -> list[int] | None:
    """The positions (0-based) of one dependency cycle, or ``None``."""
    state: dict[int, int] = {}  # 1 = on the path, 2 = done
    path: list[int] = []

    def visit(i: int) -> list[int] | None:
        state[i] = 1
        path.append(i)
        for dep in specs[i].depends_on:
            j = int(dep) - 1
            if state.get(j) == 1:
                return path[path.index(j) :]
            if j not in state and (found := visit(j)):
                return found
        path.pop()
        state[i] = 2
        return None

    for i in range(len(specs)):
        if i not in state and (found := visit(i)):
            return found
    return None


def check_steps(specs: Sequence[StepSpec], *, actor) -> list[StepSpec]:
    """The steps, checked; a :class:`DomainError` names the first bad field or the cycle."""
    if not specs:
        raise DomainError(_("A playbook needs at least one step."), field="steps")
    if len(specs) > MAX_STEPS:
        raise DomainError(_("At most %(n)d steps.") % {"n": MAX_STEPS}, field="steps")
    checked = [_check_step(s, i, len(specs), actor) for i, s in enumerate(specs)]
    cycle = _find_cycle(checked)
    if cycle:
        names = " → ".join(f"“{checked[i].title}”" for i in [*cycle, cycle[0]])
        raise DomainError(
            _("These steps depend on each other in a circle: %(steps)s.") % {"steps": names},
            field="steps",
        )
    return checked


def _write_version(*, actor, playbook: Playbook, specs: list[StepSpec], note: str):
    last = playbook.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PlaybookVersion.objects.create(
        playbook=playbook, number=last + 1, note=(note or "")[:200], created_by=actor
    )
    steps = PlaybookStep.objects.bulk_create(
        PlaybookStep(
            version=version,
            position=i + 1,
            title=s.title,
            instructions=s.instructions,
            owner_kind=s.owner_kind,
            owner_team=s.owner_team,
            due_offset_days=s.due_offset_days,
            check_kind=s.check_kind,
            approver=s.approver,
            condition_key=s.condition_key,
            condition_params=s.condition_params,
        )
        for i, s in enumerate(specs)
    )
    through = PlaybookStep.depends_on.through
    through.objects.bulk_create(
        through(from_playbookstep_id=steps[i].pk, to_playbookstep_id=steps[int(d) - 1].pk)
        for i, s in enumerate(specs)
        for d in s.depends_on
    )
    playbook.current_version = version
    playbook.updated_at = clock.now()
    playbook.save(update_fields=["current_version", "updated_at"])
    return version


def _scope(playbook: Playbook) -> str:
    return f"processes.playbook:{playbook.pk}"


@transaction.atomic
def playbook_create(
    *,
    actor,
    name: str,
    description: str = "",
    steps: Sequence[StepSpec],
    standard_key: str = "",
    note: str = "",
) -> Playbook:
    """Create a playbook with its first version. ``actor`` is ``None`` only for the CLI."""
    if actor is not None:
        require_editor(actor)
    name = _text(name, "name", 120)
    slug = slugify(plain_text(name))[:120]  # no markup from the title in the address
    if not slug:
        raise DomainError(_("Choose a name with letters or digits."), field="name")
    if (
        Playbook.objects.filter(name__iexact=name).exists()
        or Playbook.objects.filter(slug=slug).exists()
    ):
        raise DomainError(_("A playbook with this name already exists."), field="name")
    checked = check_steps(steps, actor=actor)
    playbook = Playbook.objects.create(
        name=name, slug=slug, description=description or "", standard_key=standard_key
    )
    version = _write_version(actor=actor, playbook=playbook, specs=checked, note=note)
    activity.record(
        actor=actor,
        verb="created",
        target=playbook,
        scope=_scope(playbook),
        snapshot={"name": name, "description": description or "", "version": version.number},
    )
    return playbook


@transaction.atomic
def playbook_update(
    *, actor, playbook: Playbook, name: str, description: str = "", if_version: str | None = None
) -> Playbook:
    """Rename a playbook or change its description (its steps keep their version).
    ``if_version`` (the version the edit started from) refuses a stale edit."""
    require_editor(actor)
    playbook = Playbook.objects.select_for_update().get(pk=playbook.pk)
    versioning.check(playbook, if_version)
    name = _text(name, "name", 120)
    if Playbook.objects.exclude(pk=playbook.pk).filter(name__iexact=name).exists():
        raise DomainError(_("A playbook with this name already exists."), field="name")
    before = {"name": playbook.name, "description": playbook.description}
    playbook.name, playbook.description = name, description or ""
    playbook.updated_at = clock.now()
    playbook.save(update_fields=["name", "description", "updated_at"])
    changes = activity.diff(before, {"name": name, "description": playbook.description})
    if changes:
        activity.record(
            actor=actor, verb="updated", target=playbook, scope=_scope(playbook), changes=changes
        )
    return playbook


@transaction.atomic
def playbook_version_create(
    *,
    actor,
    playbook: Playbook,
    steps: Sequence[StepSpec],
    note: str = "",
    if_version: str | None = None,
) -> PlaybookVersion:
    """Publish a new version of the playbook's steps; runs already started keep theirs.
    ``if_version`` (the playbook's version the steps were edited from) refuses a stale edit."""
    require_editor(actor)
    playbook = Playbook.objects.select_for_update().get(pk=playbook.pk)
    versioning.check(playbook, if_version)
    checked = check_steps(steps, actor=actor)
    version = _write_version(actor=actor, playbook=playbook, specs=checked, note=note)
    activity.record(
        actor=actor,
        verb="version_published",
        target=playbook,
        scope=_scope(playbook),
        version=version.number,
        note=version.note or None,
    )
    return version


def specs_of(version: PlaybookVersion | None) -> list[StepSpec]:
    """The steps of ``version`` as specs to edit (dependencies as 1-based positions)."""
    if version is None:
        return []
    steps = list(
        version.steps.select_related("owner_team", "approver").prefetch_related("depends_on")
    )
    return [
        StepSpec(
            title=s.title,
            instructions=s.instructions,
            owner_kind=s.owner_kind,
            owner_team=s.owner_team,
            due_offset_days=s.due_offset_days,
            depends_on=sorted(d.position for d in s.depends_on.all()),
            check_kind=s.check_kind,
            approver=s.approver,
            condition_key=s.condition_key,
            condition_params=dict(s.condition_params or {}),
        )
        for s in steps
    ]


def playbook_step_save(
    *,
    actor,
    playbook: Playbook,
    spec: StepSpec,
    position: int | None = None,
    if_version: str | None = None,
) -> PlaybookVersion:
    """Add a step (``position`` None) or replace the step at ``position``: a new version.
    ``if_version`` refuses it when someone saved the playbook since the step was opened."""
    specs = specs_of(playbook.current_version)
    if position is None:
        specs.append(spec)
        note = _("Added “%(step)s”") % {"step": spec.title}
    else:
        if not 1 <= position <= len(specs):
            raise DomainError(_("No such step."), field="position")
        specs[position - 1] = spec
        note = _("Edited “%(step)s”") % {"step": spec.title}
    return playbook_version_create(
        actor=actor, playbook=playbook, steps=specs, note=note[:200], if_version=if_version
    )


def _renumber(specs: list[StepSpec], order: list[int]) -> list[StepSpec]:
    """``order`` lists old 0-based indexes in their new order; dependencies follow."""
    new_pos = {old: new + 1 for new, old in enumerate(order)}
    return [
        replace(
            specs[old],
            depends_on=[
                new_pos[int(d) - 1] for d in specs[old].depends_on if int(d) - 1 in new_pos
            ],
        )
        for old in order
    ]


def playbook_step_remove(
    *, actor, playbook: Playbook, position: int, if_version: str | None = None
) -> PlaybookVersion:
    """Remove the step at ``position``; ``if_version`` refuses it when the playbook changed
    since the page was read (the step at that position may be another one by now)."""
    specs = specs_of(playbook.current_version)
    if not 1 <= position <= len(specs):
        raise DomainError(_("No such step."), field="position")
    removed = specs[position - 1]
    order = [i for i in range(len(specs)) if i != position - 1]
    note = _("Removed “%(step)s”") % {"step": removed.title}
    return playbook_version_create(
        actor=actor,
        playbook=playbook,
        steps=_renumber(specs, order),
        note=note[:200],
        if_version=if_version,
    )


def playbook_step_move(
    *, actor, playbook: Playbook, position: int, by: int, if_version: str | None = None
) -> PlaybookVersion:
    """Move a step up (``by`` -1) or down (+1); ``if_version`` as for a removal."""
    specs = specs_of(playbook.current_version)
    target = position - 1 + by
    if not 1 <= position <= len(specs) or not 0 <= target < len(specs):
        raise DomainError(_("This step cannot move further."), field="position")
    order = list(range(len(specs)))
    order[position - 1], order[target] = order[target], order[position - 1]
    note = _("Moved “%(step)s”") % {"step": specs[position - 1].title}
    return playbook_version_create(
        actor=actor,
        playbook=playbook,
        steps=_renumber(specs, order),
        note=note[:200],
        if_version=if_version,
    )
