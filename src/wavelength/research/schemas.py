"""Request and response bodies of the research API."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from wavelength.core.schemas import AwareDatetime, Id, InputSchema
from wavelength.feedback.models import Importance, Segment

from .models import Audience, QuestionKind, StudyMethod, StudyStatus, SurveyStatus


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
    release: int | None = Field(alias="release_id", description="Scheduled from this release.")
    follow_up_days: int | None
    follow_up_sent_at: dt.datetime | None
    status: str
    anonymous: bool
    closes_at: dt.datetime | None
    quota: int | None
    public_token: str = Field(description="The public link is /s/<public_token>/.")
    created_at: dt.datetime


class SurveyQuestionIn(InputSchema):
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


class SurveyQuestionPatch(InputSchema):
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


class SurveyQuestionOut(Schema):
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


# The research repository ------------------------------------------------------------------


class StudyIn(InputSchema):
    title: str = Field(max_length=200)
    goal: str = Field("", max_length=20_000, description="Markdown.")
    method: StudyMethod = StudyMethod.INTERVIEW
    status: StudyStatus = StudyStatus.PLANNED
    product: Id | None = None
    owner: Id | None = Field(None, description="A person's id; the creator when left out.")
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    participants: list[str] = Field(
        [], max_length=200, description="E-mail addresses; unknown ones become contacts."
    )


class StudyPatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    goal: str | None = Field(None, max_length=20_000)
    method: StudyMethod | None = None
    status: StudyStatus | None = None
    product: Id | None = None
    owner: Id | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    participants: list[str] | None = Field(None, max_length=200)


class ParticipantOut(Schema):
    id: int
    email: str
    name: str
    company: int | None = Field(alias="company_id")


class StudyOut(Schema):
    id: int
    title: str
    goal: str
    method: str
    status: str
    product: int | None = Field(alias="product_id")
    owner: int | None = Field(alias="owner_id")
    starts_on: dt.date | None
    ends_on: dt.date | None
    participants: list[ParticipantOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_participants(obj):
        return list(obj.participants.all())


class NoteIn(InputSchema):
    title: str = Field(max_length=200)
    body: str = Field(max_length=100_000, description="Markdown.")
    participant: str = Field("", max_length=254, description="The participant's e-mail address.")
    taken_on: dt.date | None = Field(None, description="Today when left out.")


class NotePatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=100_000)
    participant: str | None = Field(None, max_length=254, description='"" removes it.')
    taken_on: dt.date | None = None


class NoteOut(Schema):
    id: int
    study: int = Field(alias="study_id")
    title: str
    body: str
    participant: int | None = Field(alias="participant_id")
    taken_on: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime


class HighlightIn(InputSchema):
    quote: str = Field(max_length=1000, description="A passage of the note, as it reads.")
    tags: list[str] = Field([], max_length=20)
    features: list[Id] = Field([], max_length=20, description="Features to link it to.")
    importance: Importance = Importance.IMPORTANT


class HighlightLinkIn(InputSchema):
    feature: Id
    importance: Importance = Importance.IMPORTANT


class HighlightOut(Schema):
    id: int
    note: int = Field(alias="note_id")
    study: int
    quote: str
    tags: list[str]
    features: list[int]
    feedback: int | None = Field(alias="feedback_id", description="Its item in the inbox.")
    created_at: dt.datetime

    @staticmethod
    def resolve_study(obj):
        return obj.note.study_id

    @staticmethod
    def resolve_tags(obj):
        return sorted(t.name for t in obj.tags.all())

    @staticmethod
    def resolve_features(obj):
        return [link.feature_id for link in obj.feedback.links.all()] if obj.feedback_id else []


class HighlightFilter(InputSchema):
    tag: str = Field("", max_length=50)
    feature: Id | None = None
    study: Id | None = None


class PersonaIn(InputSchema):
    name: str = Field(max_length=120)
    description: str = Field("", max_length=20_000)
    segments: list[Segment] = Field([], max_length=10)
    companies: list[Id] = Field([], max_length=100)


class PersonaPatch(InputSchema):
    name: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=20_000)
    segments: list[Segment] | None = Field(None, max_length=10)
    companies: list[Id] | None = Field(None, max_length=100)


class PersonaOut(Schema):
    id: int
    name: str
    description: str
    segments: list[str]
    companies: list[int]

    @staticmethod
    def resolve_companies(obj):
        return sorted(c.pk for c in obj.companies.all())


class CompetitorIn(InputSchema):
    name: str = Field(max_length=120)
    website: str = Field("", max_length=200)
    notes: str = Field("", max_length=20_000)
    aliases: list[str] = Field([], max_length=20, description="Other names customers use.")


class CompetitorPatch(InputSchema):
    name: str | None = Field(None, max_length=120)
    website: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=20_000)
    aliases: list[str] | None = Field(None, max_length=20)


class CompetitorOut(Schema):
    id: int
    name: str
    website: str
    notes: str
    aliases: list[str]


class CompetitorMentionOut(Schema):
    id: int
    title: str = Field(alias="display_title")
    text: str
    source: str
    company: int | None = Field(alias="company_id")
    received_at: dt.datetime


class FollowUpIn(InputSchema):
    kind: Literal["csat", "nps", "ces"] = "csat"
    days: int = Field(14, ge=0, le=365)
