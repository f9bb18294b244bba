"""The surveys' endpoints: surveys, their questions, e-mail distributions, reminders,
responses and results; the public submission endpoints (no account, rate-limited); the
follow-ups a release schedules.

Every GET of an editable object answers its ETag; a PATCH or DELETE with a stale If-Match
answers 412 and changes nothing. Permissions are the services' own.
"""

from django.http import HttpResponse
from ninja import Query, Status
from ninja.pagination import paginate

from wavelength.catalog.models import Feature, Product, Release
from wavelength.core.api import Pagination, References
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, IfMatch, set_etag

from .. import selectors, services
from ..guard import check_rate
from ..models import Question
from ..schemas import (
    DistributionIn,
    DistributionOut,
    FollowUpIn,
    ReceiptOut,
    RemindOut,
    ResponseIn,
    ResponseOut,
    ResultsFilter,
    ResultsOut,
    SurveyIn,
    SurveyOut,
    SurveyPatch,
    SurveyQuestionIn,
    SurveyQuestionOut,
    SurveyQuestionPatch,
)
from . import router


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


@router.get(
    "/research/surveys/{survey_id}/questions",
    response={200: list[SurveyQuestionOut], **ERRORS},
    url_name="survey-questions",
)
def question_list(request, survey_id: int):
    return selectors.questions_of(selectors.survey_get(user=request.auth, pk=survey_id))


def _question_values(survey, values: dict) -> dict:
    if values.get("show_if") is not None:
        refs = References()
        values["show_if"] = refs.get(Question.objects.filter(survey=survey), values["show_if"],
                                     field="show_if")  # fmt: skip
        refs.check()
    return values


@router.post("/research/surveys/{survey_id}/questions", response={201: SurveyQuestionOut, **ERRORS},
             url_name="question-create")  # fmt: skip
def question_create(request, survey_id: int, payload: SurveyQuestionIn, response: HttpResponse):
    survey = selectors.survey_get(user=request.auth, pk=survey_id)
    values = _question_values(survey, payload.dict())
    question = services.question_add(actor=request.auth, survey=survey, **values)
    set_etag(response, question)
    return Status(201, question)


@router.get("/research/questions/{question_id}", response={200: SurveyQuestionOut, **ERRORS},
            url_name="question-detail")  # fmt: skip
def question_detail(request, question_id: int, response: HttpResponse):
    question = selectors.question_get(user=request.auth, pk=question_id)
    set_etag(response, question)
    return question


@router.patch(
    "/research/questions/{question_id}",
    response={200: SurveyQuestionOut, **VERSIONED_ERRORS},
    url_name="question-update",
)
def question_update(
    request, question_id: int, payload: SurveyQuestionPatch, response: HttpResponse,
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
