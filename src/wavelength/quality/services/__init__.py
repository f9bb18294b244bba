"""Every write of test management: suites, cases, plans, runs, results, defects, inspections,
imports. One transaction each, with its activity row (under the product's scope)."""

from .cases import case_create, case_update, suite_create, suite_for_automation, suite_update
from .defects import (
    defect_create,
    defect_from_result,
    defect_link,
    defect_unlink,
    defect_update,
)
from .gate import gate_update
from .imports import junit_import, junit_job_create, junit_job_run
from .indexing import search_reindex
from .inspections import (
    checklist_create,
    checklist_update,
    inspection_check,
    inspection_reopen,
    inspection_sign,
    inspection_start,
)
from .inspections import unstarted as inspection_unstarted
from .runs import (
    EVIDENCE_MAX_BYTES,
    evidence_add,
    plan_create,
    plan_update,
    result_record,
    run_close,
    run_create,
)

__all__ = [
    "checklist_create",
    "checklist_update",
    "inspection_check",
    "inspection_reopen",
    "inspection_sign",
    "inspection_start",
    "inspection_unstarted",
    "gate_update",
    "junit_import",
    "junit_job_create",
    "junit_job_run",
    "defect_create",
    "defect_from_result",
    "defect_link",
    "defect_unlink",
    "defect_update",
    "EVIDENCE_MAX_BYTES",
    "evidence_add",
    "plan_create",
    "plan_update",
    "result_record",
    "run_close",
    "run_create",
    "search_reindex",
    "case_create",
    "case_update",
    "suite_create",
    "suite_for_automation",
    "suite_update",
]
