"""Building a survey: its settings, its questions and their logic."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError
from wavelength.feedback.services.checks import clean_text as _text

from ..models import CHOICE_KINDS, Question, QuestionKind, Survey, SurveyStatus

__all__ = [
    "question_add",
    "question_delete",
    "question_update",
    "survey_create",
    "survey_update",
    "valid_answers",
]

SURVEY_FIELDS = ("title", "title_fr", "intro", "intro_fr", "product", "feature", "release",
                 "follow_up_days", "status", "anonymous", "closes_at", "quota")  # fmt: skip
QUESTION_FIELDS = ("kind", "text", "text_fr", "follow_up", "follow_up_fr", "required",
                   "choices", "choices_fr", "scale_max", "show_if", "show_if_values")  # fmt: skip


def _scope(survey: Survey) -> str:
    return f"catalog.product:{survey.product_id}" if survey.product_id else "research"


def _clean_survey(values: dict) -> dict:
    values["title"] = _text(values.get("title"), "title", 200, required=True)
    values["title_fr"] = _text(values.get("title_fr"), "title_fr", 200)
    for name in ("intro", "intro_fr"):
        values[name] = _text(values.get(name), name, 5000)
    if values.get("status") not in SurveyStatus.values:
        raise DomainError(_("Unknown status."), field="status")
    if values.get("quota") is not None and values["quota"] < 1:
        raise DomainError(_("A quota is at least one response."), field="quota")
    days = values.get("follow_up_days")
    if days is not None and (values.get("feature") is None or not 0 <= days <= 365):
        raise DomainError(
            _("A follow-up is sent 0 to 365 days after its feature ships: choose the feature."),
            field="follow_up_days",
        )
    return values


@transaction.atomic
def survey_create(*, actor, title: str, **fields) -> Survey:
    """A new survey, a draft until it is opened."""
    require_editor(actor)
    values = {"title_fr": "", "intro": "", "intro_fr": "", "product": None, "feature": None,
              "release": None, "follow_up_days": None, "status": SurveyStatus.DRAFT,
              "anonymous": False, "closes_at": None, "quota": None, **fields,
              "title": title}  # fmt: skip
    unknown = set(values) - set(SURVEY_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])
    values = _clean_survey(values)
    if values["feature"] is not None and values["product"] is None:
        values["product"] = values["feature"].product
    survey = Survey.objects.create(**values, created_by=actor)
    activity.record(actor=actor, verb="created", target=survey, scope=_scope(survey),
                    snapshot=activity.snapshot(survey, Survey.TRACKED))  # fmt: skip
    return survey


@transaction.atomic
def survey_update(*, actor, survey: Survey, if_version: str | None = None, **changes) -> Survey:
    """Change a survey's settings (opening or closing it is a change of ``status``)."""
    require_editor(actor)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    versioning.check(survey, if_version)
    unknown = set(changes) - set(SURVEY_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])
    before = activity.snapshot(survey, Survey.TRACKED)
    values = _clean_survey({**{k: getattr(survey, k) for k in SURVEY_FIELDS}, **changes})
    if values["status"] == SurveyStatus.OPEN and not survey.questions.exists():
        raise DomainError(_("Add a question before opening the survey."), field="status")
    for name, value in values.items():
        setattr(survey, name, value)
    survey.updated_at = clock.now()
    survey.save()
    diff = activity.diff(before, activity.snapshot(survey, Survey.TRACKED))
    if diff:
        activity.record(actor=actor, verb="updated", target=survey, scope=_scope(survey),
                        changes=diff)  # fmt: skip
    return survey


# Questions ------------------------------------------------------------------------------


def valid_answers(question: Question) -> list[str]:
    """The answers a logic rule may name (as text): the scale's numbers or the choices."""
    if question.scale:
        low, high = question.scale
        return [str(n) for n in range(low, high + 1)]
    if question.kind in CHOICE_KINDS:
        return list(question.choices)
    return []


def _choices(values, field: str) -> list[str]:
    if not isinstance(values, list | tuple):
        raise DomainError(_("Give the choices as a list."), field=field)
    cleaned = [str(v).strip() for v in values if str(v).strip()]
    if len(cleaned) != len(set(cleaned)):
        raise DomainError(_("Each choice appears once."), field=field)
    if any(len(c) > 200 for c in cleaned):
        raise DomainError(_("A choice has at most 200 characters."), field=field)
    return cleaned


def _clean_question(survey: Survey, values: dict, position: int) -> dict:
    if values.get("kind") not in QuestionKind.values:
        raise DomainError(_("Unknown question type."), field="kind")
    values["text"] = _text(values.get("text"), "text", 300, required=True)
    for name in ("text_fr", "follow_up", "follow_up_fr"):
        values[name] = _text(values.get(name), name, 300)
    values["choices"] = _choices(values.get("choices") or [], "choices")
    values["choices_fr"] = _choices(values.get("choices_fr") or [], "choices_fr")
    if values["kind"] in CHOICE_KINDS:
        if len(values["choices"]) < 2:
            raise DomainError(_("Give at least two choices."), field="choices")
        if values["choices_fr"] and len(values["choices_fr"]) != len(values["choices"]):
            raise DomainError(_("Give as many French choices as English ones."),
                              field="choices_fr")  # fmt: skip
    else:
        values["choices"], values["choices_fr"] = [], []
    if values["kind"] == QuestionKind.RATING and not 2 <= int(values.get("scale_max") or 0) <= 10:
        raise DomainError(_("A rating goes up to 2 to 10."), field="scale_max")
    values["scale_max"] = int(values.get("scale_max") or 5)
    _check_rule(survey, values, position)
    return values


def _check_rule(survey: Survey, values: dict, position: int) -> None:
    """A question may depend only on an earlier question of the same survey: a rule that
    points forward (or at itself) could make a cycle, so it is refused."""
    earlier = values.get("show_if")
    if earlier is None:
        values["show_if_values"] = []
        return
    if earlier.survey_id != survey.pk:
        raise DomainError(_("Choose a question of this survey."), field="show_if")
    if earlier.position >= position:
        raise DomainError(
            _("A question can only depend on an earlier question: this rule would point "
              "forward or make a cycle."),
            field="show_if",
        )  # fmt: skip
    wanted = [str(v).strip() for v in values.get("show_if_values") or [] if str(v).strip()]
    allowed = valid_answers(earlier)
    wrong = [v for v in wanted if v not in allowed]
    if not wanted or wrong:
        message = _("Name answers of the earlier question: %(values)s.") % {
            "values": ", ".join(allowed) or "—"
        }
        raise DomainError(message, field="show_if_values")
    values["show_if_values"] = wanted


@transaction.atomic
def question_add(*, actor, survey: Survey, kind: str, text: str, **fields) -> Question:
    """Add a question at the end of the survey."""
    require_editor(actor)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    position = (survey.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    values = {"kind": kind, "text": text, **fields}
    unknown = set(values) - set(QUESTION_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])
    if kind == QuestionKind.NPS and not values.get("follow_up"):
        values["follow_up"] = "What is the main reason for your score?"
        values.setdefault("follow_up_fr", "Quelle est la principale raison de votre note ?")
    values = _clean_question(survey, values, position)
    question = Question.objects.create(survey=survey, position=position, **values)
    activity.record(actor=actor, verb="question_added", target=survey, scope=_scope(survey),
                    question=question.pk, text=question.text)  # fmt: skip
    return question


@transaction.atomic
def question_update(
    *, actor, question: Question, if_version: str | None = None, **changes
) -> Question:
    """Change a question; its logic rule is checked again."""
    require_editor(actor)
    question = Question.objects.select_for_update().select_related("survey").get(pk=question.pk)
    versioning.check(question, if_version)
    unknown = set(changes) - set(QUESTION_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])
    before = activity.snapshot(question, Question.TRACKED)
    current = {k: getattr(question, k) for k in QUESTION_FIELDS}
    values = _clean_question(question.survey, {**current, **changes}, question.position)
    if values["show_if"] is not None and values["show_if"].pk == question.pk:
        raise DomainError(_("A question cannot depend on itself."), field="show_if")
    for name, value in values.items():
        setattr(question, name, value)
    question.save()
    diff = activity.diff(before, activity.snapshot(question, Question.TRACKED))
    if diff:
        activity.record(actor=actor, verb="question_changed", target=question.survey,
                        scope=_scope(question.survey), question=question.pk,
                        changes=diff)  # fmt: skip
    return question


@transaction.atomic
def question_delete(*, actor, question: Question, if_version: str | None = None) -> None:
    """Remove a question no response answered yet; questions depending on it lose their rule."""
    require_editor(actor)
    question = Question.objects.select_for_update().select_related("survey").get(pk=question.pk)
    versioning.check(question, if_version)
    if question.answers.exists():
        raise DomainError(_("People answered this question: it can no longer be removed."))
    survey = question.survey
    question.dependents.update(show_if=None, show_if_values=[])
    activity.record(actor=actor, verb="question_removed", target=survey, scope=_scope(survey),
                    question=question.pk, text=question.text)  # fmt: skip
    question.delete()
