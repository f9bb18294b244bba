"""Reads of the training app, permission-checked, in a fixed number of queries."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wavelength.accounts.models import User
from wavelength.accounts.permissions import require_member
from wavelength.core import clock
from wavelength.knowledge.models import Page

from . import scoring
from .access import (
    can_manage,
    can_read,
    progress_scope,
    readable_courses,
    sees_answers_of,
    sees_scores_of,
)
from .models import (
    Assignment,
    Attempt,
    Certification,
    Course,
    CourseAttachment,
    CourseVersion,
    Enablement,
    Enrollment,
    Grant,
    LearningPath,
    Lesson,
    Question,
    Quiz,
)
from .pages import published_version

# Courses ------------------------------------------------------------------------------------


def course_list(*, user, status: str | None = None) -> QuerySet[Course]:
    require_member(user)
    qs = readable_courses(user).select_related("owner").prefetch_related("audience_teams")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("title", "id")


def course_get(*, user, pk: int) -> Course:
    require_member(user)
    course = get_object_or_404(
        Course.objects.select_related("owner").prefetch_related(
            "audience_teams", "features", "releases"
        ),
        pk=pk,
    )
    if not can_read(user, course):
        raise Http404
    return course


def lessons_of(*, user, course: Course) -> list[Lesson]:
    """The course's lessons as edited (its owner's view)."""
    return list(course.lessons.select_related("page", "quiz").order_by("position", "id"))


def course_quiz(course: Course) -> Quiz | None:
    return course.quizzes.filter(lesson__isnull=True).first()


def lesson_get(*, user, pk: int) -> Lesson:
    lesson = get_object_or_404(Lesson.objects.select_related("course", "page"), pk=pk)
    if not can_read(user, lesson.course):
        raise Http404
    return lesson


def quiz_get(*, user, pk: int) -> Quiz:
    """A quiz as its owner edits it: only the course's managers read its answers."""
    quiz = get_object_or_404(Quiz.objects.select_related("course", "lesson"), pk=pk)
    if not can_manage(user, quiz.course):
        raise Http404
    return quiz


def question_get(*, user, pk: int) -> Question:
    question = get_object_or_404(Question.objects.select_related("quiz__course"), pk=pk)
    if not can_manage(user, question.quiz.course):
        raise Http404
    return question


def questions_of(quiz: Quiz) -> list[Question]:
    return list(quiz.questions.order_by("position", "id"))


# Learning -----------------------------------------------------------------------------------


def enrollment_of(*, user, course: Course) -> Enrollment | None:
    return Enrollment.objects.select_related("version").filter(user=user, course=course).first()


@dataclass
class LessonView:
    lesson: dict
    number: int
    done: bool
    page: Page | None
    page_version: object  # PageVersion or None
    quiz: dict | None


def lesson_view(*, user, enrollment: Enrollment, key: int) -> LessonView:
    """A lesson of the learner's version; a page lesson shows the page's published version."""
    if enrollment.user_id != user.pk:
        raise Http404
    lessons = enrollment.version.lessons()
    index = next((i for i, x in enumerate(lessons) if x["id"] == key), None)
    if index is None:
        raise Http404
    lesson = lessons[index]
    page = version = None
    if lesson.get("page"):
        page = Page.objects.visible_to(user).filter(pk=lesson["page"]).first()
        if page is None:
            raise Http404
        version = published_version(page)
    return LessonView(
        lesson=lesson,
        number=index + 1,
        done=str(key) in enrollment.done,
        page=page,
        page_version=version,
        quiz=lesson.get("quiz"),
    )


def attempts_of(*, enrollment: Enrollment, quiz_key: int) -> list[Attempt]:
    return list(
        enrollment.attempts.filter(quiz_key=quiz_key, cycle=enrollment.cycle).order_by("number")
    )


def attempt_get(*, user, pk: int) -> Attempt:
    """An attempt: its learner and the administrators read it, nobody else."""
    require_member(user)
    attempt = get_object_or_404(
        Attempt.objects.select_related("enrollment__version", "enrollment__course"), pk=pk
    )
    if not sees_answers_of(user, attempt.enrollment.user_id):
        raise Http404
    return attempt


def attempt_questions(attempt: Attempt) -> list[dict]:
    """The attempt's questions in its order; answers and explanations only once submitted."""
    quiz = attempt.enrollment.version.quiz(attempt.quiz_key) or {"questions": []}
    shown = scoring.shown(quiz, attempt.order)
    for item in shown:
        if item["kind"] == "true_false":
            for choice in item["choices"]:
                choice["text"] = _("True") if choice["text"] == "true" else _("False")
    if not attempt.is_submitted:
        return shown
    full = {q["id"]: q for q in quiz["questions"]}
    chosen = {int(k): set(v) for k, v in (attempt.answers or {}).items()}
    for item in shown:
        question = full[item["id"]]
        correct = {c["id"] for c in question["choices"] if c["correct"]}
        item["explanation"] = question.get("explanation", "")
        item["right"] = chosen.get(item["id"], set()) == correct
        for choice in item["choices"]:
            choice["correct"] = choice["id"] in correct
            choice["chosen"] = choice["id"] in chosen.get(item["id"], set())
    return shown


def _progress_of(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], tuple]:
    """``(steps_done, steps_total, best_score)`` of each ``(user, course)`` pair that has an
    enrolment: one query for a page of rows."""
    if not pairs:
        return {}
    users, courses = {u for u, _c in pairs}, {c for _u, c in pairs}
    found = Enrollment.objects.filter(user__in=users, course__in=courses).values_list(
        "user_id", "course_id", "steps_done", "steps_total", "best_score"
    )
    return {(u, c): rest for u, c, *rest in found}


def attach_progress(rows) -> list:
    """Set each assignment's learner progress (``steps_done``, ``steps_total``,
    ``best_score``, ``percent``) from their enrolments: one query for the whole page."""
    rows = list(rows)
    found = _progress_of({(r.user_id, r.course_id) for r in rows})
    for row in rows:
        row.steps_done, row.steps_total, row.best_score = found.get(
            (row.user_id, row.course_id), (None, None, None)
        )
        row.percent = percent(row)
    return rows


def percent(row) -> int:
    if getattr(row, "completed_at", None):
        return 100
    total = getattr(row, "steps_total", None)
    return round(100 * (row.steps_done or 0) / total) if total else 0


@dataclass
class MyLearning:
    assignments: list[Assignment]
    other: list[Enrollment]
    certifications: list[Grant]


def my_learning(*, user) -> MyLearning:
    """The reader's assigned courses (open ones first, by due date) with their progress,
    courses they started on their own, and their certifications: three queries."""
    require_member(user)
    rows = list(
        Assignment.objects.filter(user=user)
        .select_related("course")
        .order_by(F("completed_at").desc(nulls_first=True), "due_on", "id")[:200]
    )
    enrollments = {
        e.course_id: e for e in Enrollment.objects.filter(user=user).select_related("course")[:400]
    }
    for row in rows:
        e = enrollments.pop(row.course_id, None)
        row.steps_done = e.steps_done if e else None
        row.steps_total = e.steps_total if e else None
        row.best_score = e.best_score if e else None
        row.percent = percent(row)
    grants = list(Grant.objects.filter(user=user).select_related("certification__course"))
    return MyLearning(assignments=rows, other=list(enrollments.values()), certifications=grants)


def my_open_assignments(*, user) -> list[Assignment]:
    """Open assignments, soonest due first (the "my work" page)."""
    rows = Assignment.objects.open().filter(user=user).select_related("course")
    return attach_progress(rows.order_by("due_on", "id")[:50])


# Reports ------------------------------------------------------------------------------------


def assignment_list(
    *, user, course: Course | None = None, team=None, overdue: bool = False
) -> QuerySet[Assignment]:
    """The assignments whose progress ``user`` may see, by due date (a page of them takes
    its learners' progress from :func:`attach_progress`)."""
    require_member(user)
    qs = Assignment.objects.filter(progress_scope(user))
    if course is not None:
        qs = qs.filter(course=course)
    if team is not None:
        qs = qs.filter(user__memberships__team=team)
    if overdue:
        qs = qs.overdue()
    # Prefetched, not joined: the page is then read straight from the (due_on, id) index.
    return qs.prefetch_related("course", "user").order_by("due_on", "id")


def _counts(qs: QuerySet, key: str, today: dt.date) -> list[dict]:
    return list(
        qs.values(key)
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(completed_at__isnull=False)),
            overdue=Count("id", filter=Q(completed_at__isnull=True, due_on__lt=today)),
        )
        .order_by()
    )


def completion_report(*, user, course: Course | None = None) -> dict:
    """Completion by course and by team over the assignments ``user`` may see: three
    queries (the counts by course read the (course, completed_at, due_on) index alone)."""
    require_member(user)
    today = clock.now().date()
    qs = Assignment.objects.filter(progress_scope(user))
    if course is not None:
        qs = qs.filter(course=course)
    by_course = _counts(qs, "course_id", today)
    titles = dict(
        Course.objects.filter(pk__in=[r["course_id"] for r in by_course]).values_list("pk", "title")
    )
    for row in by_course:
        row["name"] = titles.get(row["course_id"], "")
    by_team = _counts(
        qs.filter(user__memberships__isnull=False), "user__memberships__team__name", today
    )
    for row in by_team:
        row["name"] = row.pop("user__memberships__team__name")
    for row in by_course + by_team:
        row["percent"] = round(100 * row["done"] / row["total"]) if row["total"] else 0
    return {
        "by_course": sorted(by_course, key=lambda r: r["name"]),
        "by_team": sorted(by_team, key=lambda r: r["name"] or ""),
    }


def completions_by_month(*, user, course: Course | None = None, team=None, months: int = 12):
    """The report's chart: courses passed each month over the last ``months`` months, among
    the assignments ``user`` may see. One query, counting by month, read from the
    ``completed_at`` index."""
    require_member(user)
    now = clock.now()
    first = now.year * 12 + now.month - 1 - (months - 1)  # months since year 0
    starts = [
        now.replace(
            year=(first + i) // 12,
            month=(first + i) % 12 + 1,
            day=1,
            hour=0,
            minute=0,
            second=0,
            microsecond=0,
        )
        for i in range(months + 1)
    ]
    qs = Assignment.objects.filter(progress_scope(user))
    if course is not None:
        qs = qs.filter(course=course)
    if team is not None:
        qs = qs.filter(user__memberships__team=team)
    # One GROUP BY over the months' range, read from the completed_at index, each row's
    # month found by a CASE, newest month first as most completions are recent (SQLite has
    # no month function of its own; twelve range counts cost twelve queries to build).
    month = Case(
        *(When(completed_at__gte=starts[i], then=Value(i)) for i in reversed(range(months))),
        default=Value(0),
    )
    counts = dict(
        qs.filter(completed_at__gte=starts[0], completed_at__lt=starts[-1])
        .order_by()
        .annotate(k=month)
        .values("k")
        .annotate(n=Count("id"))
        .values_list("k", "n")
    )
    return {
        "type": "bar",
        "axis": "x",
        "label": _("Courses passed"),
        "labels": [date_format(m, "YEAR_MONTH_FORMAT") for m in starts[:-1]],
        "values": [counts.get(i, 0) for i in range(months)],
    }


REPORT_FIELDS = ("id", "user_id", "course_id", "due_on", "completed_at")


def report_list(*, user, course: Course | None = None, team=None, overdue: bool = False):
    """:func:`assignment_list` as plain values (``REPORT_FIELDS``), for the report's page: a
    page of them becomes rows with :func:`report_rows`, no model instance on the way."""
    rows = assignment_list(user=user, course=course, team=team, overdue=overdue)
    return rows.prefetch_related(None).values(*REPORT_FIELDS)


def report_rows(*, user, rows) -> list[dict]:
    """A page of :func:`report_list` with each person's name, the course's title and link,
    the learner's progress and the best score ``user`` may see (another person's only for
    their manager and the administrators): three queries."""
    rows = list(rows)
    people = {
        pk: (name or email, manager_id)
        for pk, name, email, manager_id in User.objects.filter(
            pk__in={r["user_id"] for r in rows}
        ).values_list("pk", "name", "email", "manager_id")
    }
    courses = {
        pk: (title, reverse("training:course-detail", args=[pk]))
        for pk, title in Course.objects.filter(pk__in={r["course_id"] for r in rows}).values_list(
            "pk", "title"
        )
    }
    found = _progress_of({(r["user_id"], r["course_id"]) for r in rows})
    for row in rows:
        row["person"], manager_id = people[row["user_id"]]
        row["title"], row["url"] = courses[row["course_id"]]
        done, total, score = found.get((row["user_id"], row["course_id"]), (None, None, None))
        row["percent"] = (
            100 if row["completed_at"] else round(100 * (done or 0) / total) if total else 0
        )
        seen = sees_scores_of(user, row["user_id"], manager_id)
        row["best_score"] = score if seen else None
    return rows


def scores_visible(*, user, rows) -> list:
    """Each row's progress, with the scores ``user`` may not see blanked (another person's,
    unless their manager)."""
    rows = attach_progress(rows)
    for row in rows:
        if not (user.is_admin or row.user_id == user.pk or row.user.manager_id == user.pk):
            row.best_score = None
    return rows


# Certifications -----------------------------------------------------------------------------


def certification_list(*, user) -> list[Certification]:
    require_member(user)
    return list(Certification.objects.select_related("course").order_by("name", "id"))


def certification_get(*, user, course: Course) -> Certification | None:
    return Certification.objects.filter(course=course).first()


@dataclass
class Matrix:
    certifications: list[Certification]
    rows: list[tuple[User, list[Grant | None]]]


def certification_matrix(*, user, people: QuerySet[User] | None = None) -> Matrix:
    """Who holds which certification (and until when): a row per person with a grant, a
    column per certification; three queries."""
    require_member(user)
    certs = certification_list(user=user)
    grants = Grant.objects.select_related("user")
    if people is not None:
        grants = grants.filter(user__in=people)
    by_user: dict[int, dict[int, Grant]] = {}
    users: dict[int, User] = {}
    for grant in grants.order_by("user__name", "user_id"):
        by_user.setdefault(grant.user_id, {})[grant.certification_id] = grant
        users[grant.user_id] = grant.user
    rows = [(users[uid], [by_user[uid].get(c.pk) for c in certs]) for uid in by_user]
    return Matrix(certifications=certs, rows=rows)


# Paths --------------------------------------------------------------------------------------


def path_list(*, user) -> QuerySet[LearningPath]:
    require_member(user)
    return (
        LearningPath.objects.select_related("owner")
        .annotate(n=Count("steps"))
        .order_by("name", "id")
    )


def path_get(*, user, pk: int) -> LearningPath:
    require_member(user)
    return get_object_or_404(LearningPath.objects.select_related("owner"), pk=pk)


@dataclass
class PathStepView:
    course: Course
    passed: bool
    open: bool  # the courses before it are passed
    percent: int


def path_progress(*, user, path: LearningPath) -> list[PathStepView]:
    """Each course of the path for ``user``: passed, open (the ones before passed) or locked."""
    steps = list(path.steps.select_related("course").order_by("position"))
    mine = {
        e.course_id: e
        for e in Enrollment.objects.filter(user=user, course__in=[s.course for s in steps])
    }
    out, before_passed = [], True
    for step in steps:
        enrollment = mine.get(step.course_id)
        passed = bool(enrollment and enrollment.passed_at)
        out.append(
            PathStepView(
                course=step.course,
                passed=passed,
                open=before_passed,
                percent=enrollment.percent if enrollment else 0,
            )
        )
        before_passed = before_passed and passed
    return out


# Release enablement -------------------------------------------------------------------------


def enablement_get(*, user, pk: int) -> Enablement:
    require_member(user)
    enablement = get_object_or_404(
        Enablement.objects.select_related("course__owner", "release", "feature"), pk=pk
    )
    if not can_read(user, enablement.course):
        raise Http404
    return enablement


def enablement_of(course: Course) -> Enablement | None:
    return (
        Enablement.objects.filter(course=course)
        .select_related("release", "feature")
        .prefetch_related("teams")
        .first()
    )


def release_enablement(*, user, release) -> list[dict]:
    """The release page's Enablement section: its enablement courses (drafted for it, or
    published and linked to it) with who passed, in three queries."""
    from .readiness import completion_by_team

    courses = list(
        readable_courses(user)
        .filter(Q(releases=release) | Q(enablement__release=release))
        .select_related("owner", "enablement")
        .distinct()
        .order_by("title")[:20]
    )
    by_course = completion_by_team(courses)
    items = [{"course": c, "teams": by_course.get(c.pk, [])} for c in courses]
    drafted = any(getattr(c, "enablement", None) for c in courses)
    if user.can_edit and not drafted and not Enablement.objects.filter(release=release).exists():
        items.append({"course": None, "draft": {"release": release.pk}})
    return items


# Quiz question statistics -----------------------------------------------------------------


@dataclass
class WrongAnswer:
    text: str
    count: int


@dataclass
class QuestionStats:
    question_id: int
    text: str
    quiz: str
    answered: int = 0
    right: int = 0
    wrong_answers: list[WrongAnswer] = field(default_factory=list)

    @property
    def percent_right(self) -> int | None:
        return round(100 * self.right / self.answered) if self.answered else None


def _quiz_labels(version: CourseVersion) -> dict[int, str]:
    labels = {x["quiz"]["id"]: x["title"] for x in version.lessons() if x.get("quiz")}
    if version.content.get("quiz"):
        labels[version.content["quiz"]["id"]] = _("Final quiz")
    return labels


def question_statistics(*, user, course: Course, wrong_shown: int = 3) -> list[QuestionStats]:
    """Each quiz question of the course over its submitted attempts (every version): how many
    answered it, the share right and the wrong answers chosen most; the questions most people
    miss first. The course's owner and the administrators read it; two queries."""
    if not can_manage(user, course):
        raise Http404
    versions = {v.pk: v for v in course.versions.all()}
    labels = {pk: _quiz_labels(v) for pk, v in versions.items()}
    stats: dict[int, QuestionStats] = {}
    wrong: dict[int, Counter] = {}
    attempts = Attempt.objects.filter(
        enrollment__course=course, submitted_at__isnull=False
    ).values_list("enrollment__version_id", "quiz_key", "answers")
    for version_id, quiz_key, answers in attempts.iterator(chunk_size=2000):
        version = versions.get(version_id)
        quiz = version.quiz(quiz_key) if version else None
        if quiz is None:
            continue
        label = labels[version_id].get(quiz_key, "")
        for question in quiz["questions"]:
            chosen = set((answers or {}).get(str(question["id"]), []))
            row = stats.setdefault(
                question["id"],
                QuestionStats(question_id=question["id"], text=question["text"], quiz=label),
            )
            correct = {c["id"] for c in question["choices"] if c["correct"]}
            row.answered += 1
            if chosen == correct:
                row.right += 1
                continue
            texts = {c["id"]: c["text"] for c in question["choices"]}
            for choice in chosen - correct:
                wrong.setdefault(question["id"], Counter())[texts.get(choice, "?")] += 1
    for qid, counter in wrong.items():
        stats[qid].wrong_answers = [
            WrongAnswer(text=_choice_text(t), count=n) for t, n in counter.most_common(wrong_shown)
        ]
    return sorted(stats.values(), key=lambda s: (s.percent_right, s.question_id))


def _choice_text(text: str) -> str:
    """True/false answers are stored as "true" and "false"."""
    return {"true": _("True"), "false": _("False")}.get(text, text)


def statistics_chart(stats: list[QuestionStats]) -> dict:
    """The JSON app.js charts: the share of right answers, question by question."""
    return {
        "type": "bar",
        "axis": "y",
        "label": _("Right (%)"),
        "labels": [s.text[:60] for s in stats],
        "values": [s.percent_right for s in stats],
    }


# Images and files of the lessons ----------------------------------------------------------


def attachment_get(*, user, pk: int) -> CourseAttachment:
    """A lesson's file: for whoever may see its course."""
    attachment = get_object_or_404(CourseAttachment.objects.select_related("course"), pk=pk)
    if not can_read(user, attachment.course):
        raise Http404
    return attachment


def attachments_of(course: Course) -> list[CourseAttachment]:
    return list(course.attachments.order_by("name", "id")[:200])


def attachment_list(*, user, course_id: int) -> QuerySet[CourseAttachment]:
    """The files of a course ``user`` may see, by name (a 404 for a course they may not)."""
    course = course_get(user=user, pk=course_id)
    return course.attachments.order_by("name", "id")
