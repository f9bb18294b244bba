"""API schemas of test management."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from ninja import Field, Schema

from wavelength.accounts.schemas import UserRef
from wavelength.catalog.schemas import FeatureRef, Key
from wavelength.core.schemas import Id, InputSchema, absolute_url

from .models import LINKABLE, DefectStatus, Priority, ResultStatus, Severity

# Suites -----------------------------------------------------------------------------------


class SuiteOut(Schema):
    id: int
    product: str = Field(description="The product's slug.")
    parent: int | None = Field(description="The enclosing suite's id.")
    name: str
    description: str
    created_at: dt.datetime

    @staticmethod
    def resolve_product(obj) -> str:
        return obj.product.slug

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id


class SuiteFilter(InputSchema):
    product: Key | None = Field(None, description="Product id or slug.")


class SuiteIn(InputSchema):
    product: Key = Field(description="Product id or slug.")
    parent: Id | None = Field(None, description="A suite of that product to nest under.")
    name: str
    description: str = ""


class SuitePatch(InputSchema):
    parent: Id | None = Field(None, description="Move under this suite; null moves to the top.")
    name: str = None
    description: str = None


# Cases ------------------------------------------------------------------------------------


class StepIn(InputSchema):
    action: str
    expected: str = ""


class StepOut(Schema):
    action: str
    expected: str


class CaseOut(Schema):
    id: int
    key: str
    product: str
    suite: int
    title: str
    preconditions: str
    steps: list[StepOut]
    priority: Priority
    tags: list[str]
    features: list[FeatureRef]
    automation_id: str = Field(description="The automated test's id, e.g. tests/a.py::test_b.")
    version: int = Field(description="The latest version; send it back as expected_version.")
    archived: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_product(obj) -> str:
        return obj.product.slug

    @staticmethod
    def resolve_suite(obj) -> int:
        return obj.suite_id

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_features(obj) -> list:
        return list(obj.features.all())

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class CaseFilter(InputSchema):
    product: Key | None = Field(None, description="Product id or slug.")
    suite: Id | None = Field(None, description="A suite; its sub-suites are included.")
    tag: str | None = None
    feature: Id | None = None
    priority: Priority | None = None
    automated: bool | None = Field(None, description="Only cases with (or without) an id.")
    archived: bool = False
    q: str | None = Field(None, description="Words in the title or automated-test id.")


class CaseIn(InputSchema):
    suite: Id
    title: str
    preconditions: str = ""
    steps: list[StepIn] = []
    priority: Priority = Priority.MEDIUM
    tags: list[str] = []
    features: list[Id] = []
    automation_id: str = ""


class CasePatch(InputSchema):
    expected_version: int | None = Field(
        None, description="The version you edited; a newer one answers 409."
    )
    suite: Id = None
    title: str = None
    preconditions: str = None
    steps: list[StepIn] = None
    priority: Priority = None
    tags: list[str] = None
    features: list[Id] = None
    automation_id: str = None
    archived: bool = None


class CaseVersionOut(Schema):
    number: int
    title: str
    preconditions: str
    steps: list[StepOut]
    priority: Priority
    automation_id: str
    tags: list[str]
    feature_ids: list[int]
    author: UserRef | None
    created_at: dt.datetime


# Plans, runs and results ------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    product: str
    release: int
    name: str
    description: str
    suites: list[int]
    tags: list[str]
    features: list[int]
    cases: list[int] = Field(description="Cases picked by hand.")
    created_at: dt.datetime
    url: str

    @staticmethod
    def resolve_product(obj) -> str:
        return obj.product.slug

    @staticmethod
    def resolve_release(obj) -> int:
        return obj.release_id

    @staticmethod
    def resolve_suites(obj) -> list[int]:
        return [s.pk for s in obj.suites.all()]

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_features(obj) -> list[int]:
        return [f.pk for f in obj.features.all()]

    @staticmethod
    def resolve_cases(obj) -> list[int]:
        return [c.pk for c in obj.cases.all()]

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class PlanIn(InputSchema):
    release: Id
    name: str
    description: str = ""
    suites: list[Id] = []
    tags: list[str] = []
    features: list[Id] = []
    cases: list[Id] = []


class PlanPatch(InputSchema):
    name: str = None
    description: str = None
    suites: list[Id] = None
    tags: list[str] = None
    features: list[Id] = None
    cases: list[Id] = None


class ProgressOut(Schema):
    total: int
    executed: int
    passed: int
    failed: int
    blocked: int
    skipped: int
    retest: int
    untested: int
    percent_done: int
    pass_rate: float | None = Field(description="Passed over executed (skipped left out), %.")


def progress_out(progress) -> dict:
    counts = {s: progress.counts.get(s, 0) for s in ResultStatus.values}
    return {
        "total": progress.total,
        "executed": progress.executed,
        "percent_done": progress.percent_done,
        "pass_rate": progress.pass_rate,
        **counts,
    }


class TestRunOut(Schema):
    id: int
    product: str
    release: int
    plan: int | None
    name: str
    build: str
    environment: str
    source: str
    status: str
    assignees: list[UserRef]
    created_at: dt.datetime
    closed_at: dt.datetime | None
    url: str

    @staticmethod
    def resolve_product(obj) -> str:
        return obj.product.slug

    @staticmethod
    def resolve_release(obj) -> int:
        return obj.release_id

    @staticmethod
    def resolve_plan(obj) -> int | None:
        return obj.plan_id

    @staticmethod
    def resolve_assignees(obj) -> list:
        return list(obj.assignees.all())

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class TestRunDetailOut(TestRunOut):
    progress: ProgressOut


class TestRunIn(InputSchema):
    plan: Id
    build: str
    environment: str = ""
    name: str = ""
    assignees: list[Id] = []


class TestRunFilter(InputSchema):
    product: Key | None = None
    release: Id | None = None
    plan: Id | None = None


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    uploaded_at: dt.datetime
    url: str

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class ResultOut(Schema):
    id: int
    run: int
    case: int
    case_title: str
    case_version: int = Field(description="The version of the case this run executed.")
    status: ResultStatus
    step_statuses: list[str]
    notes: str
    duration_ms: int | None
    executed_by: UserRef | None
    executed_at: dt.datetime | None

    @staticmethod
    def resolve_run(obj) -> int:
        return obj.run_id

    @staticmethod
    def resolve_case(obj) -> int:
        return obj.case_id

    @staticmethod
    def resolve_case_title(obj) -> str:
        return obj.case_version.title

    @staticmethod
    def resolve_case_version(obj) -> int:
        return obj.case_version.number


class ResultFilter(InputSchema):
    status: ResultStatus | None = None


class FailureFilter(InputSchema):
    build: str = Field("", max_length=120, description="Only the runs of this build.")


class FailureOut(Schema):
    """A failed result, with what finding it again needs: the test, its run and release."""

    id: int
    case: int
    case_title: str
    automation_id: str
    run: int
    run_name: str
    build: str
    environment: str
    release: str = Field(description="The release's version.")
    notes: str = Field(description="The failure's message and trace.")
    executed_at: dt.datetime
    url: str

    @staticmethod
    def resolve_case(obj) -> int:
        return obj.case_id

    @staticmethod
    def resolve_case_title(obj) -> str:
        return obj.case.title

    @staticmethod
    def resolve_automation_id(obj) -> str:
        return obj.case.automation_id

    @staticmethod
    def resolve_run(obj) -> int:
        return obj.run_id

    @staticmethod
    def resolve_run_name(obj) -> str:
        return obj.run.name

    @staticmethod
    def resolve_build(obj) -> str:
        return obj.run.build

    @staticmethod
    def resolve_environment(obj) -> str:
        return obj.run.environment

    @staticmethod
    def resolve_release(obj) -> str:
        return obj.run.release.version

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class ResultPatch(InputSchema):
    status: ResultStatus | None = Field(None, description="The case as a whole.")
    step_statuses: list[str] | None = Field(
        None, description="One of untested, passed, failed, blocked, skipped per step."
    )
    notes: str = None
    duration_ms: int | None = Field(None, ge=0, le=10**12)


# Defects ----------------------------------------------------------------------------------


class DefectLinkOut(Schema):
    id: int
    kind: str = Field(description="feedback or customer.")
    object_id: int
    name: str

    @staticmethod
    def resolve_kind(obj) -> str:
        ct = ContentType.objects.get_for_id(obj.target_type_id)
        return next(k for k, v in LINKABLE.items() if v == (ct.app_label, ct.model))

    @staticmethod
    def resolve_object_id(obj) -> int:
        return obj.target_id

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.target_repr


class DefectOut(Schema):
    id: int
    key: str
    product: str
    release: int | None
    case: int | None
    result: int | None
    features: list[FeatureRef]
    title: str
    steps: str
    severity: Severity
    status: DefectStatus
    external_url: str
    external_key: str
    links: list[DefectLinkOut]
    created_at: dt.datetime
    updated_at: dt.datetime
    resolved_at: dt.datetime | None
    url: str

    @staticmethod
    def resolve_product(obj) -> str:
        return obj.product.slug

    @staticmethod
    def resolve_release(obj) -> int | None:
        return obj.release_id

    @staticmethod
    def resolve_case(obj) -> int | None:
        return obj.case_id

    @staticmethod
    def resolve_result(obj) -> int | None:
        return obj.result_id

    @staticmethod
    def resolve_features(obj) -> list:
        return list(obj.features.all())

    @staticmethod
    def resolve_links(obj) -> list:
        return list(obj.links.all())

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())


class DefectFilter(InputSchema):
    product: Key | None = None
    release: Id | None = None
    feature: Id | None = None
    case: Id | None = None
    severity: Severity | None = None
    status: DefectStatus | None = None
    unresolved: bool = Field(False, description="Only open and in-progress defects.")
    q: str | None = None


class DefectIn(InputSchema):
    product: Key
    title: str
    severity: Severity = Severity.MAJOR
    steps: str = ""
    release: Id | None = None
    case: Id | None = None
    features: list[Id] = []
    external_url: str = ""
    external_key: str = ""


class DefectPatch(InputSchema):
    title: str = None
    steps: str = None
    severity: Severity = None
    status: DefectStatus = None
    release: Id | None = None
    features: list[Id] = None
    external_url: str = None
    external_key: str = None


class DefectFromResultIn(InputSchema):
    severity: Severity = Severity.MAJOR
    title: str = ""


class DefectLinkIn(InputSchema):
    kind: str = Field(description="feedback or customer.")
    object_id: Id


# CI import and flaky tests ------------------------------------------------------------------


class JunitQuery(InputSchema):
    release: Id | None = Field(None, description="The release's id…")
    product: Key | None = Field(None, description="…or its product (id or slug) and version.")
    version: str | None = Field(None, description="The release's version, with product.")
    build: str = Field(description="The build the tests ran on, e.g. a version or a commit.")
    environment: str = ""
    name: str = Field("", description='The run\'s name; "CI · <build>" by default.')
    run: Id | None = Field(None, description="Fill this open run instead of making a new one.")
    background: bool = Field(
        False,
        description="Record it in a background job (202) even when it is small; a report "
        "larger than JUNIT_BACKGROUND_MB (2 MB) always is.",
    )


class JunitImportOut(Schema):
    """A report being recorded in the background: poll ``url`` until ``status`` is done (then
    ``run`` is the run it became) or failed (then ``errors`` says why, by field)."""

    id: int
    status: str = Field(description="queued, running, done or failed.")
    processed: int = Field(description="Steps done: the report's tests and its new cases.")
    total: int = Field(description="Steps in all; 0 until the report has been read.")
    percent: int
    size: int = Field(description="The report's size in bytes.")
    build: str
    release: int
    run: int | None = None
    run_url: str | None = None
    errors: dict[str, str]
    created_at: dt.datetime
    finished_at: dt.datetime | None
    url: str

    @staticmethod
    def resolve_release(obj) -> int:
        return obj.release_id

    @staticmethod
    def resolve_run(obj) -> int | None:
        return obj.run_id if obj.status == "done" else None

    @staticmethod
    def resolve_run_url(obj, context) -> str | None:
        if obj.status != "done" or obj.run_id is None:
            return None
        return absolute_url(context, reverse("api:test-run-detail", args=[obj.run_id]))

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, reverse("api:junit-import-job", args=[obj.pk]))


class FlakyOut(Schema):
    case: int
    title: str
    automation_id: str
    flips: int
    same_build: bool
    history: list[list[str]] = Field(description="[build, status] pairs, oldest first.")

    @staticmethod
    def resolve_case(obj) -> int:
        return obj.case.pk

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.case.title

    @staticmethod
    def resolve_automation_id(obj) -> str:
        return obj.case.automation_id

    @staticmethod
    def resolve_history(obj) -> list:
        return [list(pair) for pair in obj.history]


# Inspections ------------------------------------------------------------------------------


class ChecklistOut(Schema):
    id: int
    name: str
    description: str
    items: list[str]
    signoff_team: str | None = Field(description="The slug of the team that signs off.")
    version: int

    @staticmethod
    def resolve_signoff_team(obj) -> str | None:
        return obj.signoff_team.slug if obj.signoff_team_id else None


class InspectionOut(Schema):
    id: int | None
    checklist: int
    checklist_name: str
    checklist_version: int | None
    items: list[str]
    checked: list[bool]
    status: str = Field(description="not_started, in_progress or signed.")
    signed_by: UserRef | None = None
    signed_at: dt.datetime | None = None


def inspection_out(row) -> dict:
    i = row.inspection
    version = i.checklist_version if i else None
    return {
        "id": i.pk if i else None,
        "checklist": row.checklist.pk,
        "checklist_name": row.checklist.name,
        "checklist_version": version.number if version else None,
        "items": version.items if version else row.checklist.items,
        "checked": i.checked if i else [False] * len(row.checklist.items),
        "status": i.status if i else "not_started",
        "signed_by": i.signed_by if i else None,
        "signed_at": i.signed_at if i else None,
    }


class InspectionIn(InputSchema):
    checked: list[bool] | None = Field(None, description="One value per item.")
    notes: str = None
    sign: bool = Field(False, description="Sign off once every item is checked.")


class RunCloseIn(InputSchema):
    confirm: bool = Field(False, description="Close it even though some cases are untested.")


# The release-readiness gate ---------------------------------------------------------------


class GateOut(Schema):
    product: str = Field(description="The product's slug.")
    min_pass_rate: int | None = Field(description="Percent; null when not part of the gate.")
    blocking_severity: Severity | None = Field(
        description="No unresolved defect at or above it; null when not part of the gate."
    )
    required_checklists: list[int] = Field(description="Checklists to sign off per release.")
    require_coverage: bool = Field(description="Every feature covered by an active case.")
    require_all_executed: bool = Field(
        description="Every case of the release's runs executed: none left untested."
    )

    @staticmethod
    def resolve_product(obj) -> str:
        return obj.product.slug

    @staticmethod
    def resolve_blocking_severity(obj) -> str | None:
        return obj.blocking_severity or None

    @staticmethod
    def resolve_required_checklists(obj) -> list[int]:
        return sorted(c.pk for c in obj.required_checklists.all()) if obj.pk else []


class GateIn(InputSchema):
    """The fields sent are changed; null (or an empty list) takes a criterion out."""

    min_pass_rate: int | None = Field(None, ge=0, le=100)
    blocking_severity: Severity | None = None
    required_checklists: list[int] | None = None
    require_coverage: bool | None = None
    require_all_executed: bool | None = None
