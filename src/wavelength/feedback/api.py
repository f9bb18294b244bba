"""Feedback API: companies, contacts, themes, feedback (single and bulk), links and demand.

Endpoints parse, resolve ids into rows (each unknown one is a 422 naming its field), then
call one service or selector; services check permissions and write in one transaction.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from wavelength.accounts.models import User
from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.models import Feature
from wavelength.core.api import Pagination, References
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, Id, IfMatch, set_etag

from . import selectors, services, triage
from .models import Company, FeedbackMerge, Theme
from .schemas import (
    BulkIn,
    BulkOut,
    BulkUpdateIn,
    CompanyFilter,
    CompanyIn,
    CompanyMergeIn,
    CompanyMergeOut,
    CompanyOut,
    CompanyPatch,
    ContactFilter,
    ContactIn,
    ContactOut,
    DemandOut,
    FeedbackFilter,
    FeedbackIn,
    FeedbackOut,
    FeedbackPatch,
    LinkIn,
    LinkOut,
    MergeIn,
    MergeOut,
    SuggestionsOut,
    ThemeIn,
    ThemeOut,
)

router = Router()
WRITE_ERRORS = {**ERRORS, 409: ERRORS[422]}


def _resolve(data: dict, fields: dict[str, type], prefix: str = "") -> References:
    """Replace the ids in ``data`` (only those sent and not null) by rows."""
    refs = References()
    for name, model in fields.items():
        if data.get(name) is not None:
            data[name] = refs.get(model.objects.all(), data[name], field=prefix + name)
    return refs


# Companies --------------------------------------------------------------------------------


@router.get(
    "/companies",
    response={200: list[CompanyOut], **ERRORS},
    url_name="company-list",
    tags=["customers"],
)
@paginate(Pagination)
def company_list(request, filters: Query[CompanyFilter]):
    """Customer companies, highest annual recurring revenue first."""
    return selectors.company_list(
        user=request.auth, filters=selectors.CompanyFilter(**filters.dict())
    )


@router.post(
    "/companies",
    response={201: CompanyOut, **ERRORS},
    url_name="company-create",
    tags=["customers"],
)
def company_create(request, payload: CompanyIn):
    data = payload.dict()
    _resolve(data, {"owner": User}).check()
    data["segment"] = data["segment"] or ""
    company = services.company_create(actor=request.auth, **data)
    return Status(201, selectors.company_get(user=request.auth, pk=company.pk))


@router.get(
    "/companies/{company_id}",
    response={200: CompanyOut, **ERRORS},
    url_name="company-detail",
    tags=["customers"],
)
def company_detail(request, company_id: Id, response: HttpResponse):
    """One company; its ETag is what a change sends back as ``If-Match``."""
    company = selectors.company_get(user=request.auth, pk=company_id)
    set_etag(response, company)
    return company


@router.patch(
    "/companies/{company_id}",
    response={200: CompanyOut, **VERSIONED_ERRORS},
    url_name="company-update",
    tags=["customers"],
)
def company_update(
    request, company_id: Id, payload: CompanyPatch, response: HttpResponse, if_match: IfMatch = None
):
    company = selectors.company_get(user=request.auth, pk=company_id)
    data = payload.dict(exclude_unset=True)
    _resolve(data, {"owner": User}).check()
    if "segment" in data:
        data["segment"] = data["segment"] or ""
    services.company_update(actor=request.auth, company=company, if_version=if_match, **data)
    company = selectors.company_get(user=request.auth, pk=company_id)
    set_etag(response, company)
    return company


@router.post(
    "/companies/{company_id}/merge",
    response={201: CompanyMergeOut, **ERRORS},
    url_name="company-merge",
    tags=["customers"],
)
def company_merge(request, company_id: Id, payload: CompanyMergeIn):
    """Merge a duplicate company into this one: its contacts, feedback, votes, messages,
    follow-ups and domains move here. Undo with the merge's id."""
    target = selectors.company_get(user=request.auth, pk=company_id)
    source = selectors.company_get(user=request.auth, pk=payload.duplicate)
    merge = services.company_merge(actor=request.auth, target=target, source=source)
    return Status(201, merge)


@router.post(
    "/companies/merges/{merge_id}/undo",
    response={200: CompanyMergeOut, **ERRORS},
    url_name="company-merge-undo",
    tags=["customers"],
)
def company_merge_undo(request, merge_id: Id):
    """Put back exactly what the merge moved."""
    merge = selectors.company_merge_get(user=request.auth, pk=merge_id)
    return services.company_merge_undo(actor=request.auth, merge=merge)


# Contacts ---------------------------------------------------------------------------------


@router.get(
    "/contacts",
    response={200: list[ContactOut], **ERRORS},
    url_name="contact-list",
    tags=["customers"],
)
@paginate(Pagination)
def contact_list(request, filters: Query[ContactFilter]):
    refs = References()
    company = refs.get(Company.objects.all(), filters.company, field="company")
    refs.check()
    return selectors.contact_list(user=request.auth, company=company, q=filters.q)


@router.post(
    "/contacts",
    response={201: ContactOut, **ERRORS},
    url_name="contact-create",
    tags=["customers"],
)
def contact_create(request, payload: ContactIn):
    """Add a contact; without ``company`` the e-mail's domain finds or creates it."""
    data = payload.dict()
    _resolve(data, {"company": Company}).check()
    contact = services.contact_create(actor=request.auth, **data)
    return Status(201, selectors.contact_get(user=request.auth, pk=contact.pk))


@router.get(
    "/contacts/{contact_id}",
    response={200: ContactOut, **ERRORS},
    url_name="contact-detail",
    tags=["customers"],
)
def contact_detail(request, contact_id: Id):
    return selectors.contact_get(user=request.auth, pk=contact_id)


# Themes -----------------------------------------------------------------------------------


@router.get(
    "/themes", response={200: list[ThemeOut], **ERRORS}, url_name="theme-list", tags=["feedback"]
)
@paginate(Pagination)
def theme_list(request):
    return selectors.theme_list(user=request.auth)


@router.post(
    "/themes", response={201: ThemeOut, **ERRORS}, url_name="theme-create", tags=["feedback"]
)
def theme_create(request, payload: ThemeIn):
    return Status(201, services.theme_create(actor=request.auth, name=payload.name))


# Feedback ---------------------------------------------------------------------------------


def _feedback_data(payload: FeedbackIn) -> dict:
    data = payload.dict()
    for key in ("type", "sentiment"):
        data[key] = data[key] or ""
    return data


@router.get(
    "/feedback",
    response={200: list[FeedbackOut], **ERRORS},
    url_name="feedback-list",
    tags=["feedback"],
)
@paginate(Pagination)
def feedback_list(request, filters: Query[FeedbackFilter]):
    """Feedback matching every filter given, newest first."""
    return selectors.feedback_list(
        user=request.auth, filters=selectors.FeedbackFilter(**filters.dict())
    )


@router.post(
    "/feedback",
    response={201: FeedbackOut, **WRITE_ERRORS},
    url_name="feedback-create",
    tags=["feedback"],
)
def feedback_create(request, payload: FeedbackIn):
    """Record one item. A (source, external_id) already stored answers 409 and stores nothing."""
    data = _feedback_data(payload)
    _resolve(data, {"company": Company, "theme": Theme}).check()
    feedback = services.feedback_create(actor=request.auth, **data)
    return Status(201, selectors.feedback_get(user=request.auth, pk=feedback.pk))


@router.post(
    "/feedback/bulk",
    response={201: BulkOut, **ERRORS},
    url_name="feedback-bulk",
    tags=["feedback"],
)
def feedback_bulk(request, payload: BulkIn):
    """Record up to 1,000 items, all or none: errors name ``items.<index>.<field>``. Items
    whose external id is already stored are skipped and listed under ``skipped``."""
    items = [_feedback_data(item) for item in payload.items]
    result = services.feedback_bulk_create(actor=request.auth, items=items)
    return Status(201, {"created": [f.pk for f in result["created"]], "skipped": result["skipped"]})


@router.post(
    "/feedback/bulk-update",
    response={200: list[FeedbackOut], **ERRORS},
    url_name="feedback-bulk-update",
    tags=["feedback"],
)
def feedback_bulk_update(request, payload: BulkUpdateIn):
    """Set the ``type``, ``theme`` (id) or ``status`` of many items, ``archive`` them, or
    ``link`` them all to a feature (``value``, its id) with an ``importance``, in one go."""
    value = payload.value
    model = {"theme": Theme, "link": Feature}.get(payload.action)
    if model is not None and value is not None:
        refs = References()
        value = refs.get(model.objects.all(), value, field="value")
        refs.check()
    items = services.feedback_bulk_update(
        actor=request.auth,
        ids=payload.ids,
        action=payload.action,
        value=value,
        importance=payload.importance,
    )
    return list(selectors.feedback_list(user=request.auth).filter(pk__in=[i.pk for i in items]))


@router.get(
    "/feedback/{feedback_id}",
    response={200: FeedbackOut, **ERRORS},
    url_name="feedback-detail",
    tags=["feedback"],
)
def feedback_detail(request, feedback_id: Id, response: HttpResponse):
    """One item; its ETag is what a triage change sends back as ``If-Match``."""
    feedback = selectors.feedback_get(user=request.auth, pk=feedback_id)
    set_etag(response, feedback)
    return feedback


@router.get(
    "/feedback/{feedback_id}/suggestions",
    response={200: SuggestionsOut, **ERRORS},
    url_name="feedback-suggestions",
    tags=["feedback"],
)
def feedback_suggestions(request, feedback_id: Id):
    """Features this item may belong to and recent items that say nearly the same, each
    with a score in [0, 1], best first."""
    item = selectors.feedback_get(user=request.auth, pk=feedback_id)
    features = [
        {"id": s.feature.pk, "title": s.feature.title, "product": s.feature.product.name,
         "score": s.score}
        for s in triage.suggested_features(item)
    ]  # fmt: skip
    duplicates = [
        {"id": d.feedback.pk, "title": d.feedback.display_title,
         "company": d.feedback.company.name if d.feedback.company else None, "score": d.score}
        for d in triage.likely_duplicates(item)
    ]  # fmt: skip
    return {"features": features, "duplicates": duplicates}


@router.patch(
    "/feedback/{feedback_id}",
    response={200: FeedbackOut, **VERSIONED_ERRORS},
    url_name="feedback-update",
    tags=["feedback"],
)
def feedback_update(
    request,
    feedback_id: Id,
    payload: FeedbackPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
):
    """Triage: change the fields sent."""
    feedback = selectors.feedback_get(user=request.auth, pk=feedback_id)
    data = payload.dict(exclude_unset=True)
    _resolve(data, {"theme": Theme}).check()
    for key in ("type", "sentiment"):
        if key in data:
            data[key] = data[key] or ""
    services.feedback_update(actor=request.auth, feedback=feedback, if_version=if_match, **data)
    feedback = selectors.feedback_get(user=request.auth, pk=feedback_id)
    set_etag(response, feedback)
    return feedback


@router.post(
    "/feedback/{feedback_id}/links",
    response={201: LinkOut, **ERRORS},
    url_name="feedback-link",
    tags=["feedback"],
)
def feedback_link(request, feedback_id: Id, payload: LinkIn):
    """Link the item, or a quote of it, to a feature; the item's status becomes linked."""
    feedback = selectors.feedback_get(user=request.auth, pk=feedback_id)
    data = payload.dict()
    _resolve(data, {"feature": Feature}).check()
    link = services.feedback_link(actor=request.auth, feedback=feedback, **data)
    return Status(201, link)


@router.post(
    "/feedback/{feedback_id}/merge",
    response={201: MergeOut, **ERRORS},
    url_name="feedback-merge",
    tags=["feedback"],
)
def feedback_merge(request, feedback_id: Id, payload: MergeIn):
    """Merge a duplicate into this item: the duplicate leaves the inbox but keeps its voice
    in demand, this item gains a copy of its links. Undo with the merge's id."""
    survivor = selectors.feedback_get(user=request.auth, pk=feedback_id)
    duplicate = selectors.feedback_get(user=request.auth, pk=payload.duplicate)
    merge = services.feedback_merge(actor=request.auth, survivor=survivor, duplicate=duplicate)
    return Status(201, merge)


@router.post(
    "/feedback/merges/{merge_id}/undo",
    response={200: MergeOut, **ERRORS},
    url_name="feedback-merge-undo",
    tags=["feedback"],
)
def feedback_merge_undo(request, merge_id: Id):
    merge = get_object_or_404(FeedbackMerge, pk=merge_id)
    return services.feedback_merge_undo(actor=request.auth, merge=merge)


@router.delete(
    "/feedback/{feedback_id}/links/{link_id}",
    response={204: None, **ERRORS},
    url_name="feedback-unlink",
    tags=["feedback"],
)
def feedback_unlink(request, feedback_id: Id, link_id: Id):
    link = selectors.link_get(user=request.auth, pk=link_id)
    if link.feedback_id != feedback_id:
        raise Http404  # a link of another item
    services.feedback_unlink(actor=request.auth, link=link)
    return Status(204, None)


# Demand -----------------------------------------------------------------------------------


@router.get(
    "/features/{feature_id}/demand",
    response={200: DemandOut, **ERRORS},
    url_name="feature-demand",
    tags=["features"],
)
def feature_demand(request, feature_id: Id):
    """Feedback count, distinct companies, revenue-weighted demand, monthly trend, quotes."""
    feature = catalog_selectors.feature_get(user=request.auth, pk=feature_id)
    return selectors.feature_demand(user=request.auth, feature=feature)
