"""The research repository's endpoints: studies, notes, highlights and their links to
features, personas, competitors and their mentions in feedback. Every GET of an editable
object answers its ETag; a PATCH or DELETE with a stale If-Match answers 412."""

from django.http import HttpResponse
from ninja import Query, Status
from ninja.pagination import paginate

from wavelength.accounts.models import User
from wavelength.catalog.models import Feature, Product
from wavelength.core.api import Pagination, References
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, IfMatch, set_etag
from wavelength.feedback.models import Company

from .. import selectors, services
from ..schemas import (
    CompetitorIn,
    CompetitorMentionOut,
    CompetitorOut,
    CompetitorPatch,
    HighlightFilter,
    HighlightIn,
    HighlightLinkIn,
    HighlightOut,
    NoteIn,
    NoteOut,
    NotePatch,
    PersonaIn,
    PersonaOut,
    PersonaPatch,
    StudyIn,
    StudyOut,
    StudyPatch,
)
from . import router

# The research repository ------------------------------------------------------------------


def _study_values(request, values: dict) -> dict:
    refs = References()
    if values.get("product") is not None:
        values["product"] = refs.get(Product.objects.all(), values["product"], field="product")
    if values.get("owner") is not None:
        values["owner"] = refs.get(User.objects.filter(is_active=True), values["owner"],
                                   field="owner")  # fmt: skip
    refs.check()
    if values.get("participants") is not None:
        values["participants"] = services.contacts_for_emails(
            actor=request.auth, emails=values["participants"]
        )
    return values


@router.get("/research/studies", response={200: list[StudyOut], **ERRORS}, url_name="study-list")
@paginate(Pagination)
def study_list(request, status: str = "", method: str = ""):
    studies = selectors.study_list(user=request.auth, status=status, method=method)
    return studies.prefetch_related("participants")


@router.post("/research/studies", response={201: StudyOut, **ERRORS}, url_name="study-create")
def study_create(request, payload: StudyIn, response: HttpResponse):
    values = payload.dict()
    if values["owner"] is None:
        values.pop("owner")
    study = services.study_create(actor=request.auth, **_study_values(request, values))
    set_etag(response, study)
    return Status(201, study)


@router.get("/research/studies/{study_id}", response={200: StudyOut, **ERRORS},
            url_name="study-detail")  # fmt: skip
def study_detail(request, study_id: int, response: HttpResponse):
    study = selectors.study_get(user=request.auth, pk=study_id)
    set_etag(response, study)
    return study


@router.patch("/research/studies/{study_id}", response={200: StudyOut, **VERSIONED_ERRORS},
              url_name="study-update")  # fmt: skip
def study_update(
    request, study_id: int, payload: StudyPatch, response: HttpResponse, if_match: IfMatch = None
):
    study = selectors.study_get(user=request.auth, pk=study_id)
    values = _study_values(request, payload.dict(exclude_unset=True))
    services.study_update(actor=request.auth, study=study, if_version=if_match, **values)
    return study_detail(request, study_id, response)


@router.delete("/research/studies/{study_id}", response={204: None, **VERSIONED_ERRORS},
               url_name="study-delete")  # fmt: skip
def study_delete(request, study_id: int, if_match: IfMatch = None):
    """Only the study's owner or an administrator deletes it (403 otherwise)."""
    study = selectors.study_get(user=request.auth, pk=study_id)
    services.study_delete(actor=request.auth, study=study, if_version=if_match)
    return Status(204, None)


def _note_values(request, values: dict) -> dict:
    if "participant" in values:
        email = values.pop("participant") or ""
        found = services.contacts_for_emails(actor=request.auth, emails=[email],
                                             field="participant")  # fmt: skip
        values["participant"] = found[0] if found else None
    if "taken_on" in values and values["taken_on"] is None:
        values.pop("taken_on")
    return values


@router.get("/research/studies/{study_id}/notes", response={200: list[NoteOut], **ERRORS},
            url_name="note-list")  # fmt: skip
@paginate(Pagination)
def note_list(request, study_id: int):
    return selectors.notes_of(selectors.study_get(user=request.auth, pk=study_id))


@router.post("/research/studies/{study_id}/notes", response={201: NoteOut, **ERRORS},
             url_name="note-create")  # fmt: skip
def note_create(request, study_id: int, payload: NoteIn, response: HttpResponse):
    study = selectors.study_get(user=request.auth, pk=study_id)
    values = _note_values(request, payload.dict())
    note = services.note_create(actor=request.auth, study=study, **values)
    set_etag(response, note)
    return Status(201, note)


@router.get("/research/notes/{note_id}", response={200: NoteOut, **ERRORS},
            url_name="note-detail")  # fmt: skip
def note_detail(request, note_id: int, response: HttpResponse):
    note = selectors.note_get(user=request.auth, pk=note_id)
    set_etag(response, note)
    return note


@router.patch("/research/notes/{note_id}", response={200: NoteOut, **VERSIONED_ERRORS},
              url_name="note-update")  # fmt: skip
def note_update(
    request, note_id: int, payload: NotePatch, response: HttpResponse, if_match: IfMatch = None
):
    note = selectors.note_get(user=request.auth, pk=note_id)
    values = _note_values(request, payload.dict(exclude_unset=True))
    services.note_update(actor=request.auth, note=note, if_version=if_match, **values)
    return note_detail(request, note_id, response)


@router.delete("/research/notes/{note_id}", response={204: None, **VERSIONED_ERRORS},
               url_name="note-delete")  # fmt: skip
def note_delete(request, note_id: int, if_match: IfMatch = None):
    note = selectors.note_get(user=request.auth, pk=note_id)
    services.note_delete(actor=request.auth, note=note, if_version=if_match)
    return Status(204, None)


@router.get("/research/highlights", response={200: list[HighlightOut], **ERRORS},
            url_name="highlight-list")  # fmt: skip
@paginate(Pagination)
def highlight_list(request, filters: Query[HighlightFilter]):
    return selectors.highlight_list(user=request.auth, **filters.dict())


@router.post("/research/notes/{note_id}/highlights", response={201: HighlightOut, **ERRORS},
             url_name="highlight-create")  # fmt: skip
def highlight_create(request, note_id: int, payload: HighlightIn):
    """Keep a passage of the note; ``features`` links it at once (it then counts in their
    demand, through a feedback item of the "research" channel)."""
    note = selectors.note_get(user=request.auth, pk=note_id)
    values = payload.dict()
    refs = References()
    values["features"] = refs.get_many(Feature.objects.all(), values["features"], field="features")
    refs.check()
    highlight = services.highlight_create(actor=request.auth, note=note, **values)
    return Status(201, selectors.highlight_get(user=request.auth, pk=highlight.pk))


@router.get("/research/highlights/{highlight_id}", response={200: HighlightOut, **ERRORS},
            url_name="highlight-detail")  # fmt: skip
def highlight_detail(request, highlight_id: int):
    return selectors.highlight_get(user=request.auth, pk=highlight_id)


@router.delete("/research/highlights/{highlight_id}", response={204: None, **ERRORS},
               url_name="highlight-delete")  # fmt: skip
def highlight_delete(request, highlight_id: int):
    highlight = selectors.highlight_get(user=request.auth, pk=highlight_id)
    services.highlight_delete(actor=request.auth, highlight=highlight)
    return Status(204, None)


@router.post("/research/highlights/{highlight_id}/links", response={201: HighlightOut, **ERRORS},
             url_name="highlight-link")  # fmt: skip
def highlight_link(request, highlight_id: int, payload: HighlightLinkIn):
    highlight = selectors.highlight_get(user=request.auth, pk=highlight_id)
    refs = References()
    feature = refs.get(Feature.objects.all(), payload.feature, field="feature")
    refs.check()
    services.highlight_link(actor=request.auth, highlight=highlight, feature=feature,
                            importance=payload.importance)  # fmt: skip
    return Status(201, selectors.highlight_get(user=request.auth, pk=highlight_id))


@router.delete("/research/highlights/{highlight_id}/links/{feature_id}",
               response={204: None, **ERRORS}, url_name="highlight-unlink")  # fmt: skip
def highlight_unlink(request, highlight_id: int, feature_id: int):
    highlight = selectors.highlight_get(user=request.auth, pk=highlight_id)
    refs = References()
    feature = refs.get(Feature.objects.all(), feature_id, field="feature")
    refs.check()
    services.highlight_unlink(actor=request.auth, highlight=highlight, feature=feature)
    return Status(204, None)


def _persona_values(values: dict) -> dict:
    if values.get("companies") is not None:
        refs = References()
        values["companies"] = refs.get_many(Company.objects.all(), values["companies"],
                                            field="companies")  # fmt: skip
        refs.check()
    return values


@router.get("/research/personas", response={200: list[PersonaOut], **ERRORS},
            url_name="persona-list")  # fmt: skip
@paginate(Pagination)
def persona_list(request):
    return selectors.persona_list(user=request.auth).prefetch_related("companies")


@router.post("/research/personas", response={201: PersonaOut, **ERRORS},
             url_name="persona-create")  # fmt: skip
def persona_create(request, payload: PersonaIn, response: HttpResponse):
    persona = services.persona_create(actor=request.auth, **_persona_values(payload.dict()))
    set_etag(response, persona)
    return Status(201, persona)


@router.get("/research/personas/{persona_id}", response={200: PersonaOut, **ERRORS},
            url_name="persona-detail")  # fmt: skip
def persona_detail(request, persona_id: int, response: HttpResponse):
    persona = selectors.persona_get(user=request.auth, pk=persona_id)
    set_etag(response, persona)
    return persona


@router.patch("/research/personas/{persona_id}", response={200: PersonaOut, **VERSIONED_ERRORS},
              url_name="persona-update")  # fmt: skip
def persona_update(
    request, persona_id: int, payload: PersonaPatch, response: HttpResponse,
    if_match: IfMatch = None,
):  # fmt: skip
    persona = selectors.persona_get(user=request.auth, pk=persona_id)
    values = _persona_values(payload.dict(exclude_unset=True))
    services.persona_update(actor=request.auth, persona=persona, if_version=if_match, **values)
    return persona_detail(request, persona_id, response)


@router.delete("/research/personas/{persona_id}", response={204: None, **VERSIONED_ERRORS},
               url_name="persona-delete")  # fmt: skip
def persona_delete(request, persona_id: int, if_match: IfMatch = None):
    persona = selectors.persona_get(user=request.auth, pk=persona_id)
    services.persona_delete(actor=request.auth, persona=persona, if_version=if_match)
    return Status(204, None)


@router.get("/research/competitors", response={200: list[CompetitorOut], **ERRORS},
            url_name="competitor-list")  # fmt: skip
@paginate(Pagination)
def competitor_list(request):
    return selectors.competitor_list(user=request.auth)


@router.post("/research/competitors", response={201: CompetitorOut, **ERRORS},
             url_name="competitor-create")  # fmt: skip
def competitor_create(request, payload: CompetitorIn, response: HttpResponse):
    competitor = services.competitor_create(actor=request.auth, **payload.dict())
    set_etag(response, competitor)
    return Status(201, competitor)


@router.get("/research/competitors/{competitor_id}", response={200: CompetitorOut, **ERRORS},
            url_name="competitor-detail")  # fmt: skip
def competitor_detail(request, competitor_id: int, response: HttpResponse):
    competitor = selectors.competitor_get(user=request.auth, pk=competitor_id)
    set_etag(response, competitor)
    return competitor


@router.patch("/research/competitors/{competitor_id}",
              response={200: CompetitorOut, **VERSIONED_ERRORS},
              url_name="competitor-update")  # fmt: skip
def competitor_update(
    request, competitor_id: int, payload: CompetitorPatch, response: HttpResponse,
    if_match: IfMatch = None,
):  # fmt: skip
    competitor = selectors.competitor_get(user=request.auth, pk=competitor_id)
    services.competitor_update(actor=request.auth, competitor=competitor, if_version=if_match,
                               **payload.dict(exclude_unset=True))  # fmt: skip
    return competitor_detail(request, competitor_id, response)


@router.delete("/research/competitors/{competitor_id}", response={204: None, **VERSIONED_ERRORS},
               url_name="competitor-delete")  # fmt: skip
def competitor_delete(request, competitor_id: int, if_match: IfMatch = None):
    competitor = selectors.competitor_get(user=request.auth, pk=competitor_id)
    services.competitor_delete(actor=request.auth, competitor=competitor, if_version=if_match)
    return Status(204, None)


@router.get(
    "/research/competitors/{competitor_id}/mentions",
    response={200: list[CompetitorMentionOut], **ERRORS},
    url_name="competitor-mentions",
)
def competitor_mentions(request, competitor_id: int):
    """Feedback naming the competitor or one of its other names, newest first (at most 50)."""
    competitor = selectors.competitor_get(user=request.auth, pk=competitor_id)
    return selectors.competitor_mentions(user=request.auth, competitor=competitor)
