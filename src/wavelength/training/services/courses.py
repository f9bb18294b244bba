"""Writing courses: the course, its lessons, quizzes and questions, publishing and versions.

Editing the content of a published course (a lesson, a quiz, a question) makes a new version
at once; new learners start on it, those in progress keep theirs (see ``course_restart``).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wavelength.accounts.models import Role
from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock, notifications, versioning
from wavelength.core.exceptions import Conflict, DomainError

from ..access import hidden_pages, require_manage
from ..models import (
    Course,
    CourseAttachment,
    CourseStatus,
    CourseVersion,
    Enrollment,
    Lesson,
    LessonKind,
    Question,
    QuestionKind,
    Quiz,
)
from ..pages import published_version

# Courses ----------------------------------------------------------------------------------


@dataclass
class CourseData:
    title: str
    owner: object
    summary: str = ""
    duration_minutes: int = 30
    audience_roles: list[str] = field(default_factory=list)
    audience_teams: list | None = None
    features: list | None = None
    releases: list | None = None


_COURSE_SCALARS = ("title", "summary", "owner", "duration_minutes", "audience_roles")
_COURSE_SETS = ("audience_teams", "features", "releases")


def _clean_course(data: CourseData) -> CourseData:
    data.title = (data.title or "").strip()
    if not data.title:
        raise DomainError(_("Give the course a title."), field="title")
    if not 1 <= int(data.duration_minutes) <= 100 * 60:
        raise DomainError(_("A course lasts from 1 minute to 100 hours."), field="duration_minutes")
    unknown = [r for r in data.audience_roles or [] if r not in Role.values]
    if unknown:
        raise DomainError(
            _("Unknown role: %(roles)s.") % {"roles": ", ".join(map(str, unknown))},
            field="audience_roles",
        )
    data.audience_roles = [r for r in Role.values if r in (data.audience_roles or [])]
    if data.owner is None or not data.owner.is_active:
        raise DomainError(_("Choose an active owner."), field="owner")
    return data


@transaction.atomic
def course_create(*, actor, data: CourseData) -> Course:
    """A draft course; editors create them."""
    require_editor(actor)
    data = _clean_course(data)
    course = Course.objects.create(**{k: getattr(data, k) for k in _COURSE_SCALARS})
    for name in _COURSE_SETS:
        getattr(course, name).set(getattr(data, name) or [])
    activity.record(
        actor=actor,
        verb="created",
        target=course,
        scope="training",
        snapshot=activity.snapshot(course, Course.TRACKED),
    )
    return course


def _lock(course: Course) -> Course:
    return Course.objects.select_for_update().get(pk=course.pk)


@transaction.atomic
def course_update(
    *, actor, course: Course, data: CourseData, if_version: str | None = None
) -> Course:
    course = _lock(course)
    require_manage(actor, course)
    versioning.check(course, if_version)
    data = _clean_course(data)
    before = activity.snapshot(course, Course.TRACKED)
    for name in _COURSE_SCALARS:
        setattr(course, name, getattr(data, name))
    course.updated_at = clock.now()
    course.save()
    for name in _COURSE_SETS:
        if getattr(data, name) is not None:
            getattr(course, name).set(getattr(data, name))
    _record_update(actor, course, before)
    return course


def _quiz_content(quiz: Quiz | None) -> dict | None:
    if quiz is None:
        return None
    questions = [
        {
            "id": q.pk,
            "kind": q.kind,
            "text": q.text,
            "explanation": q.explanation,
            "choices": q.choices,
        }
        for q in quiz.questions.all()
    ]
    return {
        "id": quiz.pk,
        "pass_mark": quiz.pass_mark,
        "max_attempts": quiz.max_attempts,
        "questions": questions,
    }


def content_of(course: Course) -> dict:
    """The course's lessons and quizzes as learners will take them."""
    quizzes = {q.lesson_id: q for q in course.quizzes.prefetch_related("questions")}
    lessons = []
    for lesson in course.lessons.prefetch_related("features", "releases").order_by("position"):
        lessons.append(
            {
                "id": lesson.pk,
                "title": lesson.title,
                "kind": lesson.kind,
                "page": lesson.page_id,
                "body": lesson.body,
                "features": [f.pk for f in lesson.features.all()],
                "releases": [r.pk for r in lesson.releases.all()],
                "quiz": _quiz_content(quizzes.get(lesson.pk)),
            }
        )
    return {"lessons": lessons, "quiz": _quiz_content(quizzes.get(None))}


def _check_publishable(course: Course, content: dict) -> None:
    if not content["lessons"]:
        raise DomainError(_("Add a lesson before publishing the course."), field="status")
    pages = Lesson.objects.filter(course=course, kind=LessonKind.PAGE).select_related("page")
    unpublished = [x.page.title for x in pages if published_version(x.page) is None]
    if unpublished:
        raise DomainError(
            _("These pages have no published version yet: %(pages)s.")
            % {"pages": ", ".join(unpublished)},
            field="status",
        )
    quizzes = [x["quiz"] for x in content["lessons"]] + [content["quiz"]]
    if any(q is not None and not q["questions"] for q in quizzes):
        raise DomainError(_("Every quiz needs at least one question."), field="status")


def _new_version(actor, course: Course) -> CourseVersion:
    content = content_of(course)
    _check_publishable(course, content)
    course.version += 1
    course.updated_at = clock.now()
    course.save(update_fields=["version", "updated_at"])
    version = CourseVersion.objects.create(
        course=course, number=course.version, content=content, created_by=actor
    )
    activity.record(
        actor=actor, verb="versioned", target=course, scope="training", version=course.version
    )
    return version


def _content_changed(actor, course: Course) -> None:
    """After an edit of a published course's content: a new version for new learners."""
    if course.status == CourseStatus.PUBLISHED:
        _new_version(actor, course)


def _record_update(actor, obj, before: dict, course: Course | None = None) -> dict:
    """Record what an edit changed on ``obj`` (nothing when nothing did); the content of a
    published ``course`` changed makes it a new version."""
    changes = activity.diff(before, activity.snapshot(obj, type(obj).TRACKED))
    if changes:
        activity.record(actor=actor, verb="updated", target=obj, scope="training", changes=changes)
        if course is not None:
            _content_changed(actor, course)
    return changes


def _remove(actor, obj, course: Course) -> None:
    """Delete a lesson, a quiz or a question of ``course``, recorded; a published course's
    content becomes a new version."""
    activity.record(actor=actor, verb="deleted", target=obj, scope="training")
    obj.delete()
    _content_changed(actor, course)


@transaction.atomic
def course_publish(*, actor, course: Course) -> Course:
    """Publish the course (a draft or archived one): its content becomes a new version. An
    enablement course is then assigned to its teams (all or nothing)."""
    from .enablement import enablement_assign

    course = _lock(course)
    require_manage(actor, course)
    if course.status == CourseStatus.PUBLISHED:
        return course
    old = course.status
    _new_version(actor, course)
    course.status = CourseStatus.PUBLISHED
    course.save(update_fields=["status"])
    activity.record(
        actor=actor,
        verb="status_changed",
        target=course,
        scope="training",
        changes={"status": [old, course.status]},
    )
    enablement_assign(actor=actor, course=course)
    return course


@transaction.atomic
def course_archive(*, actor, course: Course) -> Course:
    """Archive the course: it keeps its learners' records but takes no new learners."""
    course = _lock(course)
    require_manage(actor, course)
    if course.status != CourseStatus.ARCHIVED:
        old, course.status = course.status, CourseStatus.ARCHIVED
        course.save(update_fields=["status"])
        activity.record(
            actor=actor,
            verb="status_changed",
            target=course,
            scope="training",
            changes={"status": [old, course.status]},
        )
    return course


def restart_enrollment(enrollment: Enrollment, version: CourseVersion) -> None:
    """Start the course over on ``version``: lessons to do again, a new cycle of attempts."""
    enrollment.version = version
    enrollment.cycle += 1
    enrollment.done = {}
    enrollment.steps_done, enrollment.steps_total = 0, version.steps
    enrollment.passed_at = None
    enrollment.started_at = clock.now()
    enrollment.save()


@transaction.atomic
def course_restart(*, actor, course: Course) -> int:
    """Move the learners in progress on an older version to the current one, from the start;
    they are told. Returns how many."""
    course = _lock(course)
    require_manage(actor, course)
    current = course.versions.filter(number=course.version).first()
    if current is None:
        raise DomainError(_("Publish the course first."), field="status")
    moving = list(
        Enrollment.objects.filter(course=course, passed_at__isnull=True)
        .exclude(version=current)
        .select_related("user")
    )
    for enrollment in moving:
        restart_enrollment(enrollment, current)
    notifications.notify(
        recipients=[e.user for e in moving],
        verb="course_restarted",
        title=lambda: _("“%(course)s” has changed: please take it again") % {"course": course},
        url=course.get_absolute_url(),
        actor=actor,
        target=course,
    )
    activity.record(
        actor=actor, verb="restarted", target=course, scope="training", count=len(moving)
    )
    return len(moving)


# Lessons ----------------------------------------------------------------------------------


@dataclass
class LessonData:
    title: str
    kind: str
    page: object = None
    body: str = ""
    features: list | None = None
    releases: list | None = None


def _clean_lesson(actor, data: LessonData) -> LessonData:
    data.title = (data.title or "").strip()
    if data.kind not in LessonKind.values:
        raise DomainError(_("A lesson is a knowledge page or its own text."), field="kind")
    if data.kind == LessonKind.PAGE:
        if data.page is None:
            raise DomainError(_("Choose the knowledge page."), field="page")
        if hidden_pages(actor, [data.page.pk]):
            raise DomainError(_("Choose the knowledge page."), field="page")
        data.title = data.title or data.page.title
        data.body = ""
    else:
        data.page = None
        if not (data.body or "").strip():
            raise DomainError(_("Write the lesson."), field="body")
    if not data.title:
        raise DomainError(_("Give the lesson a title."), field="title")
    data.title = data.title[:200]
    return data


@transaction.atomic
def lesson_create(*, actor, course: Course, data: LessonData) -> Lesson:
    """A lesson at the end of the course."""
    course = _lock(course)
    require_manage(actor, course)
    data = _clean_lesson(actor, data)
    last = course.lessons.aggregate(m=Max("position"))["m"] or 0
    lesson = Lesson.objects.create(
        course=course,
        position=last + 1,
        title=data.title,
        kind=data.kind,
        page=data.page,
        body=data.body,
    )
    lesson.features.set(data.features or [])
    lesson.releases.set(data.releases or [])
    activity.record(
        actor=actor,
        verb="created",
        target=lesson,
        scope="training",
        snapshot=activity.snapshot(lesson, Lesson.TRACKED),
    )
    _content_changed(actor, course)
    return lesson


def _lock_lesson(lesson: Lesson) -> Lesson:
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    lesson.course = _lock(lesson.course)
    return lesson


@transaction.atomic
def lesson_update(
    *, actor, lesson: Lesson, data: LessonData, if_version: str | None = None
) -> Lesson:
    lesson = _lock_lesson(lesson)
    require_manage(actor, lesson.course)
    versioning.check(lesson, if_version)
    data = _clean_lesson(actor, data)
    before = activity.snapshot(lesson, Lesson.TRACKED)
    lesson.title, lesson.kind, lesson.page, lesson.body = (
        data.title,
        data.kind,
        data.page,
        data.body,
    )
    lesson.save()
    for name in ("features", "releases"):
        if getattr(data, name) is not None:
            getattr(lesson, name).set(getattr(data, name))
    _record_update(actor, lesson, before, lesson.course)
    return lesson


@transaction.atomic
def lesson_delete(*, actor, lesson: Lesson, if_version: str | None = None) -> None:
    lesson = _lock_lesson(lesson)
    require_manage(actor, lesson.course)
    versioning.check(lesson, if_version)
    _remove(actor, lesson, lesson.course)


# Quizzes and questions ----------------------------------------------------------------------


def _clean_quiz(pass_mark: int, max_attempts: int) -> None:
    if not 0 <= int(pass_mark) <= 100:
        raise DomainError(_("The pass mark is a percentage, from 0 to 100."), field="pass_mark")
    if not 0 <= int(max_attempts) <= 100:
        raise DomainError(
            _("Allow from 1 to 100 attempts, or 0 for no limit."), field="max_attempts"
        )


@transaction.atomic
def quiz_create(
    *,
    actor,
    course: Course,
    lesson: Lesson | None = None,
    pass_mark: int = 80,
    max_attempts: int = 3,
) -> Quiz:
    """The quiz at the end of ``lesson``, or of the course."""
    course = _lock(course)
    require_manage(actor, course)
    if lesson is not None and lesson.course_id != course.pk:
        raise DomainError(_("This lesson belongs to another course."), field="lesson")
    if Quiz.objects.filter(course=course, lesson=lesson).exists():
        raise Conflict(_("There is a quiz here already."), field="lesson")
    _clean_quiz(pass_mark, max_attempts)
    quiz = Quiz.objects.create(
        course=course, lesson=lesson, pass_mark=pass_mark, max_attempts=max_attempts
    )
    activity.record(
        actor=actor,
        verb="created",
        target=quiz,
        scope="training",
        snapshot=activity.snapshot(quiz, Quiz.TRACKED),
    )
    return quiz  # an empty quiz changes nothing learners take until it has questions


def _lock_quiz(quiz: Quiz) -> Quiz:
    quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
    quiz.course = _lock(quiz.course)
    return quiz


@transaction.atomic
def quiz_update(
    *, actor, quiz: Quiz, pass_mark: int, max_attempts: int, if_version: str | None = None
) -> Quiz:
    quiz = _lock_quiz(quiz)
    require_manage(actor, quiz.course)
    versioning.check(quiz, if_version)
    _clean_quiz(pass_mark, max_attempts)
    before = activity.snapshot(quiz, Quiz.TRACKED)
    quiz.pass_mark, quiz.max_attempts = int(pass_mark), int(max_attempts)
    quiz.save()
    _record_update(actor, quiz, before, quiz.course)
    return quiz


@transaction.atomic
def quiz_delete(*, actor, quiz: Quiz, if_version: str | None = None) -> None:
    """Remove the quiz with its questions. Attempts already made stay with the learners'
    versions of the course; on a published course, new learners get a version without it."""
    quiz = _lock_quiz(quiz)
    require_manage(actor, quiz.course)
    versioning.check(quiz, if_version)
    _remove(actor, quiz, quiz.course)


@dataclass
class QuestionData:
    kind: str
    text: str
    # [(text, correct)]; for true/false, ignored but for which one is correct.
    choices: list[tuple[str, bool]] = field(default_factory=list)
    explanation: str = ""
    true_is_correct: bool = True


def _clean_question(data: QuestionData) -> list[dict]:
    if data.kind not in QuestionKind.values:
        raise DomainError(
            _("A question is single choice, multiple choice or true/false."), field="kind"
        )
    if not (data.text or "").strip():
        raise DomainError(_("Write the question."), field="text")
    if data.kind == QuestionKind.TRUE_FALSE:
        return [
            {"id": 1, "text": "true", "correct": bool(data.true_is_correct)},
            {"id": 2, "text": "false", "correct": not data.true_is_correct},
        ]
    choices = [(t.strip(), bool(c)) for t, c in data.choices if (t or "").strip()]
    if len(choices) < 2:
        raise DomainError(_("Give at least two answers."), field="choices")
    right = sum(c for _t, c in choices)
    if right == 0:
        raise DomainError(_("Mark at least one answer as correct."), field="choices")
    if data.kind == QuestionKind.SINGLE and right != 1:
        raise DomainError(
            _("A single-choice question has exactly one correct answer."), field="choices"
        )
    return [{"id": i, "text": t[:500], "correct": c} for i, (t, c) in enumerate(choices, 1)]


@transaction.atomic
def question_create(*, actor, quiz: Quiz, data: QuestionData) -> Question:
    quiz = _lock_quiz(quiz)
    require_manage(actor, quiz.course)
    choices = _clean_question(data)
    last = quiz.questions.aggregate(m=Max("position"))["m"] or 0
    question = Question.objects.create(
        quiz=quiz,
        position=last + 1,
        kind=data.kind,
        text=data.text.strip(),
        explanation=data.explanation or "",
        choices=choices,
    )
    activity.record(actor=actor, verb="created", target=question, scope="training")
    _content_changed(actor, quiz.course)
    return question


def _lock_question(question: Question) -> Question:
    question = Question.objects.select_for_update().get(pk=question.pk)
    question.quiz = _lock_quiz(question.quiz)
    return question


@transaction.atomic
def question_update(
    *, actor, question: Question, data: QuestionData, if_version: str | None = None
) -> Question:
    question = _lock_question(question)
    require_manage(actor, question.quiz.course)
    versioning.check(question, if_version)
    choices = _clean_question(data)
    before = activity.snapshot(question, Question.TRACKED)
    question.kind, question.text = data.kind, data.text.strip()
    question.explanation, question.choices = data.explanation or "", choices
    question.save()
    _record_update(actor, question, before, question.quiz.course)
    return question


@transaction.atomic
def question_delete(*, actor, question: Question, if_version: str | None = None) -> None:
    """Remove a question from its quiz."""
    question = _lock_question(question)
    require_manage(actor, question.quiz.course)
    versioning.check(question, if_version)
    _remove(actor, question, question.quiz.course)


# Files the lessons show or link ---------------------------------------------------------------


class FileTooLarge(DomainError):
    """An upload over the knowledge pages' size limit (the API answers 413)."""

    status_code = 413


@transaction.atomic
def attachment_add(*, actor, course: Course, upload) -> CourseAttachment:
    """Keep an image or file for the course's lessons (in the data directory, never public;
    the same limits as the knowledge pages' files)."""
    from wavelength.knowledge.services.pages import _max_upload, check_upload

    course = _lock(course)
    require_manage(actor, course)
    try:
        name = check_upload(upload)
    except DomainError as exc:
        if upload is not None and upload.size > _max_upload():
            raise FileTooLarge(exc.message, field="file") from None
        raise
    attachment = CourseAttachment(
        course=course,
        name=name,
        size=upload.size,
        content_type=(getattr(upload, "content_type", "") or "")[:100],
        uploaded_by=actor,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    activity.record(actor=actor, verb="attached", target=course, scope="training", name=name)
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment: CourseAttachment) -> None:
    course = _lock(attachment.course)
    require_manage(actor, course)
    activity.record(
        actor=actor, verb="detached", target=course, scope="training", name=attachment.name
    )
    attachment.file.delete(save=False)
    attachment.delete()
