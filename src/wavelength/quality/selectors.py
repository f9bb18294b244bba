"""Reads of test management: permission-checked, in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from wavelength.accounts.permissions import require_member
from wavelength.catalog.models import Product

from .models import CaseVersion, Suite, TestCase


@dataclass
class CaseFilter:
    product: int | None = None
    suite: int | None = None
    tag: str | None = None
    feature: int | None = None
    priority: str | None = None
    automated: bool | None = None
    archived: bool = False
    q: str | None = None


@dataclass
class SuiteNode:
    suite: Suite
    depth: int
    case_count: int


def product_overview(*, user) -> QuerySet[Product]:
    """Products with how many suites and active cases each has."""
    require_member(user)
    return Product.objects.annotate(
        suite_count=Count("test_suites", distinct=True),
        case_count=Count("test_cases", filter=Q(test_cases__archived=False), distinct=True),
    ).order_by("name")


def suite_list(*, user, product: Product | None = None) -> QuerySet[Suite]:
    require_member(user)
    qs = Suite.objects.select_related("product", "parent")
    return qs.filter(product=product) if product is not None else qs


def suite_tree(*, user, product: Product) -> list[SuiteNode]:
    """``product``'s suites depth-first, each with its depth and active case count (one
    query: the tree is built in memory)."""
    suites = list(
        suite_list(user=user, product=product).annotate(
            case_count=Count("cases", filter=Q(cases__archived=False))
        )
    )
    children: dict[int | None, list[Suite]] = {}
    for suite in suites:
        children.setdefault(suite.parent_id, []).append(suite)
    out: list[SuiteNode] = []

    def walk(parent_id, depth):
        for suite in sorted(children.get(parent_id, []), key=lambda s: s.name.lower()):
            out.append(SuiteNode(suite=suite, depth=depth, case_count=suite.case_count))
            walk(suite.pk, depth + 1)

    walk(None, 0)
    return out


def suite_get(*, user, pk: int) -> Suite:
    require_member(user)
    return get_object_or_404(Suite.objects.select_related("product", "parent"), pk=pk)


def descendants(suite: Suite) -> list[int]:
    """The ids of ``suite`` and every suite under it (one query per call)."""
    pairs = list(Suite.objects.filter(product_id=suite.product_id).values_list("pk", "parent_id"))
    ids, frontier = {suite.pk}, {suite.pk}
    while frontier:
        frontier = {pk for pk, parent in pairs if parent in frontier} - ids
        ids |= frontier
    return sorted(ids)


def case_list(*, user, filters: CaseFilter | None = None) -> QuerySet[TestCase]:
    """Cases matching every filter, grouped by suite, with what a row shows prefetched."""
    require_member(user)
    f = filters or CaseFilter()
    qs = TestCase.objects.with_relations().filter(archived=f.archived)
    if f.product:
        qs = qs.filter(product_id=f.product)
    if f.suite:
        qs = qs.filter(suite_id__in=descendants(suite_get(user=user, pk=f.suite)))
    if f.tag:
        qs = qs.filter(tags__name=f.tag.strip().lower())
    if f.feature:
        qs = qs.filter(features__id=f.feature)
    if f.priority:
        qs = qs.filter(priority=f.priority)
    if f.automated is not None:
        qs = qs.exclude(automation_id="") if f.automated else qs.filter(automation_id="")
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(automation_id__icontains=f.q))
    return qs.distinct().order_by("suite__name", "title", "id")


def case_get(*, user, pk: int) -> TestCase:
    require_member(user)
    return get_object_or_404(TestCase.objects.with_relations(), pk=pk)


def case_versions(*, user, case: TestCase) -> QuerySet[CaseVersion]:
    require_member(user)
    return case.versions.select_related("author").order_by("-number")


def case_version_get(*, user, case: TestCase, number: int) -> CaseVersion:
    require_member(user)
    return get_object_or_404(case.versions.select_related("author"), number=number)


# Sections of the catalog's pages ------------------------------------------------------------


def feature_quality(*, user, feature) -> list[TestCase]:
    """The active cases covering ``feature``."""
    return list(case_list(user=user, filters=CaseFilter(feature=feature.pk))[:50])


def release_quality(*, user, release) -> list:
    return []
