"""Request and response bodies of the research API."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from wavelength.core.schemas import AwareDatetime, Id, InputSchema

from .models import Audience, QuestionKind, SurveyStatus


class SurveyIn(InputSchema):
    title: str = Field(max_length=200)
    title_fr: str = Field("", max_length=200)
    intro: str = Field("", max_length=5000)
    intro_fr: str = Field("", max_length=5000)
    product: Id | None = None
    feature: Id | None = Field(None, description="A survey about a feature measures its outcome.")
    follow_up_days: int | None = Field(
        None,
        ge=0,
        le=365,
        description="Sent this many days after the feature is generally available.",
    )
    status: SurveyStatus = SurveyStatus.DRAFT
    anonymous: bool = Field(False, description="Keep no contact, company or address with answers.")
    closes_at: AwareDatetime | None = None
    quota: int | None = Field(None, ge=1, le=10_000_000)


class SurveyPatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    title_fr: str | None = Field(None, max_length=200)
    intro: str | None = Field(None, max_length=5000)
    intro_fr: str | None = Field(None, max_length=5000)
    product: Id | None = None
    feature: Id | None = None
    follow_up_days: int | None = Field(None, ge=0, le=365)
    status: SurveyStatus | None = None
    anonymous: bool | None = None
    closes_at: AwareDatetime | None = None
    quota: int | None = Field(None, ge=1, le=10_000_000)


class SurveyOut(Schema):
    id: int
    title: str
    title_fr: str
    intro: str
    intro_fr: str
    product: int | None = Field(alias="product_id")
    feature: int | None = Field(alias="feature_id")
    follow_up_days: int | None
    follow_up_sent_at: dt.datetime | None
    status: str
    anonymous: bool
    closes_at: dt.datetime | None
    quota: int | None
    public_token: str = Field(description="The public link is /s/<public_token>/.")
    created_at: dt.datetime


class QuestionIn(InputSchema):
    kind: QuestionKind
    text: str = Field(max_length=300)
    text_fr: str = Field("", max_length=300)
    follow_up: str = Field("", max_length=300, description="An NPS question's follow-up.")
    follow_up_fr: str = Field("", max_length=300)
    required: bool = False
    choices: list[str] = Field([], max_length=50)
    choices_fr: list[str] = Field([], max_length=50)
    scale_max: int = Field(5, ge=2, le=10, description="A rating's highest point.")
    show_if: Id | None = Field(None, description="Shown only after this earlier question…")
    show_if_values: list[str] = Field([], description="…when its answer is one of these.")


class QuestionPatch(InputSchema):
    kind: QuestionKind | None = None
    text: str | None = Field(None, max_length=300)
    text_fr: str | None = Field(None, max_length=300)
    follow_up: str | None = Field(None, max_length=300)
    follow_up_fr: str | None = Field(None, max_length=300)
    required: bool | None = None
    choices: list[str] | None = Field(None, max_length=50)
    choices_fr: list[str] | None = Field(None, max_length=50)
    scale_max: int | None = Field(None, ge=2, le=10)
    show_if: Id | None = None
    show_if_values: list[str] | None = None


class QuestionOut(Schema):
    id: int
    survey: int = Field(alias="survey_id")
    position: int
    kind: str
    text: str
    text_fr: str
    follow_up: str
    follow_up_fr: str
    required: bool
    choices: list[str]
    choices_fr: list[str]
    scale_max: int
    show_if: int | None = Field(alias="show_if_id")
    show_if_values: list[str]


class DistributionIn(InputSchema):
    audience: Audience
    segments: list[str] = []
    plan: str = Field("", max_length=60)
    min_arr: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    max_arr: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    feature: Id | None = None
    emails: str = Field(
        "", max_length=500_000, description="CSV with an email column, or one address a line."
    )
    language: str = Field("en", pattern="^(en|fr)$")


class DistributionOut(Schema):
    id: int
    audience: str
    criteria: dict
    invited: int
    skipped: int
    created_at: dt.datetime


class RemindOut(Schema):
    due: int


class AnswerIn(InputSchema):
    question: int
    value: int | str | list[str] | None = None
    text: str = Field("", max_length=5000, description="An NPS answer's follow-up text.")


class ResponseIn(InputSchema):
    answers: list[AnswerIn] = Field(max_length=200)
    language: str = Field("", pattern="^(|en|fr)$")


class AnswerOut(Schema):
    question: int = Field(alias="question_id")
    number: int | None
    choices: list[str]
    text: str
    feedback: int | None = Field(alias="feedback_id")


class ResponseOut(Schema):
    id: int
    submitted_at: dt.datetime
    language: str
    segment: str
    score: int | None
    contact: str | None = None
    company: int | None = Field(None, alias="company_id")
    answers: list[AnswerOut]

    @staticmethod
    def resolve_contact(obj) -> str | None:
        return obj.contact.email if obj.contact else None

    @staticmethod
    def resolve_answers(obj):
        return list(obj.answers.all())


class ReceiptOut(Schema):
    id: int
    submitted_at: dt.datetime


class ResultsFilter(InputSchema):
    since: dt.date | None = None
    until: dt.date | None = None
    segment: str = ""
    language: str = ""


class NpsOut(Schema):
    n: int
    promoters: int
    passives: int
    detractors: int
    score: float | None
    margin: float | None = Field(description="Half-width of the 95 % confidence interval.")
    low: float | None
    high: float | None


class GroupOut(Schema):
    key: str
    n: int
    average: float | None
    nps: NpsOut | None = None


class CountOut(Schema):
    label: str
    count: int


class QuestionResultOut(Schema):
    question: int
    text: str
    kind: str
    answered: int
    counts: list[CountOut]


class ResultsOut(Schema):
    responses: int
    invited: int
    answered_invitations: int
    response_rate: float | None
    headline: str | None
    nps: NpsOut | None
    average: float | None
    satisfied: float | None
    distribution: dict[str, int]
    trend: list[GroupOut]
    segments: list[GroupOut]
    questions: list[QuestionResultOut]
