"""Every write of test management: suites, cases, plans, runs, results, defects, inspections,
imports. One transaction each, with its activity row (under the product's scope)."""

from .cases import case_create, case_update, suite_create, suite_for_automation, suite_update

__all__ = [
    "case_create",
    "case_update",
    "suite_create",
    "suite_for_automation",
    "suite_update",
]
