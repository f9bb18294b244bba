"""Research API: surveys, their questions, e-mail distributions, reminders, responses and
results; and the public submission endpoints (no account, rate-limited); the follow-ups a
release schedules; the research repository: studies, notes, highlights and their links to
features, personas, competitors and their mentions in feedback.

Every GET of an editable object answers its ETag; a PATCH or DELETE with a stale If-Match
answers 412 and changes nothing. Permissions are the services' own.
"""

from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from wavelength.accounts.models import User
from wavelength.catalog.models import Feature, Product, Release
from wavelength.core.api import Pagination, References
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, IfMatch, set_etag
from wavelength.feedback.models import Company

from . import selectors, services
from .guard import check_rate
from .models import Question
from .schemas import (
    CompetitorIn,
    CompetitorOut,
    CompetitorPatch,
    DistributionIn,
    DistributionOut,
    FollowUpIn,
    HighlightFilter,
    HighlightIn,
    HighlightLinkIn,
    HighlightOut,
    MentionOut,
    NoteIn,
    NoteOut,
    NotePatch,
    PersonaIn,
    PersonaOut,
    PersonaPatch,
    QuestionIn,
    QuestionOut,
    QuestionPatch,
    ReceiptOut,
    RemindOut,
    ResponseIn,
    ResponseOut,
    ResultsFilter,
    ResultsOut,
    StudyIn,
    StudyOut,
    StudyPatch,
    SurveyIn,
    SurveyOut,
    SurveyPatch,
)

router = Router(tags=["research"])


def _survey_values(values: dict) -> dict:
    refs = References()
    for name, queryset in (("product", Product.objects.all()), ("feature", Feature.objects.all())):
        if name in values:
            values[name] = refs.get(queryset, values[name], field=name)
    refs.check()
    return values


@router.get("/research/surveys", response={200: list[SurveyOut], **ERRORS}, url_name="survey-list")
@paginate(Pagination)
def survey_list(request, status: str = ""):
    return selectors.survey_list(user=request.auth, status=status)


@router.post("/research/surveys", response={201: SurveyOut, **ERRORS}, url_name="survey-create")
def survey_create(request, payload: SurveyIn, response: HttpResponse):
    values = _survey_values(payload.dict())
    survey = services.survey_create(actor=request.auth, **values)
    set_etag(response, survey)
    return Status(201, survey)


@router.get("/research/surveys/{survey_id}", response={200: SurveyOut, **ERRORS},
            url_name="survey-detail")  # fmt: skip
def survey_detail(request, survey_id: int, response: HttpResponse):
    survey = selectors.survey_get(user=request.auth, pk=survey_id)
    set_etag(response, survey)
    return survey


@router.patch("/research/surveys/{survey_id}", response={200: SurveyOut, **VERSIONED_ERRORS},
              url_name="survey-update")  # fmt: skip
def survey_update(
    request, survey_id: int, payload: SurveyPatch, response: HttpResponse, if_match: IfMatch = None
):
    survey = selectors.survey_get(user=request.auth, pk=survey_id)
    values = _survey_values(payload.dict(exclude_unset=True))
    services.survey_update(actor=request.auth, survey=survey, if_version=if_match, **values)
    return survey_detail(request, survey_id, response)


@router.get("/research/surveys/{survey_id}/questions", response={200: list[QuestionOut], **ERRORS},
            url_name="survey-questions")  # fmt: skip
def question_list(request, survey_id: int):
    return selectors.questions_of(selectors.survey_get(user=request.auth, pk=survey_id))


def _question_values(survey, values: dict) -> dict:
    if values.get("show_if") is not None:
        refs = References()
        values["show_if"] = refs.get(Question.objects.filter(survey=survey), values["show_if"],
                                     field="show_if")  # fmt: skip
        refs.check()
    return values


@router.post("/research/surveys/{survey_id}/questions", response={201: QuestionOut, **ERRORS},
             url_name="question-create")  # fmt: skip
def question_create(request, survey_id: int, payload: QuestionIn, response: HttpResponse):
    survey = selectors.survey_get(user=request.auth, pk=survey_id)
    values = _question_values(survey, payload.dict())
    question = services.question_add(actor=request.auth, survey=survey, **values)
    set_etag(response, question)
    return Status(201, question)


@router.get("/research/questions/{question_id}", response={200: QuestionOut, **ERRORS},
            url_name="question-detail")  # fmt: skip
def question_detail(request, question_id: int, response: HttpResponse):
    question = selectors.question_get(user=request.auth, pk=question_id)
    set_etag(response, question)
    return question


@router.patch("/research/questions/{question_id}", response={200: QuestionOut, **VERSIONED_ERRORS},
              url_name="question-update")  # fmt: skip
def question_update(
    request, question_id: int, payload: QuestionPatch, response: HttpResponse,
    if_match: IfMatch = None,
):  # fmt: skip
    question = selectors.question_get(user=request.auth, pk=question_id)
    values = _question_values(question.survey, payload.dict(exclude_unset=True))
    services.question_update(actor=request.auth, question=question, if_version=if_match,
                             **values)  # fmt: skip
    return question_detail(request, question_id, response)


@router.delete("/research/questions/{question_id}", response={204: None, **VERSIONED_ERRORS},
               url_name="question-delete")  # fmt: skip
def question_delete(request, question_id: int, if_match: IfMatch = None):
    question = selectors.question_get(user=request.auth, pk=question_id)
    services.question_delete(actor=request.auth, question=question, if_version=if_match)
    return Status(204, None)


@router.get("/research/surveys/{survey_id}/distributions",
            response={200: list[DistributionOut], **ERRORS},
            url_name="distribution-list")  # fmt: skip
def distribution_list(request, survey_id: int):
    return selectors.distributions_of(selectors.survey_get(user=request.auth, pk=survey_id))


@router.post("/research/surveys/{survey_id}/distributions",
             response={201: DistributionOut, **ERRORS}, url_name="distribution-create")  # fmt: skip
def distribution_create(request, survey_id: int, payload: DistributionIn):
    """Invite contacts by e-mail, each with a personal link. Unsubscribed contacts are left
    out; a list naming one is refused (422) and nobody is invited."""
    survey = selectors.survey_get(user=request.auth, pk=survey_id)
    values = payload.dict()
    if values["feature"] is not None:
        refs = References()
        values["feature"] = refs.get(Feature.objects.all(), values["feature"], field="feature")
        refs.check()
    distribution = services.distribution_create(actor=request.auth, survey=survey, **values)
    return Status(201, distribution)


@router.post("/research/surveys/{survey_id}/reminders", response={202: RemindOut, **ERRORS},
             url_name="survey-remind")  # fmt: skip
def survey_remind(request, survey_id: int):
    survey = selectors.survey_get(user=request.auth, pk=survey_id)
    return Status(202, {"due": services.survey_remind(actor=request.auth, survey=survey)})


def _filters(filters: ResultsFilter) -> selectors.Filters:
    return selectors.Filters(**filters.dict())


@router.get("/research/surveys/{survey_id}/results", response={200: ResultsOut, **ERRORS},
            url_name="survey-results")  # fmt: skip
def survey_results(request, survey_id: int, filters: Query[ResultsFilter]):
    survey = selectors.survey_get(user=request.auth, pk=survey_id)
    results = selectors.results(user=request.auth, survey=survey, filters=_filters(filters))
    return _results_body(results)


def _nps(nps):
    if nps is None:
        return None
    names = ("n", "promoters", "passives", "detractors", "score", "margin", "low", "high")
    return {name: getattr(nps, name) for name in names}


def _group(row: dict, key: str) -> dict:
    return {"key": key, "n": row["n"], "average": row["average"], "nps": _nps(row.get("nps"))}


def _results_body(results) -> dict:
    return {
        "responses": results.responses, "invited": results.invited,
        "answered_invitations": results.answered_invitations,
        "response_rate": results.response_rate,
        "headline": results.headline.kind if results.headline else None,
        "nps": _nps(results.nps), "average": results.average, "satisfied": results.satisfied,
        "distribution": results.distribution,
        "trend": [_group(r, r["month"].strftime("%Y-%m")) for r in results.trend],
        "segments": [_group(r, r["segment"]) for r in results.segments],
        "questions": [
            {"question": row["question"].pk, "text": row["question"].text,
             "kind": row["question"].kind, "answered": row["answered"],
             "counts": [{"label": label, "count": n} for label, n in row["counts"]]}
            for row in results.questions
        ],
    }  # fmt: skip


@router.get("/research/surveys/{survey_id}/responses", response={200: list[ResponseOut], **ERRORS},
            url_name="response-list")  # fmt: skip
@paginate(Pagination)
def response_list(request, survey_id: int, filters: Query[ResultsFilter]):
    survey = selectors.survey_get(user=request.auth, pk=survey_id)
    return selectors.response_list(user=request.auth, survey=survey, filters=_filters(filters))


# Public submission (no account) -----------------------------------------------------------


def _submit(request, survey, payload: ResponseIn, invitation=None):
    check_rate(request)
    answers = {}
    for answer in payload.answers:
        answers[answer.question] = {"value": answer.value, "text": answer.text}
    language = payload.language or (invitation.language if invitation else "")
    response = services.response_submit(survey=survey, answers=answers, invitation=invitation,
                                        language=language)  # fmt: skip
    return Status(201, response)


@router.post("/research/public/{token}/responses", auth=None, response={201: ReceiptOut, **ERRORS},
             url_name="public-response")  # fmt: skip
def public_response(request, token: str, payload: ResponseIn):
    """Answer a survey through its public link: no account, rate-limited per address (429).
    ``answers`` holds one ``{question, value, text}`` per answered question."""
    return _submit(request, selectors.public_survey(token), payload)


@router.post("/research/invitations/{token}/responses", auth=None,
             response={201: ReceiptOut, **ERRORS}, url_name="personal-response")  # fmt: skip
def personal_response(request, token: str, payload: ResponseIn):
    """Answer through a personal link: once (a second answer is a 409 and records nothing)."""
    invitation = selectors.invitation_for(token)
    return _submit(request, invitation.survey, payload, invitation)


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


@router.get("/research/competitors/{competitor_id}/mentions",
            response={200: list[MentionOut], **ERRORS}, url_name="competitor-mentions")  # fmt: skip
def competitor_mentions(request, competitor_id: int):
    """Feedback naming the competitor or one of its other names, newest first (at most 50)."""
    competitor = selectors.competitor_get(user=request.auth, pk=competitor_id)
    return selectors.competitor_mentions(user=request.auth, competitor=competitor)


@router.post("/research/releases/{release_id}/follow-ups",
             response={201: list[SurveyOut], **ERRORS}, url_name="release-follow-ups")  # fmt: skip
def release_follow_ups(request, release_id: int, payload: FollowUpIn):
    """Schedule a follow-up survey for each feature of the release that has none from it: sent
    by itself ``days`` after the release ships, to the customers who asked for the feature."""
    refs = References()
    release = refs.get(Release.objects.all(), release_id, field="release")
    refs.check()
    surveys = services.release_follow_ups_schedule(actor=request.auth, release=release,
                                                   **payload.dict())  # fmt: skip
    return Status(201, surveys)
