"""A published course for the training tests: a knowledge page lesson, a Markdown lesson
with its own quiz, and a course quiz; the learner is the viewer (a support agent)."""

import datetime as dt

import pytest

from wavelength.core import clock
from wavelength.knowledge import services as knowledge
from wavelength.knowledge.models import Space, SpaceVisibility
from wavelength.training import services

NOW = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def now():
    with clock.travel(NOW):
        yield NOW


@pytest.fixture
def page(now, editor):
    space = Space.objects.get(slug="procedures")
    page = knowledge.page_create(
        actor=editor, space=space, title="Refund policy", body="Refunds within **30 days**."
    )
    return knowledge.page_set_status(actor=editor, page=page, status="published")


@pytest.fixture
def secret_page(now, admin, editor, product_team):
    space = knowledge.space_create(
        actor=admin, name="Product secrets", visibility=SpaceVisibility.TEAMS, teams=[product_team]
    )
    page = knowledge.page_create(actor=editor, space=space, title="Pricing", body="Secret.")
    return knowledge.page_set_status(actor=editor, page=page, status="published")


def add_question(actor, quiz, text="Refunds within?", right="30 days", wrong=("7 days",)):
    choices = [(right, True)] + [(w, False) for w in wrong]
    return services.question_create(
        actor=actor,
        quiz=quiz,
        data=services.QuestionData(
            kind="single", text=text, choices=choices, explanation="See the policy."
        ),
    )


def make_course(actor, *, page=None, title="Refunds 101", publish=True, max_attempts=2):
    course = services.course_create(actor=actor, data=services.CourseData(title=title, owner=actor))
    if page is not None:
        services.lesson_create(
            actor=actor, course=course, data=services.LessonData(title="", kind="page", page=page)
        )
    lesson = services.lesson_create(
        actor=actor,
        course=course,
        data=services.LessonData(title="How to refund", kind="markdown", body="Click *Refund*."),
    )
    lesson_quiz = services.quiz_create(
        actor=actor, course=course, lesson=lesson, pass_mark=100, max_attempts=0
    )
    add_question(
        actor, lesson_quiz, text="Where is the button?", right="Orders", wrong=("Settings",)
    )
    quiz = services.quiz_create(actor=actor, course=course, pass_mark=50, max_attempts=max_attempts)
    add_question(actor, quiz)
    services.question_create(
        actor=actor,
        quiz=quiz,
        data=services.QuestionData(
            kind="true_false", text="Refunds need a manager.", true_is_correct=False
        ),
    )
    services.question_create(
        actor=actor,
        quiz=quiz,
        data=services.QuestionData(
            kind="multiple",
            text="Which are refundable?",
            choices=[("Annual plans", True), ("Monthly plans", True), ("Gift cards", False)],
        ),
    )
    if publish:
        return services.course_publish(actor=actor, course=course)
    return course


@pytest.fixture
def course(now, editor, page):
    return make_course(editor, page=page)


def right_answers(version, quiz_key) -> dict[str, list[int]]:
    quiz = version.quiz(quiz_key)
    return {
        str(q["id"]): [c["id"] for c in q["choices"] if c["correct"]] for q in quiz["questions"]
    }


def wrong_answers(version, quiz_key) -> dict[str, list[int]]:
    quiz = version.quiz(quiz_key)
    return {
        str(q["id"]): [c["id"] for c in q["choices"] if not c["correct"]][:1]
        for q in quiz["questions"]
    }


def lesson_quiz_key(version) -> int:
    return next(x["quiz"]["id"] for x in version.lessons() if x.get("quiz"))


def course_quiz_key(version) -> int:
    return version.content["quiz"]["id"]


def pass_course(learner, course):
    """Take the whole course: read the page lesson, pass both quizzes."""
    enrollment = services.enrollment_start(actor=learner, course=course)
    version = enrollment.version
    for lesson in version.lessons():
        if not lesson.get("quiz"):
            services.lesson_complete(actor=learner, enrollment=enrollment, lesson_key=lesson["id"])
    for key in (lesson_quiz_key(version), course_quiz_key(version)):
        attempt = services.attempt_start(actor=learner, enrollment=enrollment, quiz_key=key)
        services.attempt_submit(actor=learner, attempt=attempt, answers=right_answers(version, key))
    enrollment.refresh_from_db()
    return enrollment
