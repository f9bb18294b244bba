import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import UserFactory
from wavelength.accounts.models import Membership, Role
from wavelength.core import clock
from wavelength.core.exceptions import Conflict, DomainError
from wavelength.core.models import Notification
from wavelength.knowledge import services as knowledge
from wavelength.training import services
from wavelength.training.models import Assignment, Attempt, CourseStatus, Enrollment

from .conftest import (
    add_question,
    course_quiz_key,
    lesson_quiz_key,
    make_course,
    pass_course,
    right_answers,
    wrong_answers,
)


def test_viewer_cannot_create_a_course(now, viewer):
    with pytest.raises(PermissionDenied):
        services.course_create(actor=viewer, data=services.CourseData(title="x", owner=viewer))


def test_only_the_owner_changes_a_course(now, outsider, course):
    data = services.CourseData(title="Mine now", owner=outsider)
    with pytest.raises(PermissionDenied):
        services.course_update(actor=outsider, course=course, data=data)


def test_publishing_freezes_a_version_with_the_page_lesson(course, page):
    assert course.status == CourseStatus.PUBLISHED and course.version == 1
    lessons = course.versions.get().lessons()
    assert [x["kind"] for x in lessons] == ["page", "markdown"]
    assert lessons[0]["title"] == "Refund policy" and lessons[0]["page"] == page.pk


def test_a_course_without_lessons_or_with_an_empty_quiz_is_not_published(now, editor):
    empty = services.course_create(actor=editor, data=services.CourseData(title="E", owner=editor))
    with pytest.raises(DomainError):
        services.course_publish(actor=editor, course=empty)
    services.lesson_create(
        actor=editor,
        course=empty,
        data=services.LessonData(title="One", kind="markdown", body="Text."),
    )
    services.quiz_create(actor=editor, course=empty)
    with pytest.raises(DomainError) as err:
        services.course_publish(actor=editor, course=empty)
    assert "question" in err.value.message


def test_a_single_choice_question_needs_exactly_one_right_answer(now, editor):
    course = make_course(editor, publish=False)
    quiz = course.quizzes.get(lesson=None)
    with pytest.raises(DomainError) as err:
        services.question_create(
            actor=editor,
            quiz=quiz,
            data=services.QuestionData(kind="single", text="?", choices=[("a", True), ("b", True)]),
        )
    assert "choices" in err.value.errors


def test_editing_a_published_course_makes_a_version_and_learners_keep_theirs(
    course, editor, viewer
):
    enrollment = services.enrollment_start(actor=viewer, course=course)
    lesson = course.lessons.get(kind="markdown")
    services.lesson_update(
        actor=editor,
        lesson=lesson,
        data=services.LessonData(title="How to refund, new", kind="markdown", body="New text."),
    )
    course.refresh_from_db()
    assert course.version == 2
    enrollment.refresh_from_db()
    assert enrollment.version.number == 1
    assert services.course_restart(actor=editor, course=course) == 1
    enrollment.refresh_from_db()
    assert enrollment.version.number == 2 and enrollment.cycle == 2
    assert Notification.objects.filter(recipient=viewer, verb="course_restarted").exists()


def test_a_page_lesson_records_the_published_version_read(course, viewer, editor, page):
    enrollment = services.enrollment_start(actor=viewer, course=course)
    key = enrollment.version.lessons()[0]["id"]
    knowledge.page_update(
        actor=editor,
        page=page,
        title=page.title,
        body="Refunds within 14 days.",
        base_version=page.version,
    )
    enrollment = services.lesson_complete(actor=viewer, enrollment=enrollment, lesson_key=key)
    assert enrollment.done[str(key)]["page_version"] == 2
    assert enrollment.steps_done == 1 and enrollment.steps_total == 3


def test_a_lesson_with_a_quiz_completes_by_passing_it(course, viewer):
    enrollment = services.enrollment_start(actor=viewer, course=course)
    key = enrollment.version.lessons()[1]["id"]
    with pytest.raises(DomainError):
        services.lesson_complete(actor=viewer, enrollment=enrollment, lesson_key=key)


def test_fail_then_pass_keeps_every_score(course, viewer):
    enrollment = services.enrollment_start(actor=viewer, course=course)
    version, key = enrollment.version, course_quiz_key(enrollment.version)
    first = services.attempt_start(actor=viewer, enrollment=enrollment, quiz_key=key)
    services.attempt_submit(actor=viewer, attempt=first, answers=wrong_answers(version, key))
    second = services.attempt_start(actor=viewer, enrollment=enrollment, quiz_key=key)
    services.attempt_submit(actor=viewer, attempt=second, answers=right_answers(version, key))
    scores = list(Attempt.objects.order_by("number").values_list("score", "passed"))
    assert scores == [(0, False), (100, True)]


def test_an_answer_to_a_question_not_in_the_attempt_records_nothing(course, viewer):
    enrollment = services.enrollment_start(actor=viewer, course=course)
    key = course_quiz_key(enrollment.version)
    attempt = services.attempt_start(actor=viewer, enrollment=enrollment, quiz_key=key)
    other = lesson_quiz_key(enrollment.version)
    foreign = enrollment.version.quiz(other)["questions"][0]["id"]
    with pytest.raises(DomainError) as err:
        services.attempt_submit(actor=viewer, attempt=attempt, answers={str(foreign): [1]})
    assert "answers" in err.value.errors
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.score is None


def test_a_second_submission_is_refused(course, viewer):
    enrollment = services.enrollment_start(actor=viewer, course=course)
    key = course_quiz_key(enrollment.version)
    attempt = services.attempt_start(actor=viewer, enrollment=enrollment, quiz_key=key)
    services.attempt_submit(actor=viewer, attempt=attempt, answers={})
    with pytest.raises(Conflict):
        services.attempt_submit(
            actor=viewer, attempt=attempt, answers=right_answers(enrollment.version, key)
        )
    attempt.refresh_from_db()
    assert attempt.score == 0


def test_no_attempt_after_the_limit(course, viewer):
    enrollment = services.enrollment_start(actor=viewer, course=course)
    key = course_quiz_key(enrollment.version)
    for _ in range(2):
        attempt = services.attempt_start(actor=viewer, enrollment=enrollment, quiz_key=key)
        services.attempt_submit(actor=viewer, attempt=attempt, answers={})
    with pytest.raises(Conflict):
        services.attempt_start(actor=viewer, enrollment=enrollment, quiz_key=key)
    assert Attempt.objects.count() == 2


def test_nobody_submits_for_someone_else(course, viewer, editor):
    enrollment = services.enrollment_start(actor=viewer, course=course)
    key = course_quiz_key(enrollment.version)
    attempt = services.attempt_start(actor=viewer, enrollment=enrollment, quiz_key=key)
    with pytest.raises(PermissionDenied):
        services.attempt_submit(actor=editor, attempt=attempt, answers={})


def test_passing_completes_the_assignment(course, editor, viewer):
    services.assignment_create(
        actor=editor, course=course, due_on=dt.date(2026, 5, 20), users=[viewer]
    )
    enrollment = pass_course(viewer, course)
    assert enrollment.passed_at is not None and enrollment.percent == 100
    assert Assignment.objects.get(user=viewer).completed_at is not None


def test_assigning_to_a_team_and_a_role(course, editor, viewer, product_team, outsider):
    rows = services.assignment_create(
        actor=editor,
        course=course,
        due_on=dt.date(2026, 6, 1),
        teams=[product_team],
        roles=[Role.EDITOR],
    )
    assert {r.user for r in rows} == {editor, viewer, outsider}
    assert Notification.objects.filter(recipient=viewer, verb="course_assigned").exists()


def test_a_due_date_in_the_past_is_refused(course, editor, viewer):
    with pytest.raises(DomainError) as err:
        services.assignment_create(
            actor=editor, course=course, due_on=dt.date(2026, 5, 3), users=[viewer]
        )
    assert "due_on" in err.value.errors and not Assignment.objects.exists()


def test_someone_who_cannot_read_the_pages_is_refused_and_nobody_is_assigned(
    now, editor, viewer, outsider, secret_page
):
    course = make_course(editor, page=secret_page)
    with pytest.raises(DomainError) as err:
        services.assignment_create(
            actor=editor, course=course, due_on=dt.date(2026, 6, 1), users=[viewer, outsider]
        )
    assert "Pricing" in err.value.errors["users"] and not Assignment.objects.exists()


def test_viewer_cannot_assign(course, viewer):
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            actor=viewer, course=course, due_on=dt.date(2026, 6, 1), users=[viewer]
        )


def test_reminders_before_and_after_the_due_date(course, editor, viewer):
    services.assignment_create(
        actor=editor, course=course, due_on=dt.date(2026, 5, 6), users=[viewer]
    )
    assert services.reminders_send() == 1
    assert services.reminders_send() == 0  # once before
    with clock.travel(dt.datetime(2026, 5, 8, 9, tzinfo=dt.UTC)):
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0  # then weekly
    with clock.travel(dt.datetime(2026, 5, 16, 9, tzinfo=dt.UTC)):
        assert services.reminders_send() == 1
    verbs = Notification.objects.filter(recipient=viewer, verb="course_due")
    assert verbs.count() == 3 and "Overdue" in verbs.order_by("-pk")[0].title


def test_a_certification_expires_is_renewed_and_reassigned(course, editor, viewer):
    services.certification_set(
        actor=editor, course=course, name="Refunds certified", valid_days=365, warn_days=30
    )
    pass_course(viewer, course)
    grant = viewer.certifications.get()
    assert grant.expires_at == clock.now() + dt.timedelta(days=365)
    with clock.travel(clock.now() + dt.timedelta(days=300)):
        assert services.certifications_renew() == 0
    with clock.travel(clock.now() + dt.timedelta(days=340)):
        assert services.certifications_renew() == 1
        assert services.certifications_renew() == 0
        assert grant.is_valid()
    assignment = Assignment.objects.get(user=viewer)
    assert assignment.completed_at is None and assignment.due_on == grant.expires_at.date()
    enrollment = Enrollment.objects.get(user=viewer)
    assert enrollment.passed_at is None and enrollment.cycle == 2
    assert Notification.objects.filter(recipient=viewer, verb="certification_expiring").exists()
    with clock.travel(clock.now() + dt.timedelta(days=366)):
        grant.refresh_from_db()
        assert not grant.is_valid()


def test_a_path_opens_its_courses_in_order(now, editor, viewer, page, course):
    second = make_course(editor, page=page, title="Refunds 201")
    path = services.path_create(actor=editor, name="Support, first month", courses=[course, second])
    assert (
        services.path_assign(actor=editor, path=path, due_on=dt.date(2026, 6, 1), users=[viewer])
        == 2
    )
    with pytest.raises(PermissionDenied):
        services.enrollment_start(actor=viewer, course=second)
    pass_course(viewer, course)
    assert services.enrollment_start(actor=viewer, course=second).course == second


def test_a_draft_is_not_taken(now, editor, viewer):
    course = make_course(editor, publish=False)
    with pytest.raises(PermissionDenied):
        services.enrollment_start(actor=viewer, course=course)


def test_a_new_question_on_a_published_course_is_a_new_version(course, editor):
    add_question(editor, course.quizzes.get(lesson=None), text="Another?")
    course.refresh_from_db()
    assert course.version == 2


def test_assigning_keeps_learners_of_other_teams_apart(course, editor, db):
    person = UserFactory(email="erin@example.com", name="Erin", role=Role.VIEWER)
    Membership.objects.filter(user=person).delete()
    rows = services.assignment_create(
        actor=editor, course=course, due_on=dt.date(2026, 6, 1), users=[person]
    )
    assert [r.source for r in rows] == ["person"]
