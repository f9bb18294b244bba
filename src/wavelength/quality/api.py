"""Test management API: suites, cases and their versions.

Endpoints parse, resolve ids into rows (each unknown one is a 422 naming its field), then call
one service or selector; services check permissions and write in one transaction.
"""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from wavelength.accounts.models import User
from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.models import Feature, Release
from wavelength.core.api import KeysetPagination, Pagination, References
from wavelength.core.exceptions import DomainError
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, Id, IfMatch, set_etag

from . import junit, selectors, services
from .models import Suite, TestCase, TestPlan, TestRun
from .schemas import (
    CaseFilter,
    CaseIn,
    CaseOut,
    CasePatch,
    CaseVersionOut,
    ChecklistOut,
    DefectFilter,
    DefectFromResultIn,
    DefectIn,
    DefectLinkIn,
    DefectOut,
    DefectPatch,
    EvidenceOut,
    FailureFilter,
    FailureOut,
    FlakyOut,
    GateIn,
    GateOut,
    InspectionIn,
    InspectionOut,
    JunitImportOut,
    JunitQuery,
    PlanIn,
    PlanOut,
    PlanPatch,
    ResultFilter,
    ResultOut,
    ResultPatch,
    RunCloseIn,
    SuiteFilter,
    SuiteIn,
    SuiteOut,
    SuitePatch,
    TestRunDetailOut,
    TestRunFilter,
    TestRunIn,
    TestRunOut,
    inspection_out,
    progress_out,
)

router = Router(tags=["quality"])
WRITE_ERRORS = {**ERRORS, 409: ERRORS[422]}
# A change of an editable object: a stale If-Match answers 412 (see core.versioning).
EDIT_ERRORS = {**VERSIONED_ERRORS, 409: ERRORS[422]}


def _product_or_none(user, key):
    """The product a filter names (a 404 when unknown or hidden), or None when it names none."""
    return None if key is None else catalog_selectors.product_get(user=user, key=key)


def _product_id(user, key) -> int | None:
    product = _product_or_none(user, key)
    return None if product is None else product.pk


# Suites -----------------------------------------------------------------------------------


@router.get("/quality/suites", response={200: list[SuiteOut], **ERRORS}, url_name="suite-list")
@paginate(Pagination)
def suite_list(request, filters: Query[SuiteFilter]):
    """Suites of every product (or one), by name."""
    product = _product_or_none(request.auth, filters.product)
    return selectors.suite_list(user=request.auth, product=product)


@router.post("/quality/suites", response={201: SuiteOut, **WRITE_ERRORS}, url_name="suite-create")
def suite_create(request, payload: SuiteIn):
    refs = References()
    product = catalog_selectors.product_get(user=request.auth, key=payload.product)
    parent = refs.get(Suite.objects.all(), payload.parent, field="parent")
    refs.check()
    suite = services.suite_create(
        actor=request.auth,
        product=product,
        parent=parent,
        name=payload.name,
        description=payload.description,
    )
    return Status(201, selectors.suite_get(user=request.auth, pk=suite.pk))


@router.get(
    "/quality/suites/{suite_id}", response={200: SuiteOut, **ERRORS}, url_name="suite-detail"
)
def suite_detail(request, suite_id: Id, response: HttpResponse):
    """A suite; its ETag is what a change sends back as ``If-Match``."""
    suite = selectors.suite_get(user=request.auth, pk=suite_id)
    set_etag(response, suite)
    return suite


@router.patch(
    "/quality/suites/{suite_id}", response={200: SuiteOut, **EDIT_ERRORS}, url_name="suite-update"
)
def suite_update(
    request, suite_id: Id, payload: SuitePatch, response: HttpResponse, if_match: IfMatch = None
):
    suite = selectors.suite_get(user=request.auth, pk=suite_id)
    data = payload.dict(exclude_unset=True)
    refs = References()
    if "parent" in data:
        data["parent"] = refs.get(Suite.objects.all(), data["parent"], field="parent")
    refs.check()
    services.suite_update(actor=request.auth, suite=suite, if_version=if_match, **data)
    suite = selectors.suite_get(user=request.auth, pk=suite_id)
    set_etag(response, suite)
    return suite


# Cases ------------------------------------------------------------------------------------


def _case_refs(data: dict) -> dict:
    """Rows for the ids in ``data`` and the services' argument names (``steps_``, ``tags_``)."""
    refs = References()
    if data.get("suite") is not None:
        data["suite"] = refs.get(
            Suite.objects.select_related("product"), data["suite"], field="suite"
        )
    if data.get("features") is not None:
        data["features"] = refs.get_many(Feature.objects.all(), data["features"], field="features")
    refs.check()
    for name in ("steps", "tags"):
        if name in data:
            data[f"{name}_"] = data.pop(name) or []
    return data


@router.get("/quality/cases", response={200: list[CaseOut], **ERRORS}, url_name="case-list")
@paginate(Pagination)
def case_list(request, filters: Query[CaseFilter]):
    """Test cases matching every filter, by suite and title."""
    data = filters.dict()
    data["product"] = _product_id(request.auth, data["product"])
    return selectors.case_list(user=request.auth, filters=selectors.CaseFilter(**data))


@router.post("/quality/cases", response={201: CaseOut, **WRITE_ERRORS}, url_name="case-create")
def case_create(request, payload: CaseIn):
    """A test case with its first version."""
    case = services.case_create(actor=request.auth, **_case_refs(payload.dict()))
    return Status(201, selectors.case_get(user=request.auth, pk=case.pk))


@router.get("/quality/cases/{case_id}", response={200: CaseOut, **ERRORS}, url_name="case-detail")
def case_detail(request, case_id: Id, response: HttpResponse):
    case = selectors.case_get(user=request.auth, pk=case_id)
    set_etag(response, case)
    return case


@router.patch(
    "/quality/cases/{case_id}", response={200: CaseOut, **EDIT_ERRORS}, url_name="case-update"
)
def case_update(
    request, case_id: Id, payload: CasePatch, response: HttpResponse, if_match: IfMatch = None
):
    """Change the fields sent: a new version of the case when anything changed. A stale
    ``If-Match`` is a 412; a stale ``expected_version`` (the version number) a 409."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    data = _case_refs(payload.dict(exclude_unset=True))
    services.case_update(actor=request.auth, case=case, if_version=if_match, **data)
    case = selectors.case_get(user=request.auth, pk=case_id)
    set_etag(response, case)
    return case


@router.get(
    "/quality/cases/{case_id}/versions",
    response={200: list[CaseVersionOut], **ERRORS},
    url_name="case-versions",
)
@paginate(Pagination)
def case_versions(request, case_id: Id):
    """Every version of the case, newest first."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    return selectors.case_versions(user=request.auth, case=case)


# Plans ------------------------------------------------------------------------------------


def _plan_refs(data: dict) -> dict:
    refs = References()
    if data.get("release") is not None:
        data["release"] = refs.get(
            Release.objects.select_related("product"), data["release"], field="release"
        )
    for name, model in (("suites", Suite), ("features", Feature), ("cases", TestCase)):
        if data.get(name) is not None:
            data[name] = refs.get_many(model.objects.all(), data[name], field=name)
    refs.check()
    if "tags" in data:
        data["tags_"] = data.pop("tags") or []
    return data


@router.get("/quality/plans", response={200: list[PlanOut], **ERRORS}, url_name="plan-list")
@paginate(Pagination)
def plan_list(request, filters: Query[TestRunFilter]):
    """Test plans, newest first."""
    product = _product_or_none(request.auth, filters.product)
    return selectors.plan_list(user=request.auth, product=product).prefetch_related(
        "suites", "tags", "features", "cases"
    )


@router.post("/quality/plans", response={201: PlanOut, **WRITE_ERRORS}, url_name="plan-create")
def plan_create(request, payload: PlanIn):
    """A plan for a release: the cases of its suites, tags and features, and picked ones."""
    plan = services.plan_create(actor=request.auth, **_plan_refs(payload.dict()))
    return Status(201, selectors.plan_get(user=request.auth, pk=plan.pk))


@router.get("/quality/plans/{plan_id}", response={200: PlanOut, **ERRORS}, url_name="plan-detail")
def plan_detail(request, plan_id: Id, response: HttpResponse):
    plan = selectors.plan_get(user=request.auth, pk=plan_id)
    set_etag(response, plan)
    return plan


@router.patch(
    "/quality/plans/{plan_id}", response={200: PlanOut, **EDIT_ERRORS}, url_name="plan-update"
)
def plan_update(
    request, plan_id: Id, payload: PlanPatch, response: HttpResponse, if_match: IfMatch = None
):
    plan = selectors.plan_get(user=request.auth, pk=plan_id)
    data = _plan_refs(payload.dict(exclude_unset=True))
    services.plan_update(actor=request.auth, plan=plan, if_version=if_match, **data)
    plan = selectors.plan_get(user=request.auth, pk=plan_id)
    set_etag(response, plan)
    return plan


# Runs and results -------------------------------------------------------------------------


def _run_detail(user, run_id: int) -> dict:
    run = selectors.run_get(user=user, pk=run_id)
    run.progress = progress_out(selectors.progress_of([run])[0])
    return run


@router.get("/quality/runs", response={200: list[TestRunOut], **ERRORS}, url_name="test-run-list")
@paginate(Pagination)
def run_list(request, filters: Query[TestRunFilter]):
    """Test runs, newest first."""
    refs = References()
    product = _product_or_none(request.auth, filters.product)
    release = refs.get(Release.objects.all(), filters.release, field="release")
    plan = refs.get(TestPlan.objects.all(), filters.plan, field="plan")
    refs.check()
    return selectors.run_list(user=request.auth, product=product, release=release, plan=plan)


@router.post(
    "/quality/runs", response={201: TestRunDetailOut, **WRITE_ERRORS}, url_name="test-run-create"
)
def run_create(request, payload: TestRunIn):
    """Start a plan on a build: every case of the plan, untested, at its current version."""
    refs = References()
    plan = refs.get(
        TestPlan.objects.select_related("product", "release"), payload.plan, field="plan"
    )
    assignees = refs.get_many(User.objects.all(), payload.assignees, field="assignees")
    refs.check()
    run = services.run_create(
        actor=request.auth,
        plan=plan,
        build=payload.build,
        environment=payload.environment,
        name=payload.name,
        assignees=assignees,
    )
    return Status(201, _run_detail(request.auth, run.pk))


@router.get(
    "/quality/runs/{run_id}", response={200: TestRunDetailOut, **ERRORS}, url_name="test-run-detail"
)
def run_detail(request, run_id: Id):
    """A run with its progress and pass rate."""
    return _run_detail(request.auth, run_id)


@router.post(
    "/quality/runs/{run_id}/close",
    response={200: TestRunDetailOut, **WRITE_ERRORS},
    url_name="test-run-close",
)
def run_close(request, run_id: Id, payload: RunCloseIn | None = None):
    """Close the run. With cases still untested it answers 422 (field ``confirm``, saying how
    many) unless ``confirm`` is true."""
    services.run_close(
        actor=request.auth,
        run=selectors.run_get(user=request.auth, pk=run_id),
        confirm_untested=bool(payload and payload.confirm),
    )
    return _run_detail(request.auth, run_id)


@router.get(
    "/quality/runs/{run_id}/results",
    response={200: list[ResultOut], **ERRORS},
    url_name="test-run-results",
)
@paginate(KeysetPagination, ordering=selectors.RESULT_ORDER)
def run_results(request, run_id: Id, filters: Query[ResultFilter]):
    """A run's results in plan order, up to 1,000 a call: send ``next`` back as ``after`` for
    the following page (null on the last)."""
    run = selectors.run_get(user=request.auth, pk=run_id)
    return selectors.run_results(user=request.auth, run=run, status=filters.status)


@router.get(
    "/quality/results/{result_id}", response={200: ResultOut, **ERRORS}, url_name="result-detail"
)
def result_detail(request, result_id: Id, response: HttpResponse):
    """A result; its ETag is what a change sends back as ``If-Match``."""
    result = selectors.result_get(user=request.auth, pk=result_id)
    set_etag(response, result)
    return result


@router.patch(
    "/quality/results/{result_id}",
    response={200: ResultOut, **EDIT_ERRORS},
    url_name="result-update",
)
def result_update(
    request, result_id: Id, payload: ResultPatch, response: HttpResponse, if_match: IfMatch = None
):
    """Record a result as a whole or per step, with notes and a duration."""
    result = selectors.result_get(user=request.auth, pk=result_id)
    data = payload.dict(exclude_unset=True)
    services.result_record(actor=request.auth, result=result, if_version=if_match, **data)
    result = selectors.result_get(user=request.auth, pk=result_id)
    set_etag(response, result)
    return result


@router.post(
    "/quality/results/{result_id}/evidence",
    response={201: EvidenceOut, **WRITE_ERRORS},
    url_name="evidence-create",
)
def evidence_create(request, result_id: Id, file: File[UploadedFile]):
    """Attach a file (multipart field ``file``, at most 10 MB) to a result."""
    result = selectors.result_get(user=request.auth, pk=result_id)
    evidence = services.evidence_add(actor=request.auth, result=result, upload=file)
    return Status(201, evidence)


# Defects ----------------------------------------------------------------------------------


def _defect_refs(data: dict) -> dict:
    refs = References()
    for name, model in (("release", Release), ("case", TestCase)):
        if data.get(name) is not None:
            data[name] = refs.get(model.objects.all(), data[name], field=name)
    if data.get("features") is not None:
        data["features"] = refs.get_many(Feature.objects.all(), data["features"], field="features")
    refs.check()
    return data


@router.get("/quality/defects", response={200: list[DefectOut], **ERRORS}, url_name="defect-list")
@paginate(Pagination)
def defect_list(request, filters: Query[DefectFilter]):
    """Defects, most severe and newest first."""
    data = filters.dict()
    data["product"] = _product_id(request.auth, data["product"])
    return selectors.defect_list(
        user=request.auth, filters=selectors.DefectFilter(**data)
    ).prefetch_related("links")


@router.post(
    "/quality/defects", response={201: DefectOut, **WRITE_ERRORS}, url_name="defect-create"
)
def defect_create(request, payload: DefectIn):
    data = _defect_refs(payload.dict())
    data["product"] = catalog_selectors.product_get(user=request.auth, key=data["product"])
    defect = services.defect_create(actor=request.auth, **data)
    return Status(201, selectors.defect_get(user=request.auth, pk=defect.pk))


@router.get(
    "/quality/defects/{defect_id}", response={200: DefectOut, **ERRORS}, url_name="defect-detail"
)
def defect_detail(request, defect_id: Id, response: HttpResponse):
    defect = selectors.defect_get(user=request.auth, pk=defect_id)
    set_etag(response, defect)
    return defect


@router.patch(
    "/quality/defects/{defect_id}",
    response={200: DefectOut, **EDIT_ERRORS},
    url_name="defect-update",
)
def defect_update(
    request, defect_id: Id, payload: DefectPatch, response: HttpResponse, if_match: IfMatch = None
):
    defect = selectors.defect_get(user=request.auth, pk=defect_id)
    data = _defect_refs(payload.dict(exclude_unset=True))
    services.defect_update(actor=request.auth, defect=defect, if_version=if_match, **data)
    defect = selectors.defect_get(user=request.auth, pk=defect_id)
    set_etag(response, defect)
    return defect


@router.post(
    "/quality/results/{result_id}/defect",
    response={201: DefectOut, **WRITE_ERRORS},
    url_name="defect-from-result",
)
def defect_from_result(request, result_id: Id, payload: DefectFromResultIn):
    """Open a defect from a failed result: title and steps from the case, linked to the case,
    its features and the run's release."""
    result = selectors.result_get(user=request.auth, pk=result_id)
    defect = services.defect_from_result(actor=request.auth, result=result, **payload.dict())
    return Status(201, selectors.defect_get(user=request.auth, pk=defect.pk))


@router.post(
    "/quality/defects/{defect_id}/links",
    response={201: DefectOut, **WRITE_ERRORS},
    url_name="defect-link",
)
def defect_link(request, defect_id: Id, payload: DefectLinkIn):
    """Link the defect to a feedback item or a customer company."""
    defect = selectors.defect_get(user=request.auth, pk=defect_id)
    services.defect_link(actor=request.auth, defect=defect, **payload.dict())
    return Status(201, selectors.defect_get(user=request.auth, pk=defect_id))


# CI results -------------------------------------------------------------------------------


def _release_for_import(user, query) -> Release:
    """The release a report is for: by id, or by product and version; unknown is a 422."""
    refs = References()
    if query.release is not None:
        release = refs.get(
            Release.objects.select_related("product"), query.release, field="release"
        )
    elif query.product is not None and query.version:
        product = catalog_selectors.product_get(user=user, key=query.product)
        release = product.releases.select_related("product").filter(version=query.version).first()
        if release is None:
            refs.errors["version"] = _("%(product)s has no release %(version)s.") % {
                "product": product.name,
                "version": query.version,
            }
    else:
        refs.errors["release"] = _("Name the release: its id, or product and version.")
        release = None
    refs.check()
    return release


def _report_bytes(request) -> bytes:
    """The report: the multipart field ``file``, or the raw body (application/xml)."""
    limit = junit.MAX_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise DomainError(
            _("The report is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            field="file",
        )
    upload = request.FILES.get("file") if request.content_type.startswith("multipart/") else None
    if upload is not None:
        if upload.size > limit:
            raise DomainError(
                _("The report is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
                field="file",
            )
        return upload.read()
    return request.read(limit + 1)


@router.post(
    "/quality/junit",
    response={201: TestRunDetailOut, 202: JunitImportOut, **WRITE_ERRORS, 413: ERRORS[422]},
    url_name="junit-import",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/xml": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            }
        }
    },
)
def junit_import(request, query: Query[JunitQuery], response: HttpResponse):
    """Record a JUnit XML report (pytest, Maven Surefire, Jest…) as a run of a release:
    tests map to cases by automated-test id (``classname::name``), unknown ones are created in
    the "Automated" suite. All or nothing: a malformed or oversized report, an unknown
    release or a test outside the given run is a 422 naming the problem.

    A report larger than ``JUNIT_BACKGROUND_MB`` (2 MB, about 25,000 tests), or any with
    ``background=true``, is recorded by a background job instead: the answer is 202 with the
    job, whose ``url`` (also the ``Location`` header) tells its progress, then its run; the
    report's content is checked by the job, which fails saying why."""
    release = _release_for_import(request.auth, query)
    refs = References()
    run = refs.get(TestRun.objects.all(), query.run, field="run")
    refs.check()
    data = _report_bytes(request)
    fields = {"actor": request.auth, "release": release, "build": query.build, "run": run,
              "environment": query.environment, "name": query.name, "data": data}  # fmt: skip
    if query.background or len(data) > settings.JUNIT_BACKGROUND_BYTES:
        job = services.junit_job_create(**fields)
        response["Location"] = request.build_absolute_uri(
            reverse("api:junit-import-job", args=[job.pk])
        )
        return Status(202, job)
    run = services.junit_import(**fields)
    return Status(201, _run_detail(request.auth, run.pk))


@router.get(
    "/quality/junit/imports/{job_id}",
    response={200: JunitImportOut, **ERRORS},
    url_name="junit-import-job",
)
def junit_import_job(request, job_id: Id):
    """A report recorded in the background: queued, running (with how far it got), done (with
    its run) or failed (with the reasons, by field). For editors."""
    return selectors.junit_job_get(user=request.auth, pk=job_id)


@router.get(
    "/quality/products/{product}/failures",
    response={200: list[FailureOut], **ERRORS},
    url_name="failure-list",
)
@paginate(KeysetPagination, ordering=selectors.FAILURE_ORDER)
def failure_list(request, product: str, filters: Query[FailureFilter]):
    """The failed results of a product (id or slug) across all its runs, newest first, up to
    1,000 a call: send ``next`` back as ``after`` for older ones."""
    product_row = catalog_selectors.product_get(user=request.auth, key=product)
    return selectors.recent_failures(user=request.auth, product=product_row, build=filters.build)


@router.get("/quality/flaky", response={200: list[FlakyOut], **ERRORS}, url_name="flaky-list")
def flaky_list(request, product: str):
    """Tests of a product (id or slug) that flip between runs of one build or across builds."""
    product_row = catalog_selectors.product_get(user=request.auth, key=product)
    return selectors.flaky_tests(user=request.auth, product=product_row)


# Inspections ------------------------------------------------------------------------------


@router.get(
    "/quality/checklists", response={200: list[ChecklistOut], **ERRORS}, url_name="checklist-list"
)
def checklist_list(request):
    """The inspection checklists (accessibility, security, localisation, legal, performance…)."""
    return list(selectors.checklist_list(user=request.auth))


@router.get(
    "/quality/releases/{release_id}/inspections",
    response={200: list[InspectionOut], **ERRORS},
    url_name="release-inspections",
)
def release_inspections(request, release_id: Id):
    """Each checklist's inspection of the release: items checked and the sign-off."""
    release = catalog_selectors.release_get(user=request.auth, pk=release_id)
    rows = selectors.release_inspections(user=request.auth, release=release)
    return [inspection_out(row) for row in rows]


def _inspection(user, release, checklist, response: HttpResponse) -> dict:
    """The release's inspection of ``checklist`` (not started yet, maybe), with its ETag."""
    rows = selectors.release_inspections(user=user, release=release)
    row = next(r for r in rows if r.checklist.pk == checklist.pk)
    set_etag(response, row.inspection or services.inspection_unstarted(release, checklist))
    return inspection_out(row)


@router.get(
    "/quality/releases/{release_id}/inspections/{checklist_id}",
    response={200: InspectionOut, **ERRORS},
    url_name="inspection-detail",
)
def inspection_detail(request, release_id: Id, checklist_id: Id, response: HttpResponse):
    """One checklist's inspection of the release; its ETag is what a change sends back."""
    release = catalog_selectors.release_get(user=request.auth, pk=release_id)
    checklist = selectors.checklist_get(user=request.auth, pk=checklist_id)
    return _inspection(request.auth, release, checklist, response)


@router.put(
    "/quality/releases/{release_id}/inspections/{checklist_id}",
    response={200: InspectionOut, **EDIT_ERRORS},
    url_name="inspection-update",
)
def inspection_update(
    request,
    release_id: Id,
    checklist_id: Id,
    payload: InspectionIn,
    response: HttpResponse,
    if_match: IfMatch = None,
):
    """Start the inspection if needed, record the checked items and optionally sign it off
    (refused unless every item is checked and the caller belongs to the sign-off team). All or
    nothing: a stale ``If-Match`` (412) or a refused sign-off leaves the inspection as it was."""
    release = catalog_selectors.release_get(user=request.auth, pk=release_id)
    checklist = selectors.checklist_get(user=request.auth, pk=checklist_id)
    data = payload.dict(exclude_unset=True)
    with transaction.atomic():  # the inspection stays locked from the version check on
        inspection = services.inspection_start(
            actor=request.auth, release=release, checklist=checklist, if_version=if_match
        )
        if "checked" in data or "notes" in data:
            checked = data.get("checked")
            services.inspection_check(
                actor=request.auth,
                inspection=inspection,
                checked=checked if checked is not None else inspection.checked,
                **({"notes": data["notes"]} if "notes" in data else {}),
            )
        if payload.sign:
            services.inspection_sign(actor=request.auth, inspection=inspection)
    return _inspection(request.auth, release, checklist, response)


# The release-readiness gate ---------------------------------------------------------------


@router.get("/quality/products/{product}/gate", response={200: GateOut, **ERRORS}, url_name="gate")
def gate_detail(request, product: str, response: HttpResponse):
    """What the product's releases must meet before they ship (each release's live verdict is
    ``GET /releases/{id}/gate``); its ETag is what a change sends back as ``If-Match``."""
    product_row = catalog_selectors.product_get(user=request.auth, key=product)
    gate = selectors.gate_get(user=request.auth, product=product_row)
    set_etag(response, gate)
    return gate


@router.put(
    "/quality/products/{product}/gate", response={200: GateOut, **EDIT_ERRORS}, url_name="gate-set"
)
def gate_set(
    request, product: str, payload: GateIn, response: HttpResponse, if_match: IfMatch = None
):
    """Change the gate (administrators). Fields left out keep their value."""
    product_row = catalog_selectors.product_get(user=request.auth, key=product)
    data = payload.dict(exclude_unset=True)
    if "required_checklists" in data:
        data["required_checklists"] = data["required_checklists"] or []
    for flag in ("require_coverage", "require_all_executed"):
        if flag in data:
            data[flag] = bool(data[flag])
    if "blocking_severity" in data:
        data["blocking_severity"] = data["blocking_severity"] or ""
    gate = services.gate_update(
        actor=request.auth, product=product_row, if_version=if_match, **data
    )
    set_etag(response, gate)
    return gate
