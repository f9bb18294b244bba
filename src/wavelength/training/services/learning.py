"""Taking courses: enrolling, completing lessons, quiz attempts, passing; assignments with due
dates and their reminders; certifications granted, renewed and expiring."""

import datetime as dt
import random
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from wavelength.accounts.models import Role, User
from wavelength.accounts.permissions import require_editor, require_member
from wavelength.core import activity, clock, notifications
from wavelength.core.exceptions import Conflict, DomainError

from .. import scoring
from ..access import can_read, hidden_pages
from ..models import (
    Assignment,
    Attempt,
    Course,
    CourseStatus,
    CourseVersion,
    Enrollment,
    Grant,
    PathStep,
)
from ..pages import published_number
from .courses import restart_enrollment

# Enrolling and lessons ----------------------------------------------------------------------


def _current_version(course: Course) -> CourseVersion:
    version = course.versions.filter(number=course.version).first()
    if version is None or course.status != CourseStatus.PUBLISHED:
        raise DomainError(_("This course is not published."), field="course")
    return version


def _page_ids(version: CourseVersion) -> list[int]:
    return [x["page"] for x in version.lessons() if x.get("page")]


def _require_pages(user, version: CourseVersion, *, field: str = "course") -> None:
    hidden = hidden_pages(user, _page_ids(version))
    if hidden:
        raise DomainError(
            _("%(person)s cannot read these pages of the course: %(pages)s.")
            % {"person": user, "pages": ", ".join(p.title for p in hidden)},
            field=field,
        )


@transaction.atomic
def enrollment_start(*, actor, course: Course) -> Enrollment:
    """Start the course (or return where the learner is in it)."""
    require_member(actor)
    if not can_read(actor, course):
        raise PermissionDenied(_("You cannot see this course."))
    found = Enrollment.objects.filter(user=actor, course=course).first()
    if found is not None:
        return found
    version = _current_version(course)
    _require_pages(actor, version)
    _require_prerequisites(actor, course)
    enrollment = Enrollment.objects.create(
        user=actor, course=course, version=version, steps_total=version.steps
    )
    activity.record(actor=actor, verb="started", target=course, scope="training")
    return enrollment


def _require_prerequisites(user, course: Course) -> None:
    """For someone assigned a learning path, each of its courses opens once the courses
    before it are passed."""
    sources = Assignment.objects.filter(user=user, course=course, source__startswith="path:")
    paths = [int(s.split(":")[1]) for s in sources.values_list("source", flat=True)]
    for step in PathStep.objects.filter(course=course, path__in=paths).select_related("path"):
        before = PathStep.objects.filter(path=step.path, position__lt=step.position)
        passed = Enrollment.objects.filter(user=user, passed_at__isnull=False)
        missing = before.exclude(course__in=passed.values("course")).select_related("course")
        if missing:
            raise PermissionDenied(
                _("Pass these courses of “%(path)s” first: %(courses)s.")
                % {"path": step.path.name, "courses": ", ".join(m.course.title for m in missing)}
            )


def _lock_enrollment(enrollment: Enrollment) -> Enrollment:
    return (
        Enrollment.objects.select_for_update()
        .select_related("version", "course", "user")
        .get(pk=enrollment.pk)
    )


def _own(actor, enrollment: Enrollment) -> None:
    if enrollment.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the learner takes their course."))


def _count_done(enrollment: Enrollment) -> None:
    enrollment.steps_total = enrollment.version.steps
    enrollment.steps_done = len(enrollment.done)


@transaction.atomic
def lesson_complete(*, actor, enrollment: Enrollment, lesson_key: int) -> Enrollment:
    """The learner read a lesson; for a knowledge page, the published version they were shown
    is recorded. A lesson with a quiz is completed by passing its quiz."""
    enrollment = _lock_enrollment(enrollment)
    _own(actor, enrollment)
    lesson = enrollment.version.lesson(int(lesson_key))
    if lesson is None:
        raise DomainError(_("This lesson is not part of your course."), field="lesson")
    if lesson.get("quiz"):
        raise DomainError(_("Pass the lesson's quiz to complete it."), field="lesson")
    if str(lesson["id"]) in enrollment.done:
        return enrollment
    read = None
    if lesson.get("page"):
        from wavelength.knowledge.models import Page

        read = published_number(Page.objects.get(pk=lesson["page"]))
    enrollment.done[str(lesson["id"])] = {"at": clock.now().isoformat(), "page_version": read}
    _count_done(enrollment)
    enrollment.save()
    activity.record(
        actor=actor,
        verb="lesson_completed",
        target=enrollment.course,
        scope="training",
        lesson=lesson["title"],
        page_version=read,
    )
    _maybe_pass(actor, enrollment)
    return enrollment


# Quiz attempts --------------------------------------------------------------------------------


def _quiz(enrollment: Enrollment, quiz_key: int) -> dict:
    quiz = enrollment.version.quiz(int(quiz_key))
    if quiz is None:
        raise DomainError(_("This quiz is not part of your course."), field="quiz")
    return quiz


def _step_key(enrollment: Enrollment, quiz_key: int) -> str:
    """The step a quiz completes: its lesson's id, or "quiz" for the course's own."""
    for lesson in enrollment.version.lessons():
        if lesson.get("quiz") and lesson["quiz"]["id"] == quiz_key:
            return str(lesson["id"])
    return "quiz"


def attempts_left(enrollment: Enrollment, quiz: dict, used: int) -> int | None:
    """``None`` when attempts are not limited."""
    if not quiz["max_attempts"]:
        return None
    return max(quiz["max_attempts"] - used, 0)


@transaction.atomic
def attempt_start(*, actor, enrollment: Enrollment, quiz_key: int, rng=None) -> Attempt:
    """A new attempt at a quiz, its questions and answers in a random order; the attempt
    already open is returned instead. Refused once the quiz is passed or no attempt is left."""
    enrollment = _lock_enrollment(enrollment)
    _own(actor, enrollment)
    quiz = _quiz(enrollment, quiz_key)
    mine = Attempt.objects.filter(
        enrollment=enrollment, quiz_key=quiz["id"], cycle=enrollment.cycle
    )
    open_attempt = mine.filter(submitted_at__isnull=True).first()
    if open_attempt is not None:
        return open_attempt
    if _step_key(enrollment, quiz["id"]) in enrollment.done:
        raise Conflict(_("You have passed this quiz already."), field="quiz")
    used = mine.count()
    if attempts_left(enrollment, quiz, used) == 0:
        raise Conflict(
            _("You have used all %(n)d attempts at this quiz.") % {"n": quiz["max_attempts"]},
            field="quiz",
        )
    rng = rng or random.Random(secrets.randbits(64))
    attempt = Attempt.objects.create(
        enrollment=enrollment,
        quiz_key=quiz["id"],
        cycle=enrollment.cycle,
        number=used + 1,
        order=scoring.shuffled_order(quiz, rng),
    )
    return attempt


def _parse_answers(answers) -> dict[int, list[int]]:
    try:
        return {int(k): [int(c) for c in v] for k, v in dict(answers).items()}
    except (TypeError, ValueError):
        raise DomainError(
            _("Answers are question ids with lists of answer ids."), field="answers"
        ) from None


@transaction.atomic
def attempt_submit(*, actor, attempt: Attempt, answers) -> Attempt:
    """Score the attempt, once. Answers name questions of this attempt and their answers;
    anything else is refused and nothing is recorded."""
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    enrollment = _lock_enrollment(attempt.enrollment)
    _own(actor, enrollment)
    if attempt.is_submitted:
        raise Conflict(_("This attempt was submitted already."), field="attempt")
    if attempt.cycle != enrollment.cycle:
        raise Conflict(_("The course was restarted: start a new attempt."), field="attempt")
    quiz = _quiz(enrollment, attempt.quiz_key)
    parsed = _parse_answers(answers)
    problem = scoring.problems(quiz, attempt.order, parsed)
    if problem:
        kind, qid = problem.split(":")
        messages = {
            "question": _("Question %(id)s is not part of this attempt."),
            "choice": _("An answer to question %(id)s is not one of its answers."),
            "single": _("Question %(id)s takes one answer."),
        }
        raise DomainError(messages[kind] % {"id": qid}, field="answers")
    _right, _total, percent = scoring.score(quiz, parsed)
    attempt.answers = {str(k): sorted(set(v)) for k, v in parsed.items()}
    attempt.score, attempt.passed = percent, percent >= quiz["pass_mark"]
    attempt.submitted_at = clock.now()
    attempt.save()
    activity.record(
        actor=actor,
        verb="quiz_submitted",
        target=enrollment.course,
        scope="training",
        score=percent,
        passed=attempt.passed,
    )
    if attempt.passed:
        enrollment.done[_step_key(enrollment, quiz["id"])] = {
            "at": clock.now().isoformat(),
            "score": percent,
        }
        enrollment.best_score = max(enrollment.best_score or 0, percent)
        _count_done(enrollment)
        enrollment.save()
        _maybe_pass(actor, enrollment)
    return attempt


# Passing a course ---------------------------------------------------------------------------


def _maybe_pass(actor, enrollment: Enrollment) -> None:
    """Once every step is done: the course is passed, its assignment completed and its
    certification granted or renewed."""
    if enrollment.passed_at or enrollment.steps_done < enrollment.steps_total:
        return
    now = clock.now()
    enrollment.passed_at = now
    enrollment.save(update_fields=["passed_at"])
    Assignment.objects.open().filter(course=enrollment.course, user=enrollment.user).update(
        completed_at=now
    )
    activity.record(actor=actor, verb="passed", target=enrollment.course, scope="training")
    certification = getattr(enrollment.course, "certification", None)
    if certification is not None:
        expires = now + dt.timedelta(days=certification.valid_days)
        Grant.objects.update_or_create(
            certification=certification,
            user=enrollment.user,
            defaults={"granted_at": now, "expires_at": expires, "warned_at": None},
        )
        activity.record(
            actor=actor,
            verb="certified",
            target=certification,
            scope="training",
            expires=expires.date().isoformat(),
        )


# Assignments --------------------------------------------------------------------------------


def _people(users, teams, roles) -> list[User]:
    q = Q(pk__in=[u.pk for u in users or []])
    if teams:
        q |= Q(memberships__team__in=list(teams))
    if roles:
        unknown = [r for r in roles if r not in Role.values]
        if unknown:
            raise DomainError(
                _("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)}, field="roles"
            )
        q |= Q(role__in=list(roles))
    return list(User.objects.filter(q, is_active=True).distinct().order_by("name", "pk"))


def _source(users, teams, roles) -> str:
    parts = [f"team:{t.slug}" for t in teams or []] + [f"role:{r}" for r in roles or []]
    return ", ".join(parts)[:80] if parts else "person"


@transaction.atomic
def assignment_create(
    *, actor, course: Course, due_on: dt.date, users=(), teams=(), roles=(), source: str = ""
) -> list[Assignment]:
    """Assign a published course to people, the members of teams and the holders of roles, by
    ``due_on``. Refused as a whole when the date has passed or someone cannot read one of the
    course's pages. Someone assigned already gets the new due date; each new learner is told."""
    require_editor(actor)
    course = Course.objects.select_for_update().get(pk=course.pk)
    version = _current_version(course)
    if due_on is None or due_on < clock.now().date():
        raise DomainError(_("The due date has passed: choose a later one."), field="due_on")
    people = _people(users, teams, roles)
    if not people:
        raise DomainError(_("Choose people, teams or roles to assign."), field="users")
    for person in people:
        _require_pages(person, version, field="users")
    existing = {a.user_id: a for a in Assignment.objects.filter(course=course, user__in=people)}
    source, made = source or _source(users, teams, roles), []
    for person in people:
        row = existing.get(person.pk)
        if row is None:
            made.append(
                Assignment(
                    course=course, user=person, due_on=due_on, source=source, assigned_by=actor
                )
            )
        elif row.completed_at is None and row.due_on != due_on:
            row.due_on, row.reminded_before_at, row.reminded_after_at = due_on, None, None
            row.save(update_fields=["due_on", "reminded_before_at", "reminded_after_at"])
    Assignment.objects.bulk_create(made)
    _tell_assigned(actor, course, [a.user for a in made], due_on)
    activity.record(
        actor=actor,
        verb="assigned",
        target=course,
        scope="training",
        count=len(made),
        due_on=due_on.isoformat(),
        source=source,
    )
    return list(Assignment.objects.filter(course=course, user__in=people).select_related("user"))


def _tell_assigned(actor, course: Course, people, due_on: dt.date) -> None:
    notifications.notify(
        recipients=people,
        verb="course_assigned",
        title=lambda: (
            _("Course to take by %(date)s: “%(course)s”")
            % {"date": due_on.isoformat(), "course": course}
        ),
        url=course.get_absolute_url(),
        actor=actor,
        target=course,
    )


# Reminders and certifications (the daily task) ------------------------------------------------

REMIND_BEFORE = dt.timedelta(days=3)
REMIND_OVERDUE_EVERY = dt.timedelta(days=7)


def reminders_send(*, today: dt.date | None = None) -> int:
    """Remind learners of a course due within three days, and (weekly) of an overdue one;
    returns how many reminders were sent."""
    now = clock.now()
    today = today or now.date()
    soon = Assignment.objects.open().filter(
        due_on__gte=today, due_on__lte=today + REMIND_BEFORE, reminded_before_at__isnull=True
    )
    late = Assignment.objects.overdue(today).filter(
        Q(reminded_after_at__isnull=True) | Q(reminded_after_at__lt=now - REMIND_OVERDUE_EVERY)
    )
    sent = 0
    with transaction.atomic():
        for row in soon.select_related("course", "user"):
            _remind(row, overdue=False)
            sent += 1
        for row in late.select_related("course", "user"):
            _remind(row, overdue=True)
            sent += 1
        soon.update(reminded_before_at=now)
        late.update(reminded_after_at=now)
    return sent


def _remind(row: Assignment, *, overdue: bool) -> None:
    values = {"date": row.due_on.isoformat(), "course": row.course}

    def title() -> str:
        if overdue:
            return _("Overdue since %(date)s: “%(course)s”") % values
        return _("Due on %(date)s: “%(course)s”") % values

    notifications.notify(
        recipients=[row.user],
        verb="course_due",
        title=title,
        url=reverse("training:home"),
        target=row.course,
    )


def certifications_renew(*, today: dt.date | None = None) -> int:
    """Tell the holders of certifications expiring within their notice and assign the course
    again, due the day it expires; returns how many were told."""
    now = clock.now()
    grants = (
        Grant.objects.filter(warned_at__isnull=True)
        .select_related("certification__course", "user")
        .order_by("expires_at")
    )
    told = 0
    with transaction.atomic():
        for grant in grants:
            cert = grant.certification
            if grant.expires_at - dt.timedelta(days=cert.warn_days) > now:
                continue
            _renew(grant)
            told += 1
    return told


def _renew(grant: Grant) -> None:
    cert, course, user = grant.certification, grant.certification.course, grant.user
    due = max(grant.expires_at.date(), clock.now().date())
    grant.warned_at = clock.now()
    grant.save(update_fields=["warned_at"])
    Assignment.objects.update_or_create(
        course=course,
        user=user,
        defaults={
            "due_on": due,
            "completed_at": None,
            "reminded_before_at": None,
            "reminded_after_at": None,
            "source": "renewal",
        },
    )
    enrollment = Enrollment.objects.filter(course=course, user=user).first()
    current = course.versions.filter(number=course.version).first()
    if enrollment is not None and current is not None:
        restart_enrollment(enrollment, current)
    notifications.notify(
        recipients=[user],
        verb="certification_expiring",
        title=lambda: (
            _("Your certification “%(name)s” expires on %(date)s: take the course again")
            % {"name": cert.name, "date": grant.expires_at.date().isoformat()}
        ),
        url=course.get_absolute_url(),
        target=cert,
    )
    activity.record(
        actor=None, verb="renewal_assigned", target=cert, scope="training", user=user.pk
    )
