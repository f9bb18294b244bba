"""Meetings API: series, occurrences, agenda items, decisions and action items.

Every GET of an editable object answers its ETag; a PATCH or DELETE with a stale If-Match
answers 412 and changes nothing. Permissions are the services' own.
"""

from typing import Literal

from django.http import HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate

from wavelength.accounts.models import Team, User
from wavelength.catalog.models import Feature, Product, Release
from wavelength.core.api import Pagination, References
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, IfMatch, set_etag
from wavelength.knowledge.models import Page

from . import selectors, services
from .schemas import (
    ActionIn,
    ActionOut,
    ActionPatch,
    AgendaItemIn,
    AgendaItemOut,
    AgendaItemPatch,
    DecisionIn,
    DecisionOut,
    DecisionPatch,
    OccurrenceOut,
    OccurrencePatch,
    SentOut,
    SeriesIn,
    SeriesOut,
    SeriesPatch,
)

router = Router(tags=["meetings"])
PEOPLE = User.objects.filter(is_active=True)


def _occurrence(request, occurrence_id: int):
    return selectors.occurrence_get(user=request.auth, pk=occurrence_id)


def _tagged(response: HttpResponse, obj):
    """An editable object as a GET answers it: with its version as the ETag."""
    set_etag(response, obj)
    return obj


def _many(refs: References, values: dict, name: str, queryset):
    if values.get(name) is None:
        return None
    return refs.get_many(queryset, values[name], field=name)


def _series_data(request, values: dict, series=None) -> services.SeriesData:
    refs = References()
    owner = refs.get(PEOPLE, values.get("owner"), field="owner") if values.get("owner") else None
    sets = {
        "attendees": _many(refs, values, "attendees", PEOPLE),
        "teams": _many(refs, values, "teams", Team.objects.all()),
        "products": _many(refs, values, "products", Product.objects.all()),
    }
    refs.check()
    base = {} if series is None else {
        k: getattr(series, k) for k in ("name", "purpose", "time_zone", "start_date",
                                        "start_time", "duration_minutes", "rrule", "agenda_parts")
    }  # fmt: skip
    scalars = {k: v for k, v in values.items() if k not in ("owner", *sets) and v is not None}
    owner = owner or (series.owner if series else request.auth)
    return services.SeriesData(**{**base, **scalars}, owner=owner, **sets)


@router.get("/meetings/series", response={200: list[SeriesOut], **ERRORS}, url_name="series-list")
@paginate(Pagination)
def series_list(request):
    return selectors.series_list(user=request.auth).prefetch_related("attendees", "teams")


@router.post("/meetings/series", response={201: SeriesOut, **ERRORS}, url_name="series-create")
def series_create(request, payload: SeriesIn, response: HttpResponse):
    series = services.series_create(actor=request.auth, data=_series_data(request, payload.dict()))
    set_etag(response, series)
    return Status(201, selectors.series_get(user=request.auth, pk=series.pk))


@router.get("/meetings/series/{series_id}", response={200: SeriesOut, **ERRORS},
            url_name="series-detail")  # fmt: skip
def series_detail(request, series_id: int, response: HttpResponse):
    return _tagged(response, selectors.series_get(user=request.auth, pk=series_id))


@router.patch("/meetings/series/{series_id}", response={200: SeriesOut, **VERSIONED_ERRORS},
              url_name="series-update")  # fmt: skip
def series_update(
    request, series_id: int, payload: SeriesPatch, response: HttpResponse, if_match: IfMatch = None
):
    series = selectors.series_get(user=request.auth, pk=series_id)
    data = _series_data(request, payload.dict(exclude_unset=True), series)
    services.series_update(actor=request.auth, series=series, data=data, if_version=if_match)
    return series_detail(request, series_id, response)


@router.get("/meetings/series/{series_id}/occurrences",
            response={200: list[OccurrenceOut], **ERRORS}, url_name="occurrence-list")  # fmt: skip
@paginate(Pagination)
def occurrence_list(request, series_id: int):
    series = selectors.series_get(user=request.auth, pk=series_id)
    services.occurrences_ensure(series=series)
    return selectors.occurrence_list(user=request.auth, series=series).prefetch_related("attended")


@router.get("/meetings/occurrences/{occurrence_id}", response={200: OccurrenceOut, **ERRORS},
            url_name="occurrence-detail")  # fmt: skip
def occurrence_detail(request, occurrence_id: int, response: HttpResponse):
    return _tagged(response, _occurrence(request, occurrence_id))


@router.patch("/meetings/occurrences/{occurrence_id}",
              response={200: OccurrenceOut, **VERSIONED_ERRORS},
              url_name="occurrence-update")  # fmt: skip
def occurrence_update(
    request, occurrence_id: int, payload: OccurrencePatch, response: HttpResponse,
    if_match: IfMatch = None,
):  # fmt: skip
    occurrence = _occurrence(request, occurrence_id)
    refs = References()
    values = payload.dict(exclude_unset=True)
    attended = _many(refs, values, "attended", PEOPLE)
    refs.check()
    services.occurrence_update(
        actor=request.auth,
        occurrence=occurrence,
        minutes=values["minutes"] if values.get("minutes") is not None else occurrence.minutes,
        attended=attended if attended is not None else list(occurrence.attended.all()),
        if_version=if_match,
    )
    return occurrence_detail(request, occurrence_id, response)


@router.post("/meetings/occurrences/{occurrence_id}/close",
             response={200: OccurrenceOut, **ERRORS}, url_name="occurrence-close")  # fmt: skip
def occurrence_close(request, occurrence_id: int, response: HttpResponse):
    """Close the meeting (only the series' owner changes it afterwards); the minutes, decisions
    and action items are sent to the attendees and the series' followers."""
    occurrence = _occurrence(request, occurrence_id)
    services.occurrence_close(actor=request.auth, occurrence=occurrence)
    return occurrence_detail(request, occurrence_id, response)


@router.post("/meetings/occurrences/{occurrence_id}/agenda",
             response={201: list[AgendaItemOut], **ERRORS}, url_name="agenda-generate")  # fmt: skip
def agenda_generate(request, occurrence_id: int):
    """Add to the agenda what live data says since the previous occurrence."""
    occurrence = _occurrence(request, occurrence_id)
    services.agenda_generate(actor=request.auth, occurrence=occurrence)
    return Status(201, selectors.agenda_items(user=request.auth, occurrence=occurrence))


SENDS = {"agenda": services.agenda_send, "minutes": services.minutes_send}


@router.post("/meetings/occurrences/{occurrence_id}/{what}/send",
             response={200: SentOut, **ERRORS}, url_name="occurrence-send")  # fmt: skip
def occurrence_send(request, occurrence_id: int, what: Literal["agenda", "minutes"]):
    """Send the agenda (or the minutes) to the attendees and the series' followers, each in
    their language and as they may read it; answers how many people were told."""
    occurrence = _occurrence(request, occurrence_id)
    return {"sent": SENDS[what](actor=request.auth, occurrence=occurrence)}


@router.get("/meetings/occurrences/{occurrence_id}/items",
            response={200: list[AgendaItemOut], **ERRORS}, url_name="item-list")  # fmt: skip
def item_list(request, occurrence_id: int):
    occurrence = _occurrence(request, occurrence_id)
    return selectors.agenda_items(user=request.auth, occurrence=occurrence)


@router.post("/meetings/occurrences/{occurrence_id}/items",
             response={201: AgendaItemOut, **ERRORS}, url_name="item-create")  # fmt: skip
def item_create(request, occurrence_id: int, payload: AgendaItemIn):
    occurrence = _occurrence(request, occurrence_id)
    item = services.agenda_item_add(actor=request.auth, occurrence=occurrence, **payload.dict())
    return Status(201, item)


@router.get("/meetings/items/{item_id}", response={200: AgendaItemOut, **ERRORS},
            url_name="item-detail")  # fmt: skip
def item_detail(request, item_id: int, response: HttpResponse):
    return _tagged(response, selectors.agenda_item_get(user=request.auth, pk=item_id))


@router.patch("/meetings/items/{item_id}", response={200: AgendaItemOut, **VERSIONED_ERRORS},
              url_name="item-update")  # fmt: skip
def item_update(
    request, item_id: int, payload: AgendaItemPatch, response: HttpResponse,
    if_match: IfMatch = None,
):  # fmt: skip
    item = selectors.agenda_item_get(user=request.auth, pk=item_id)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    move = values.pop("move", None)
    if values or not move:  # a bare If-Match is checked here too
        values = {"title": item.display_title, "note": item.display_note, **values}
        item = services.agenda_item_update(actor=request.auth, item=item, if_version=if_match,
                                           **values)  # fmt: skip
        if_match = None  # checked once
    if move:
        services.agenda_item_move(actor=request.auth, item=item, direction=move,
                                  if_version=if_match)  # fmt: skip
    return item_detail(request, item_id, response)


@router.delete("/meetings/items/{item_id}", response={204: None, **VERSIONED_ERRORS},
               url_name="item-delete")  # fmt: skip
def item_delete(request, item_id: int, if_match: IfMatch = None):
    item = selectors.agenda_item_get(user=request.auth, pk=item_id)
    services.agenda_item_remove(actor=request.auth, item=item, if_version=if_match)
    return Status(204, None)


def _decision_data(request, values: dict, decision=None) -> services.DecisionData:
    """The decision as sent, over what it was (a PATCH changes only the fields it sends)."""
    refs = References()
    decided_by = refs.get(PEOPLE, values.get("decided_by"), field="decided_by")
    links = {
        "features": _many(refs, values, "features", Feature.objects.all()),
        "releases": _many(refs, values, "releases", Release.objects.all()),
        # A page the caller may not read is as unknown as one that does not exist.
        "pages": _many(refs, values, "pages", Page.objects.visible_to(request.auth)),
    }
    refs.check()
    was = {} if decision is None else {
        "title": decision.title, "rationale": decision.rationale,
        "decided_by": decision.decided_by,
    }  # fmt: skip
    sent = {k: v for k, v in values.items() if k in ("title", "rationale") and v is not None}
    if "decided_by" in values:
        sent["decided_by"] = decided_by
    return services.DecisionData(**{**was, **sent}, **links)


@router.get("/meetings/occurrences/{occurrence_id}/decisions",
            response={200: list[DecisionOut], **ERRORS}, url_name="decision-list")  # fmt: skip
@paginate(Pagination)
def decision_list(request, occurrence_id: int):
    occurrence = _occurrence(request, occurrence_id)
    return selectors.decision_list(user=request.auth, occurrence=occurrence)


@router.post("/meetings/occurrences/{occurrence_id}/decisions",
             response={201: DecisionOut, **ERRORS}, url_name="decision-create")  # fmt: skip
def decision_create(request, occurrence_id: int, payload: DecisionIn):
    occurrence = _occurrence(request, occurrence_id)
    decision = services.decision_create(
        actor=request.auth, occurrence=occurrence, data=_decision_data(request, payload.dict())
    )
    return Status(201, selectors.decision_get(user=request.auth, pk=decision.pk))


@router.get("/meetings/decisions/{decision_id}", response={200: DecisionOut, **ERRORS},
            url_name="decision-detail")  # fmt: skip
def decision_detail(request, decision_id: int, response: HttpResponse):
    return _tagged(response, selectors.decision_get(user=request.auth, pk=decision_id))


@router.patch(
    "/meetings/decisions/{decision_id}",
    response={200: DecisionOut, **VERSIONED_ERRORS},
    url_name="decision-update",
)
def decision_update(
    request, decision_id: int, payload: DecisionPatch, response: HttpResponse,
    if_match: IfMatch = None,
):  # fmt: skip
    decision = selectors.decision_get(user=request.auth, pk=decision_id)
    data = _decision_data(request, payload.dict(exclude_unset=True), decision)
    services.decision_update(actor=request.auth, decision=decision, data=data, if_version=if_match)
    return decision_detail(request, decision_id, response)


def _action_refs(values: dict) -> dict:
    refs = References()
    out = dict(values)
    if "owner" in values:
        out["owner"] = refs.get(PEOPLE, values["owner"], field="owner")
    if "feature" in values:
        out["feature"] = refs.get(Feature.objects.all(), values["feature"], field="feature")
    if "release" in values:
        out["release"] = refs.get(Release.objects.all(), values["release"], field="release")
    refs.check()
    return out


@router.get("/meetings/actions", response={200: list[ActionOut], **ERRORS},
            url_name="action-list")  # fmt: skip
@paginate(Pagination)
def action_list(request, occurrence: int | None = None, mine: bool = False,
                open: bool = False):  # fmt: skip
    """Action items: of one occurrence, the caller's own (``mine``), the open ones."""
    found = None
    if occurrence is not None:
        found = selectors.occurrence_get(user=request.auth, pk=occurrence)
    return selectors.action_list(user=request.auth, occurrence=found,
                                 owner=request.auth if mine else None, open_only=open)  # fmt: skip


@router.post("/meetings/occurrences/{occurrence_id}/actions",
             response={201: ActionOut, **ERRORS}, url_name="action-create")  # fmt: skip
def action_create(request, occurrence_id: int, payload: ActionIn):
    occurrence = _occurrence(request, occurrence_id)
    action = services.action_create(
        actor=request.auth, occurrence=occurrence, **_action_refs(payload.dict())
    )
    return Status(201, action)


@router.get("/meetings/actions/{action_id}", response={200: ActionOut, **ERRORS},
            url_name="action-detail")  # fmt: skip
def action_detail(request, action_id: int, response: HttpResponse):
    return _tagged(response, selectors.action_get(user=request.auth, pk=action_id))


@router.patch("/meetings/actions/{action_id}", response={200: ActionOut, **VERSIONED_ERRORS},
              url_name="action-update")  # fmt: skip
def action_update(
    request, action_id: int, payload: ActionPatch, response: HttpResponse,
    if_match: IfMatch = None,
):  # fmt: skip
    action = selectors.action_get(user=request.auth, pk=action_id)
    values = _action_refs(payload.dict(exclude_unset=True))
    services.action_update(actor=request.auth, action=action, if_version=if_match, **values)
    return action_detail(request, action_id, response)
