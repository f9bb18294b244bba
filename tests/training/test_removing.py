"""Removing a lesson, a quiz or a question, through the API and the pages: only the course's
managers may, a stale version is refused, learners already in the course keep their version
and new learners get one without what was removed."""

from django.urls import reverse

from tests.api.utils import bearer_client, nothing_written, post, url
from tests.conftest import client_for
from wavelength.core import versioning
from wavelength.core.models import Activity
from wavelength.training.models import Attempt, CourseVersion, Lesson, Question, Quiz

from .conftest import course_quiz_key

STALE = '"0000000000000000"'


def _latest(course):
    return course.versions.order_by("-number").first()


def test_the_owner_removes_a_question_and_new_learners_get_a_version_without_it(course, editor):
    quiz = course.quizzes.get(lesson=None)
    question = quiz.questions.order_by("position").first()
    api = bearer_client(editor)
    before = _latest(course)
    response = api.delete(
        url("quiz-question-delete", question.pk), HTTP_IF_MATCH=versioning.etag(question)
    )
    assert response.status_code == 204
    assert not Question.objects.filter(pk=question.pk).exists()
    after = _latest(course)
    assert after.number == before.number + 1
    texts = [q["text"] for q in after.quiz(course_quiz_key(after))["questions"]]
    assert question.text not in texts and len(texts) == quiz.questions.count()
    assert question.text in [q["text"] for q in before.quiz(course_quiz_key(before))["questions"]]
    assert Activity.objects.filter(verb="deleted", target_id=question.pk).exists()


def test_removing_a_quiz_keeps_the_attempts_already_made(course, editor, viewer):
    learner = bearer_client(viewer)
    assert post(learner, url("enrollment-start", course.pk)).status_code == 200
    key = course_quiz_key(course.versions.get())
    assert post(learner, url("attempt-start", course.pk, key)).status_code == 201
    quiz = course.quizzes.get(lesson=None)
    assert bearer_client(editor).delete(url("quiz-delete", quiz.pk)).status_code == 204
    assert not Quiz.objects.filter(pk=quiz.pk).exists()
    assert not Question.objects.filter(quiz_id=quiz.pk).exists()
    assert Attempt.objects.filter(enrollment__user=viewer).count() == 1
    assert _latest(course).content["quiz"] is None


def test_removing_a_lesson_takes_its_quiz_with_it(course, editor):
    lesson = Lesson.objects.get(course=course, kind="markdown")
    quiz_pk = lesson.quiz.pk
    response = bearer_client(editor).delete(url("lesson-delete", lesson.pk))
    assert response.status_code == 204
    assert not Lesson.objects.filter(pk=lesson.pk).exists()
    assert not Quiz.objects.filter(pk=quiz_pk).exists()
    assert "How to refund" not in [x["title"] for x in _latest(course).lessons()]


def test_a_stale_version_removes_nothing(course, editor):
    quiz = course.quizzes.get(lesson=None)
    question = quiz.questions.first()
    lesson = Lesson.objects.get(course=course, kind="markdown")
    api = bearer_client(editor)
    with nothing_written(Lesson, Quiz, Question, CourseVersion):
        for name, pk in [
            ("lesson-delete", lesson.pk),
            ("quiz-delete", quiz.pk),
            ("quiz-question-delete", question.pk),
        ]:
            assert api.delete(url(name, pk), HTTP_IF_MATCH=STALE).status_code == 412, name


def test_learners_and_outsiders_cannot_remove_anything(course, viewer, outsider, admin):
    quiz = course.quizzes.get(lesson=None)
    question = quiz.questions.first()
    lesson = Lesson.objects.get(course=course, kind="markdown")
    targets = [("lesson-delete", lesson.pk), ("quiz-delete", quiz.pk)]
    targets.append(("quiz-question-delete", question.pk))
    clients = {user: bearer_client(user) for user in (viewer, outsider, admin)}
    with nothing_written(Lesson, Quiz, Question, CourseVersion):
        for user in (viewer, outsider):
            api = clients[user]
            for name, pk in targets:
                # The learner reads the lesson (403 on removing it); the quiz and its
                # questions, with their answers, are not shown to them at all (404).
                assert api.delete(url(name, pk)).status_code in (403, 404), (user, name)
        for name, pk in targets:
            assert clients[admin].delete(url(name, 999_999)).status_code == 404, name
    assert clients[viewer].delete(url("lesson-delete", lesson.pk)).status_code == 403


def test_the_pages_remove_with_the_version_shown_and_refuse_a_stale_one(course, editor):
    client = client_for(editor)
    quiz = course.quizzes.get(lesson=None)
    question = quiz.questions.order_by("position").first()
    page = client.get(reverse("training:question-edit", args=[question.pk])).content.decode()
    assert reverse("training:question-delete", args=[question.pk]) in page
    assert "Delete the question" in page

    refused = client.post(
        reverse("training:question-delete", args=[question.pk]),
        {"edit_version": "0" * 16},
        follow=True,
    )
    assert "so it was not deleted" in refused.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()

    done = client.post(
        reverse("training:question-delete", args=[question.pk]),
        {"edit_version": versioning.version_of(question)},
    )
    assert done.status_code == 302 and done["Location"].endswith(
        reverse("training:quiz-edit", args=[quiz.pk])
    )
    assert not Question.objects.filter(pk=question.pk).exists()

    lesson = Lesson.objects.get(course=course, kind="markdown")
    done = client.post(reverse("training:lesson-delete", args=[lesson.pk]))
    assert done.status_code == 302 and not Lesson.objects.filter(pk=lesson.pk).exists()
    done = client.post(reverse("training:quiz-delete", args=[quiz.pk]))
    assert done.status_code == 302 and not Quiz.objects.filter(pk=quiz.pk).exists()


def test_a_learner_cannot_remove_from_the_pages(course, viewer):
    client = client_for(viewer)
    lesson = Lesson.objects.get(course=course, kind="markdown")
    assert client.post(reverse("training:lesson-delete", args=[lesson.pk])).status_code == 403
    quiz = course.quizzes.get(lesson=None)
    assert client.post(reverse("training:quiz-delete", args=[quiz.pk])).status_code == 404
    assert Lesson.objects.filter(pk=lesson.pk).exists() and Quiz.objects.filter(pk=quiz.pk).exists()
