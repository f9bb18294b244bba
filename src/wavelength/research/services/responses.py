"""Answering a survey through its public link or a personal one. No account is involved;
the respondent's answers are checked question by question and a refusal records nothing."""

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.core import activity, clock
from wavelength.core.exceptions import Conflict, DomainError
from wavelength.feedback.models import Source
from wavelength.feedback.services import feedback_submit

from ..models import (
    CHOICE_KINDS,
    SCORED,
    TEXT_KINDS,
    Answer,
    Invitation,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
    month_of,
)

__all__ = ["is_shown", "response_submit", "survey_refusal"]

TEXT_LIMITS = {QuestionKind.SHORT_TEXT: 300, QuestionKind.LONG_TEXT: 5000}
REASON_LIMIT = 2000


def survey_refusal(survey: Survey) -> str:
    """Why the survey takes no response now ("" when it does)."""
    if survey.status == SurveyStatus.DRAFT:
        return _("This survey is not open yet.")
    if survey.status == SurveyStatus.CLOSED or (
        survey.closes_at is not None and survey.closes_at <= clock.now()
    ):
        return _("This survey is closed: thank you for your interest.")
    if survey.quota is not None and survey.responses.count() >= survey.quota:
        return _("This survey has all the responses it needs: thank you for your interest.")
    return ""


def is_shown(question: Question, given: dict[int, dict]) -> bool:
    """Whether the logic shows ``question`` after the answers ``given`` so far."""
    if question.show_if_id is None:
        return True
    earlier = given.get(question.show_if_id)
    if earlier is None:
        return False
    value = earlier["value"]
    values = value if isinstance(value, list) else [value]
    return bool({str(v) for v in values} & set(question.show_if_values))


def _int(value, field: str) -> int:
    if isinstance(value, bool):
        raise DomainError(_("Give a whole number."), field=field)
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(_("Give a whole number."), field=field) from None


def _check(question: Question, raw: dict, field: str) -> dict:
    """One answer, checked against its question; ``{"value": ..., "text": ...}``."""
    value, text = raw.get("value"), str(raw.get("text") or "").strip()
    if question.scale:
        low, high = question.scale
        value = _int(value, field)
        if not low <= value <= high:
            message = _("Give a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            raise DomainError(message, field=field)
        if len(text) > REASON_LIMIT:
            raise DomainError(_("At most %(n)d characters.") % {"n": REASON_LIMIT}, field=field)
        return {"value": value, "text": text if question.kind == QuestionKind.NPS else ""}
    if question.kind in CHOICE_KINDS:
        values = value if isinstance(value, list) else [value]
        values = [str(v) for v in values if v not in (None, "")]
        wrong = [v for v in values if v not in question.choices]
        if wrong or (question.kind == QuestionKind.SINGLE and len(values) > 1):
            raise DomainError(_("Choose among the question's choices."), field=field)
        return {"value": [c for c in question.choices if c in values], "text": ""}
    text = str(value if value is not None else "").strip()
    if len(text) > TEXT_LIMITS[question.kind]:
        message = _("At most %(n)d characters.") % {"n": TEXT_LIMITS[question.kind]}
        raise DomainError(message, field=field)
    return {"value": text, "text": text}


def _empty(raw: dict | None) -> bool:
    if raw is None:
        return True
    value = raw.get("value")
    return value in (None, "", []) and not str(raw.get("text") or "").strip()


def _checked_answers(questions: list[Question], answers: dict) -> dict[int, dict]:
    """Every answer checked, in the survey's order; answers to questions the logic hides are
    dropped, and a shown required question must be answered."""
    known = {q.pk for q in questions}
    unknown = [k for k in answers if k not in known]
    if unknown:
        message = _("This survey has no question %(id)s.") % {"id": unknown[0]}
        raise DomainError(message, field=f"answers.{unknown[0]}")
    given: dict[int, dict] = {}
    for question in questions:
        raw, field = answers.get(question.pk), f"answers.{question.pk}"
        if not is_shown(question, given):
            continue
        if _empty(raw):
            if question.required:
                raise DomainError(_("Please answer this question."), field=field)
            continue
        given[question.pk] = _check(question, raw, field)
    if not given:
        raise DomainError(_("Answer at least one question."), field="answers")
    return given


def _headline(questions: list[Question], given: dict[int, dict]) -> int | None:
    for question in questions:
        if question.kind in SCORED:
            return given.get(question.pk, {}).get("value")
    return None


def _claim_invitation(invitation: Invitation | None) -> Invitation | None:
    if invitation is None:
        return None
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.responded_at is not None:
        raise Conflict(_("This personal link has already been used to answer the survey."))
    return invitation


@transaction.atomic
def response_submit(
    *, survey: Survey, answers: dict, invitation: Invitation | None = None, language: str = ""
) -> Response:
    """Record one response. ``answers`` maps question ids to ``{"value", "text"}`` (an NPS
    answer's ``text`` is the follow-up's). A closed survey, a used personal link or a bad
    answer is refused and nothing is recorded. Open-text answers become feedback items of the
    "survey" channel, with the survey and the score in their title."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    refusal = survey_refusal(survey)
    if refusal:
        raise Conflict(refusal)
    invitation = _claim_invitation(invitation)
    questions = list(survey.questions.order_by("position"))
    given = _checked_answers(questions, answers)
    now = clock.now()
    contact = None if survey.anonymous or invitation is None else invitation.contact
    company = contact.company if contact else None
    response = Response.objects.create(
        survey=survey,
        invitation=None if survey.anonymous else invitation,
        contact=contact,
        company=company,
        segment=company.segment if company else "",
        language=(language or "")[:8],
        score=_headline(questions, given),
        submitted_at=now,
        month=month_of(now),
    )
    if invitation is not None:
        invitation.responded_at = now
        invitation.save(update_fields=["responded_at"])
    by_id = {q.pk: q for q in questions}
    for pk, answer in given.items():
        _record_answer(response, by_id[pk], answer)
    activity.record(actor=None, verb="responded", target=survey, scope="research",
                    response=response.pk, score=response.score)  # fmt: skip
    return response


def _record_answer(response: Response, question: Question, answer: dict) -> Answer:
    value = answer["value"]
    row = Answer.objects.create(
        response=response,
        question=question,
        number=value if question.scale else None,
        choices=value if question.kind in CHOICE_KINDS else [],
        text=answer["text"],
    )
    if row.text and (question.kind in TEXT_KINDS or question.kind == QuestionKind.NPS):
        row.feedback = _to_inbox(response, question, row)
        row.save(update_fields=["feedback"])
    return row


def _to_inbox(response: Response, question: Question, answer: Answer):
    survey = response.survey
    title = survey.title
    if response.score is not None:
        kind = next(q.kind for q in survey.questions.all() if q.kind in SCORED)
        title = f"{survey.title} · {kind.upper()} {response.score}"
    return feedback_submit(
        contact=response.contact,
        title=title[:200],
        text=answer.text,
        source=Source.SURVEY,
        via="survey",
        external_id=f"survey:{survey.pk}:answer:{answer.pk}",
        received_at=response.submitted_at,
        language=response.language,
    )
