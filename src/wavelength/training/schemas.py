"""Request and response bodies of the training API. No schema a learner reads before
submitting carries which answer is right."""

import datetime as dt

from django.urls import reverse
from ninja import Field, Schema

from wavelength.core.schemas import Id, InputSchema, absolute_url


class CourseIn(InputSchema):
    title: str = Field(max_length=200)
    summary: str = ""
    owner: Id | None = Field(None, description="A person's id; the caller when omitted.")
    duration_minutes: int = Field(30, ge=1, le=6000)
    audience_teams: list[Id] = []
    audience_roles: list[str] = Field([], description='Roles: "admin", "editor", "viewer".')
    features: list[Id] = []
    releases: list[Id] = []


class CoursePatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    summary: str | None = None
    owner: Id | None = None
    duration_minutes: int | None = Field(None, ge=1, le=6000)
    audience_teams: list[Id] | None = None
    audience_roles: list[str] | None = None
    features: list[Id] | None = None
    releases: list[Id] | None = None


class CourseOut(Schema):
    id: int
    title: str
    summary: str
    owner: int = Field(alias="owner_id")
    duration_minutes: int
    status: str
    version: int = Field(description="The version new learners start on; 0 before publishing.")
    audience_teams: list[int]
    audience_roles: list[str]
    features: list[int]
    releases: list[int]

    @staticmethod
    def resolve_audience_teams(obj) -> list[int]:
        return [t.pk for t in obj.audience_teams.all()]

    @staticmethod
    def resolve_features(obj) -> list[int]:
        return [f.pk for f in obj.features.all()]

    @staticmethod
    def resolve_releases(obj) -> list[int]:
        return [r.pk for r in obj.releases.all()]


class LessonIn(InputSchema):
    title: str = Field("", max_length=200, description="A page lesson takes the page's title.")
    kind: str = Field(description='"page" (a knowledge page) or "markdown" (its own text).')
    page: Id | None = None
    body: str = ""
    features: list[Id] = []
    releases: list[Id] = []


class LessonPatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    kind: str | None = None
    page: Id | None = None
    body: str | None = None
    features: list[Id] | None = None
    releases: list[Id] | None = None


class LessonOut(Schema):
    id: int
    course: int = Field(alias="course_id")
    position: int
    title: str
    kind: str
    page: int | None = Field(alias="page_id")
    body: str
    features: list[int]
    releases: list[int]

    @staticmethod
    def resolve_features(obj) -> list[int]:
        return [f.pk for f in obj.features.all()]

    @staticmethod
    def resolve_releases(obj) -> list[int]:
        return [r.pk for r in obj.releases.all()]


class QuizIn(InputSchema):
    lesson: Id | None = Field(None, description="The lesson it ends; the course when omitted.")
    pass_mark: int = Field(80, ge=0, le=100)
    max_attempts: int = Field(3, ge=0, le=100, description="0: no limit.")


class QuizPatch(InputSchema):
    pass_mark: int | None = Field(None, ge=0, le=100)
    max_attempts: int | None = Field(None, ge=0, le=100)


class ChoiceOut(Schema):
    id: int
    text: str
    correct: bool


class QuestionOut(Schema):
    """A question as the course's owner edits it (with its correct answers)."""

    id: int
    quiz: int = Field(alias="quiz_id")
    kind: str
    text: str
    explanation: str
    choices: list[ChoiceOut]


class QuizOut(Schema):
    id: int
    course: int = Field(alias="course_id")
    lesson: int | None = Field(alias="lesson_id")
    pass_mark: int
    max_attempts: int
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj) -> list:
        return list(obj.questions.all())


class ChoiceIn(InputSchema):
    text: str = Field(max_length=500)
    correct: bool = False


class QuestionIn(InputSchema):
    kind: str = Field(description='"single", "multiple" or "true_false".')
    text: str
    explanation: str = ""
    choices: list[ChoiceIn] = Field([], description="For single and multiple choice.")
    true_is_correct: bool = Field(True, description="For true/false.")


class QuestionPatch(InputSchema):
    kind: str | None = None
    text: str | None = None
    explanation: str | None = None
    choices: list[ChoiceIn] | None = None
    true_is_correct: bool | None = None


class EnrollmentOut(Schema):
    id: int
    course: int = Field(alias="course_id")
    version: int = Field(description="The course version this learner takes.")
    steps_done: int
    steps_total: int
    percent: int
    started_at: dt.datetime
    passed_at: dt.datetime | None
    done: dict

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.version.number


class LearnerChoiceOut(Schema):
    id: int
    text: str
    correct: bool | None = Field(None, description="Only once the attempt is submitted.")
    chosen: bool | None = None


class LearnerQuestionOut(Schema):
    id: int
    kind: str
    text: str
    choices: list[LearnerChoiceOut]
    explanation: str | None = Field(None, description="Only once the attempt is submitted.")
    right: bool | None = None


class AttemptOut(Schema):
    id: int
    quiz: int
    number: int
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    score: int | None
    passed: bool | None
    attempts_left: int | None = Field(None, description="None: not limited.")
    questions: list[LearnerQuestionOut]


class AnswersIn(InputSchema):
    answers: dict[str, list[int]] = Field(
        description='{"question id": [answer ids]}; a question left out counts as wrong.'
    )


class CourseAssignIn(InputSchema):
    due_on: dt.date
    users: list[Id] = []
    teams: list[Id] = []
    roles: list[str] = []


class AssignmentOut(Schema):
    id: int
    course: int = Field(alias="course_id")
    course_title: str
    user: int = Field(alias="user_id")
    user_name: str
    due_on: dt.date
    completed_at: dt.datetime | None
    overdue: bool
    percent: int
    best_score: int | None = Field(None, description="To the learner, their manager, admins.")

    @staticmethod
    def resolve_course_title(obj) -> str:
        return obj.course.title

    @staticmethod
    def resolve_user_name(obj) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_percent(obj) -> int:
        from .selectors import percent

        return percent(obj)


class CountsOut(Schema):
    name: str | None
    total: int
    done: int
    overdue: int
    percent: int


class ReportOut(Schema):
    by_course: list[CountsOut]
    by_team: list[CountsOut]


class CertificationIn(InputSchema):
    name: str = Field(max_length=200)
    valid_days: int = Field(365, ge=1, le=3650)
    warn_days: int = Field(30, ge=0, le=3650)


class CertificationOut(Schema):
    id: int
    name: str
    course: int = Field(alias="course_id")
    valid_days: int
    warn_days: int


class GrantOut(Schema):
    certification: int = Field(alias="certification_id")
    user: int = Field(alias="user_id")
    granted_at: dt.datetime
    expires_at: dt.datetime


class PathIn(InputSchema):
    name: str = Field(max_length=200)
    description: str = ""
    courses: list[Id] = Field(description="In the order they are taken.")


class PathPatch(InputSchema):
    name: str | None = Field(None, max_length=200)
    description: str | None = None
    courses: list[Id] | None = None


class PathOut(Schema):
    id: int
    name: str
    description: str
    owner: int = Field(alias="owner_id")
    courses: list[int]

    @staticmethod
    def resolve_courses(obj) -> list[int]:
        return [s.course_id for s in obj.steps.order_by("position")]


class EnablementGateIn(InputSchema):
    min_percent: int | None = Field(None, ge=0, le=100, description="None: not in the gate.")
    teams: list[Id] = []
    owner: Id | None = Field(
        None,
        description="The enablement owner: enablement courses are drafted for them on their own.",
    )


class EnablementGateOut(Schema):
    product: int = Field(alias="product_id")
    min_percent: int | None
    teams: list[int]
    owner: int | None = Field(alias="owner_id")

    @staticmethod
    def resolve_teams(obj) -> list[int]:
        return [t.pk for t in obj.teams.all()] if obj.pk else []


class EnablementIn(InputSchema):
    release: Id | None = Field(None, description="The release to enable on (or a feature).")
    feature: Id | None = Field(None, description="The feature to enable on (or a release).")


class EnablementPatch(InputSchema):
    teams: list[Id] | None = None
    due_on: dt.date | None = None


class EnablementOut(Schema):
    id: int
    course: int = Field(alias="course_id")
    release: int | None = Field(alias="release_id")
    feature: int | None = Field(alias="feature_id")
    teams: list[int]
    due_on: dt.date | None
    assigned_at: dt.datetime | None

    @staticmethod
    def resolve_teams(obj) -> list[int]:
        return [t.pk for t in obj.teams.all()]


class WrongAnswerOut(Schema):
    text: str
    count: int


class QuestionStatsOut(Schema):
    question: int = Field(alias="question_id")
    text: str
    quiz: str
    answered: int
    right: int
    percent_right: int | None
    wrong_answers: list[WrongAnswerOut]


class CourseFileOut(Schema):
    id: int
    course: int = Field(alias="course_id")
    name: str = Field(description="The safe file name it is kept under.")
    size: int = Field(description="In bytes.")
    content_type: str
    is_image: bool = Field(description="Shown inline in a lesson (SVG excepted), else linked.")
    uploaded_by: int | None = Field(alias="uploaded_by_id")
    created_at: dt.datetime
    url: str = Field(description="The file's content through the API.")
    page_url: str = Field(description="The file as the lessons link it (the same permissions).")
    markdown: str = Field(description="What to write in a lesson to show or link the file.")

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute_url(context, reverse("api:course-file-download", args=[obj.pk]))

    @staticmethod
    def resolve_page_url(obj, context) -> str:
        return absolute_url(context, obj.get_absolute_url())

    @staticmethod
    def resolve_markdown(obj) -> str:
        from wavelength.knowledge.views import markdown_for

        return markdown_for(obj)
