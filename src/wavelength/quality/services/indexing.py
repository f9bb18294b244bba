"""Test cases and defects in the global search (``core.search``).

A case is found by its title, its key (C123), its preconditions, the text of its steps and its
automated-test identifier; an archived case leaves the index. A defect is found by its title,
its key (D12), its steps to reproduce and its tracker key. Cases and defects are visible to
every signed-in person, like the quality pages, so their entries have no audience.
"""

import re

from django.db import transaction

from wavelength.core import search

from ..models import Defect, TestCase, pk_url

_WORD = re.compile(r"\w+")
CASE = "test_case"
DEFECT = "defect"


def case_entry(case: TestCase, url=None) -> dict:
    steps = " ".join(
        f"{step.get('action', '')} {step.get('expected', '')}".strip() for step in case.steps
    )
    parts = [case.key, case.preconditions, steps, case.automation_id]
    return {
        "kind": CASE,
        "object_id": case.pk,
        "title": case.title,
        "body": " ".join(p for p in parts if p),
        "url": url(case.pk) if url else case.get_absolute_url(),
    }


def defect_entry(defect: Defect, url=None) -> dict:
    # PostgreSQL's parser reads "ORB-481" as "orb" and the number -481, which the query "481"
    # misses: the key also goes in with its separators as spaces.
    spaced = " ".join(_WORD.findall(defect.external_key))
    parts = [defect.key, defect.external_key, spaced, defect.steps]
    return {
        "kind": DEFECT,
        "object_id": defect.pk,
        "title": defect.title,
        "body": " ".join(p for p in parts if p),
        "url": url(defect.pk) if url else defect.get_absolute_url(),
    }


def index_case(case: TestCase) -> None:
    """Refresh the case's entry; an archived case is taken out of the results."""
    if case.archived:
        search.remove(kind=CASE, object_id=case.pk)
    else:
        search.index(**case_entry(case))


def index_cases(cases: list[TestCase]) -> int:
    """Index many new or changed cases with bulk writes (the JUnit import)."""
    url = pk_url("quality:case-detail")
    return search.index_many(case_entry(c, url) for c in cases if not c.archived)


def index_defect(defect: Defect) -> None:
    search.index(**defect_entry(defect))


def search_reindex() -> dict[str, int]:
    """Rebuild the entries of active cases and of defects from their tables, in bulk; returns
    how many per kind. Found by ``wavelength reindex`` like every app's ``search_reindex``."""
    active = TestCase.objects.active()
    case_url, defect_url = pk_url("quality:case-detail"), pk_url("quality:defect-detail")
    with transaction.atomic():
        search.prune(kind=CASE, keep=active.values("pk"))
        search.prune(kind=DEFECT, keep=Defect.objects.values("pk"))
        cases = active.only("pk", "title", "preconditions", "steps", "automation_id", "archived")
        defects = Defect.objects.only("pk", "title", "steps", "external_key")
        return {
            CASE: search.index_many(
                case_entry(c, case_url) for c in cases.order_by("pk").iterator(chunk_size=2000)
            ),
            DEFECT: search.index_many(
                defect_entry(d, defect_url)
                for d in defects.order_by("pk").iterator(chunk_size=2000)
            ),
        }
