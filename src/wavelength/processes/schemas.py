"""Schemas of the processes API: playbooks, versions, steps, runs and run steps."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from ninja import Field, Schema

from wavelength.accounts.schemas import TeamRef, UserRef
from wavelength.core.schemas import Id, InputSchema, Key, absolute_url

from . import targets
from .models import CheckKind, OwnerKind, RunStatus, StepStatus


class PlaybookStepIn(InputSchema):
    title: str = Field(max_length=200)
    instructions: str = Field("", description="Markdown.")
    owner_kind: OwnerKind = OwnerKind.STARTER
    owner_team: Key | None = Field(None, description="Team id or slug, when owner_kind is team.")
    due_offset_days: int = Field(0, ge=-3650, le=3650, description="Days after the run starts.")
    depends_on: list[int] = Field([], description="1-based positions of steps this one waits for.")
    check_kind: CheckKind = Field(CheckKind.NONE, description="The check required to complete it.")
    approver: Key | None = Field(None, description="Person id or e-mail who approves (optional).")
    condition_key: str = Field("", description="A registered condition, with check condition.")
    condition_params: dict[str, str | int] = {}


class PlaybookIn(InputSchema):
    name: str = Field(max_length=120)
    description: str = ""
    steps: list[PlaybookStepIn]


class PlaybookPatch(InputSchema):
    name: str = Field(None, max_length=120)
    description: str = None


class PlaybookVersionIn(InputSchema):
    steps: list[PlaybookStepIn]
    note: str = Field("", max_length=200, description="What changed.")


class PlaybookStepOut(Schema):
    position: int
    title: str
    instructions: str
    owner_kind: OwnerKind
    owner_team: TeamRef | None
    due_offset_days: int
    depends_on: list[int]
    check_kind: str
    approver: UserRef | None
    condition_key: str
    condition_params: dict

    @staticmethod
    def resolve_depends_on(obj) -> list[int]:
        return sorted(d.position for d in obj.depends_on.all())


class PlaybookVersionOut(Schema):
    number: int
    note: str
    created_by: UserRef | None
    created_at: dt.datetime


class PlaybookVersionDetailOut(PlaybookVersionOut):
    steps: list[PlaybookStepOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return obj.steps_list


class PlaybookOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    standard_key: str
    version: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_version(obj) -> int | None:
        return obj.current_version.number if obj.current_version_id else None

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class PlaybookDetailOut(PlaybookOut):
    steps: list[PlaybookStepOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return obj.steps_list


class TargetOut(Schema):
    kind: str
    id: int
    name: str


def _target(obj) -> dict | None:
    if not obj.target_type_id:
        return None
    kind = targets.kind_for_type(obj.target_type_id)
    model = ContentType.objects.get_for_id(obj.target_type_id).model
    return {"kind": kind.key if kind else model, "id": obj.target_id, "name": obj.target_repr}


class RunIn(InputSchema):
    playbook: Key = Field(description="Playbook id or slug.")
    target_kind: str | None = Field(None, description=f"One of {', '.join(targets.KINDS)}.")
    target_id: Id | None = None
    subject: Key | None = Field(None, description="The person the run is for (id or e-mail).")
    started_on: dt.date | None = Field(None, description="Defaults to today.")
    title: str = Field("", max_length=250)


class RunFilterIn(InputSchema):
    playbook: Key | None = None
    status: RunStatus | None = None
    target_kind: str | None = None
    target_id: Id | None = None
    subject: Key | None = None


class RunOut(Schema):
    id: int
    title: str
    playbook: str
    version: int
    status: RunStatus
    target: TargetOut | None
    subject: UserRef | None
    started_by: UserRef | None
    started_on: dt.date
    completed_at: dt.datetime | None
    steps_total: int
    steps_done: int
    steps_overdue: int
    url: str

    @staticmethod
    def resolve_playbook(obj) -> str:
        return obj.playbook.slug

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.version.number

    @staticmethod
    def resolve_target(obj):
        return _target(obj)

    @staticmethod
    def resolve_steps_total(obj) -> int:
        return obj.step_total

    @staticmethod
    def resolve_steps_done(obj) -> int:
        return obj.step_done

    @staticmethod
    def resolve_steps_overdue(obj) -> int:
        return obj.step_overdue

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class RunStepOut(Schema):
    id: int
    run: int
    run_title: str
    position: int
    title: str
    status: StepStatus
    blocked: bool
    due_on: dt.date
    assignee: UserRef | None
    assignee_team: TeamRef | None
    completed_by: UserRef | None
    completed_at: dt.datetime | None
    note: str
    evidence_url: str
    skip_reason: str
    approved_by: UserRef | None
    approved_at: dt.datetime | None
    url: str

    @staticmethod
    def resolve_run(obj) -> int:
        return obj.run_id

    @staticmethod
    def resolve_run_title(obj) -> str:
        return obj.run.title

    @staticmethod
    def resolve_blocked(obj) -> bool:
        return bool(getattr(obj, "blocked", False)) and obj.status == StepStatus.OPEN

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class RunDetailOut(RunOut):
    steps: list[RunStepOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return obj.steps_list


class StepFilterIn(InputSchema):
    playbook: Key | None = None
    run: Id | None = None
    status: str | None = Field(None, description="open (default), blocked, overdue, done or all.")


class CompleteIn(InputSchema):
    note: str = Field("", max_length=5000)
    evidence_url: str = Field("", description="An http(s) link to the evidence.")


class SkipIn(InputSchema):
    reason: str = Field(max_length=300)


class AssignIn(InputSchema):
    assignee: Key | None = Field(description="Person id or e-mail; null to unassign.")


class ReleasePlaybooksIn(InputSchema):
    playbooks: list[Key] = Field(description="Ids or slugs of the playbooks the release requires.")


class RequiredPlaybookOut(PlaybookOut):
    required_by: str = Field(
        description="product: every release of the release's product requires it (set on the "
        "product); release: the release requires it itself."
    )


class ReleasePlaybooksOut(Schema):
    playbooks: list[RequiredPlaybookOut]


class ProductPlaybooksIn(InputSchema):
    playbooks: list[Key] = Field(
        description="Ids or slugs of the playbooks every release of the product requires."
    )


class ProductPlaybooksOut(Schema):
    playbooks: list[PlaybookOut]
