"""Test management API: suites, cases and their versions.

Endpoints parse, resolve ids into rows (each unknown one is a 422 naming its field), then call
one service or selector; services check permissions and write in one transaction.
"""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.models import Feature
from wavelength.core.api import Pagination, References
from wavelength.core.schemas import ERRORS, Id

from . import selectors, services
from .models import Suite
from .schemas import (
    CaseFilter,
    CaseIn,
    CaseOut,
    CasePatch,
    CaseVersionOut,
    SuiteFilter,
    SuiteIn,
    SuiteOut,
    SuitePatch,
)

router = Router(tags=["quality"])
WRITE_ERRORS = {**ERRORS, 409: ERRORS[422]}


def _product_id(user, key) -> int | None:
    if key is None:
        return None
    return catalog_selectors.product_get(user=user, key=key).pk


# Suites -----------------------------------------------------------------------------------


@router.get("/quality/suites", response={200: list[SuiteOut], **ERRORS}, url_name="suite-list")
@paginate(Pagination)
def suite_list(request, filters: Query[SuiteFilter]):
    """Suites of every product (or one), by name."""
    product = None
    if filters.product is not None:
        product = catalog_selectors.product_get(user=request.auth, key=filters.product)
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


@router.patch(
    "/quality/suites/{suite_id}", response={200: SuiteOut, **WRITE_ERRORS}, url_name="suite-update"
)
def suite_update(request, suite_id: Id, payload: SuitePatch):
    suite = selectors.suite_get(user=request.auth, pk=suite_id)
    data = payload.dict(exclude_unset=True)
    refs = References()
    if "parent" in data:
        data["parent"] = refs.get(Suite.objects.all(), data["parent"], field="parent")
    refs.check()
    services.suite_update(actor=request.auth, suite=suite, **data)
    return selectors.suite_get(user=request.auth, pk=suite_id)


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
def case_detail(request, case_id: Id):
    return selectors.case_get(user=request.auth, pk=case_id)


@router.patch(
    "/quality/cases/{case_id}", response={200: CaseOut, **WRITE_ERRORS}, url_name="case-update"
)
def case_update(request, case_id: Id, payload: CasePatch):
    """Change the fields sent: a new version of the case when anything changed."""
    case = selectors.case_get(user=request.auth, pk=case_id)
    data = _case_refs(payload.dict(exclude_unset=True))
    services.case_update(actor=request.auth, case=case, **data)
    return selectors.case_get(user=request.auth, pk=case_id)


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
