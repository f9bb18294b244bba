"""Pages: the training home (my learning and the courses), a course and its lessons as its
owner edits them, taking a course (lessons, quizzes, attempts), assignments, the completion
report, the certification matrix and learning paths."""

import csv
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wavelength.accounts.models import Team
from wavelength.accounts.permissions import require_editor
from wavelength.catalog.views.base import GET_POST, paginate
from wavelength.core.exceptions import DomainError
from wavelength.core.forms import form_status, submit
from wavelength.core.versioning import StaleVersion
from wavelength.knowledge.views import file_response, markdown_for
from wavelength.knowledge.views_io import read_zip

from . import selectors, services
from .access import can_manage, readable_courses
from .forms import (
    AssignForm,
    AttachmentForm,
    CertificationForm,
    CourseForm,
    EnablementForm,
    EnablementGateForm,
    ImportForm,
    LessonForm,
    PathForm,
    QuestionForm,
    QuizForm,
    course_initial,
    question_initial,
)
from .models import Course, CourseStatus, EnablementGate, LearningPath

PER_PAGE = 50
# The training home's course cards: "my learning" comes first, the catalogue pages after it.
COURSES_PER_PAGE = 20


def _refused(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


# Home and courses ---------------------------------------------------------------------------


@login_required
def home(request):
    """My learning (assigned courses with progress and due dates, certifications) and the
    courses one can take."""
    status = request.GET.get("status") or ""
    courses = selectors.course_list(user=request.user, status=status or None)
    context = {
        "learning": selectors.my_learning(user=request.user),
        "page": paginate(request, courses, COURSES_PER_PAGE),
        "status": status,
        "statuses": CourseStatus.choices,
    }
    return render(request, "training/home.html", context)


def _course_data(form: CourseForm) -> services.CourseData:
    d = form.values()
    return services.CourseData(
        title=d["title"],
        summary=d["summary"],
        owner=d["owner"],
        duration_minutes=d["duration_minutes"],
        audience_roles=list(d["audience_roles"]),
        audience_teams=list(d["audience_teams"]),
        features=list(d["features"]),
        releases=list(d["releases"]),
    )


@login_required
@GET_POST
def course_create(request):
    form = CourseForm(request.POST or None, initial={"owner": request.user.pk})
    course = submit(
        form, lambda: services.course_create(actor=request.user, data=_course_data(form))
    )
    if course:
        messages.success(request, _("Course created. Add its lessons, then publish it."))
        return redirect(course)
    return render(request, "training/course_form.html", {"form": form}, status=form_status(form))


@login_required
@GET_POST
def course_edit(request, pk):
    course = selectors.course_get(user=request.user, pk=pk)
    if not can_manage(request.user, course):
        raise PermissionDenied(_("Only the owner of this course can change it."))
    form = CourseForm(request.POST or None, initial=course_initial(course)).versioned(course)
    saved = submit(
        form,
        lambda: services.course_update(
            actor=request.user,
            course=course,
            data=_course_data(form),
            if_version=form.seen_version(),
        ),
    )
    if saved:
        messages.success(request, _("Course saved."))
        return redirect(saved)
    context = {"form": form, "course": course}
    return render(request, "training/course_form.html", context, status=form_status(form))


def _course_context(request, course: Course, **forms) -> dict:
    user = request.user
    manage = can_manage(user, course)
    enrollment = selectors.enrollment_of(user=user, course=course)
    context = {
        "course": course,
        "can_manage": manage,
        "enrollment": enrollment,
        "lessons": selectors.lessons_of(user=user, course=course),
        "course_quiz": selectors.course_quiz(course),
        "certification": selectors.certification_get(user=user, course=course),
        "enablement": selectors.enablement_of(course),
        "attachments": selectors.attachments_of(course) if manage else [],
        "attachment_form": AttachmentForm(),
        "assign_form": forms.get("assign_form") or AssignForm(prefix="assign"),
        "lesson_form": forms.get("lesson_form") or LessonForm(prefix="lesson", user=user),
    }
    if enrollment is not None:
        context["steps"] = _steps(enrollment)
    if manage or user.can_edit:
        rows = selectors.assignment_list(user=user, course=course)
        context["learners"] = paginate(request, rows, PER_PAGE)
        learners = context["learners"]
        learners.object_list = selectors.scores_visible(user=user, rows=learners.object_list)
    return context


def _steps(enrollment) -> list[dict]:
    """The learner's version's lessons, with what is done."""
    out = []
    for number, lesson in enumerate(enrollment.version.lessons(), 1):
        out.append(
            {"number": number, "lesson": lesson, "done": str(lesson["id"]) in enrollment.done}
        )
    return out


@login_required
def course_detail(request, pk):
    course = selectors.course_get(user=request.user, pk=pk)
    return render(request, "training/course_detail.html", _course_context(request, course))


@login_required
@require_POST
def course_action(request, pk, action):
    course = selectors.course_get(user=request.user, pk=pk)
    calls = {
        "publish": (services.course_publish, _("Course published.")),
        "archive": (services.course_archive, _("Course archived.")),
        "restart": (services.course_restart, _("Learners in progress start the new version.")),
        "start": (services.enrollment_start, None),
    }
    if action not in calls:
        raise Http404
    call, message = calls[action]
    try:
        if action == "start":
            call(actor=request.user, course=course)
        else:
            call(actor=request.user, course=course)
            messages.success(request, message)
    except DomainError as exc:
        _refused(request, exc)
    return redirect(course)


@login_required
@require_POST
def assign(request, pk):
    course = selectors.course_get(user=request.user, pk=pk)
    form = AssignForm(request.POST, prefix="assign")

    def call():
        d = form.cleaned_data
        return services.assignment_create(
            actor=request.user,
            course=course,
            due_on=d["due_on"],
            users=list(d["users"]),
            teams=list(d["teams"]),
            roles=list(d["roles"]),
        )

    rows = submit(form, call)
    if rows is not None:
        messages.success(request, _("%(n)d people have this course to take.") % {"n": len(rows)})
        return redirect(course.get_absolute_url() + "#learners")
    context = _course_context(request, course, assign_form=form)
    return render(request, "training/course_detail.html", context, status=form_status(form))


# Lessons (as the owner edits them) ----------------------------------------------------------


def _lesson_data(form: LessonForm) -> services.LessonData:
    d = form.values()
    return services.LessonData(
        title=d["title"],
        kind=d["kind"],
        page=d["page"],
        body=d["body"],
        features=list(d["features"]),
        releases=list(d["releases"]),
    )


@login_required
@require_POST
def lesson_add(request, pk):
    course = selectors.course_get(user=request.user, pk=pk)
    form = LessonForm(request.POST, prefix="lesson", user=request.user)
    lesson = submit(
        form,
        lambda: services.lesson_create(actor=request.user, course=course, data=_lesson_data(form)),
    )
    if lesson is not None:
        return redirect(course.get_absolute_url() + "#lessons")
    context = _course_context(request, course, lesson_form=form)
    return render(request, "training/course_detail.html", context, status=form_status(form))


@login_required
@GET_POST
def lesson_edit(request, pk):
    lesson = selectors.lesson_get(user=request.user, pk=pk)
    if not can_manage(request.user, lesson.course):
        raise PermissionDenied(_("Only the owner of this course can change it."))
    initial = {
        "title": lesson.title,
        "kind": lesson.kind,
        "page": lesson.page_id,
        "body": lesson.body,
        "features": [f.pk for f in lesson.features.all()],
        "releases": [r.pk for r in lesson.releases.all()],
    }
    form = LessonForm(request.POST or None, initial=initial, user=request.user).versioned(lesson)
    saved = submit(
        form,
        lambda: services.lesson_update(
            actor=request.user,
            lesson=lesson,
            data=_lesson_data(form),
            if_version=form.seen_version(),
        ),
    )
    if saved:
        messages.success(request, _("Lesson saved."))
        return redirect(lesson.course.get_absolute_url() + "#lessons")
    context = {"form": form, "lesson": lesson, "course": lesson.course}
    return render(request, "training/lesson_form.html", context, status=form_status(form))


def _deleted(request, delete, *, done: str) -> bool:
    """Run ``delete`` with the version the page showed; a message either way."""
    try:
        delete(if_version=request.POST.get("edit_version") or None)
    except StaleVersion:
        messages.error(
            request,
            _("Someone changed this since you opened it, so it was not deleted. Check it, then "
              "delete it again."),
        )  # fmt: skip
        return False
    except DomainError as exc:
        _refused(request, exc)
        return False
    messages.success(request, done)
    return True


@login_required
@require_POST
def lesson_delete(request, pk):
    lesson = selectors.lesson_get(user=request.user, pk=pk)
    delete = partial(services.lesson_delete, actor=request.user, lesson=lesson)
    if _deleted(request, delete, done=_("Lesson deleted.")):
        return redirect(lesson.course.get_absolute_url() + "#lessons")
    return redirect("training:lesson-edit", lesson.pk)


# Quizzes and questions ----------------------------------------------------------------------


@login_required
@require_POST
def quiz_add(request, pk):
    course = selectors.course_get(user=request.user, pk=pk)
    lesson = None
    if request.POST.get("lesson"):
        lesson = get_object_or_404(course.lessons, pk=request.POST["lesson"])
    try:
        quiz = services.quiz_create(actor=request.user, course=course, lesson=lesson)
    except DomainError as exc:
        _refused(request, exc)
        return redirect(course)
    return redirect("training:quiz-edit", quiz.pk)


def _question_data(form: QuestionForm) -> services.QuestionData:
    choices, true_is_correct = form.parsed_choices()
    d = form.cleaned_data
    return services.QuestionData(
        kind=d["kind"],
        text=d["text"],
        explanation=d["explanation"],
        choices=choices,
        true_is_correct=true_is_correct,
    )


@login_required
@GET_POST
def quiz_edit(request, pk):
    """The quiz's settings, its questions with their answers, and a form to add one."""
    quiz = selectors.quiz_get(user=request.user, pk=pk)
    adding = request.method == "POST" and "question-text" in request.POST
    form = QuizForm(
        None if adding else (request.POST or None),
        initial={"pass_mark": quiz.pass_mark, "max_attempts": quiz.max_attempts},
    ).versioned(quiz)
    question_form = QuestionForm(request.POST if adding else None, prefix="question")
    if adding:
        done = submit(
            question_form,
            lambda: services.question_create(
                actor=request.user, quiz=quiz, data=_question_data(question_form)
            ),
        )
    else:
        done = submit(
            form,
            lambda: services.quiz_update(
                actor=request.user, quiz=quiz, if_version=form.seen_version(), **form.values()
            ),
        )
    if done:
        messages.success(request, _("Quiz saved."))
        return redirect("training:quiz-edit", quiz.pk)
    context = {
        "quiz": quiz,
        "course": quiz.course,
        "form": form,
        "question_form": question_form,
        "questions": selectors.questions_of(quiz),
    }
    return render(
        request, "training/quiz_form.html", context, status=form_status(form, question_form)
    )


@login_required
@GET_POST
def question_edit(request, pk):
    question = selectors.question_get(user=request.user, pk=pk)
    form = QuestionForm(request.POST or None, initial=question_initial(question)).versioned(
        question
    )
    saved = submit(
        form,
        lambda: services.question_update(
            actor=request.user,
            question=question,
            data=_question_data(form),
            if_version=form.seen_version(),
        ),
    )
    if saved:
        messages.success(request, _("Question saved."))
        return redirect("training:quiz-edit", question.quiz_id)
    context = {
        "form": form,
        "question": question,
        "quiz": question.quiz,
        "course": question.quiz.course,
    }
    return render(request, "training/question_form.html", context, status=form_status(form))


@login_required
@require_POST
def quiz_delete(request, pk):
    quiz = selectors.quiz_get(user=request.user, pk=pk)
    delete = partial(services.quiz_delete, actor=request.user, quiz=quiz)
    if _deleted(request, delete, done=_("Quiz deleted.")):
        return redirect(quiz.course.get_absolute_url() + "#lessons")
    return redirect("training:quiz-edit", quiz.pk)


@login_required
@require_POST
def question_delete(request, pk):
    question = selectors.question_get(user=request.user, pk=pk)
    delete = partial(services.question_delete, actor=request.user, question=question)
    if _deleted(request, delete, done=_("Question deleted.")):
        return redirect("training:quiz-edit", question.quiz_id)
    return redirect("training:question-edit", question.pk)


# Taking a course ----------------------------------------------------------------------------


def _my_enrollment(request, pk):
    course = selectors.course_get(user=request.user, pk=pk)
    enrollment = selectors.enrollment_of(user=request.user, course=course)
    if enrollment is None:
        raise Http404
    return course, enrollment


@login_required
@GET_POST
def learn(request, pk, key):
    """A lesson of the learner's version: its page's published version or its text; "I have
    read it", or its quiz."""
    course, enrollment = _my_enrollment(request, pk)
    if request.method == "POST":
        try:
            services.lesson_complete(actor=request.user, enrollment=enrollment, lesson_key=key)
        except DomainError as exc:
            _refused(request, exc)
        return redirect(course)
    view = selectors.lesson_view(user=request.user, enrollment=enrollment, key=key)
    attempts = (
        selectors.attempts_of(enrollment=enrollment, quiz_key=view.quiz["id"]) if view.quiz else []
    )
    context = {"course": course, "enrollment": enrollment, "view": view, "attempts": attempts}
    return render(request, "training/learn.html", context)


@login_required
@GET_POST
def course_quiz(request, pk):
    """The course's own quiz: its attempts so far and the button to start one."""
    course, enrollment = _my_enrollment(request, pk)
    quiz = enrollment.version.content.get("quiz")
    if quiz is None:
        raise Http404
    attempts = selectors.attempts_of(enrollment=enrollment, quiz_key=quiz["id"])
    context = {"course": course, "enrollment": enrollment, "quiz": quiz, "attempts": attempts}
    return render(request, "training/course_quiz.html", context)


@login_required
@require_POST
def attempt_start(request, pk, quiz_key):
    course, enrollment = _my_enrollment(request, pk)
    try:
        attempt = services.attempt_start(
            actor=request.user, enrollment=enrollment, quiz_key=quiz_key
        )
    except DomainError as exc:
        _refused(request, exc)
        return redirect(course)
    return redirect(attempt)


@login_required
@GET_POST
def attempt_detail(request, pk):
    """The attempt's questions as a form, or once submitted its score and explanations."""
    attempt = selectors.attempt_get(user=request.user, pk=pk)
    status = 200
    if request.method == "POST":
        answers = {}
        for name in request.POST:
            if name.startswith("q"):
                answers[name[1:]] = request.POST.getlist(name)
        try:
            services.attempt_submit(actor=request.user, attempt=attempt, answers=answers)
            return redirect(attempt)
        except DomainError as exc:
            _refused(request, exc)
            status = exc.status_code
        attempt = selectors.attempt_get(user=request.user, pk=pk)
    enrollment = attempt.enrollment
    context = {
        "attempt": attempt,
        "course": enrollment.course,
        "enrollment": enrollment,
        "questions": selectors.attempt_questions(attempt),
        "quiz": enrollment.version.quiz(attempt.quiz_key),
    }
    return render(request, "training/attempt.html", context, status=status)


# Reports, certifications ----------------------------------------------------------------------


@login_required
def report(request):
    """Completion by course and by team, and each learner's progress (overdue first with
    ``?overdue=1``); ``?format=csv`` downloads the rows."""
    user = request.user
    course = None
    if request.GET.get("course", "").isdigit():
        course = selectors.course_get(user=user, pk=int(request.GET["course"]))
    team = None
    if request.GET.get("team", "").isdigit():
        team = get_object_or_404(Team, pk=int(request.GET["team"]))
    overdue = request.GET.get("overdue") == "1"
    if request.GET.get("format") == "csv":
        rows = selectors.assignment_list(user=user, course=course, team=team, overdue=overdue)
        return _report_csv(user, rows)
    rows = selectors.report_list(user=user, course=course, team=team, overdue=overdue)
    page = paginate(request, rows, PER_PAGE)
    page.object_list = selectors.report_rows(user=user, rows=page.object_list)
    report = selectors.completion_report(user=user, course=course)
    context = {
        "report": report,
        "by_course": paginate(request, report["by_course"], COURSES_PER_PAGE, "cp"),
        "months": selectors.completions_by_month(user=user, course=course, team=team),
        "page": page,
        "course": course,
        "team": team,
        "overdue": overdue,
        "courses": readable_courses(user).order_by("title").values_list("id", "title"),
        "teams": Team.objects.all(),
    }
    return render(request, "training/report.html", context)


def _report_csv(user, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="training-completion.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["course", "person", "email", "due_on", "completed_at", "overdue", "percent", "best_score"]
    )
    for start in range(0, rows.count(), 1000):
        chunk = list(rows[start : start + 1000])
        selectors.scores_visible(user=user, rows=chunk)
        for r in chunk:
            writer.writerow(
                [
                    r.course.title,
                    r.user.name,
                    r.user.email,
                    r.due_on.isoformat(),
                    r.completed_at.isoformat() if r.completed_at else "",
                    "yes" if r.is_overdue() else "",
                    selectors.percent(r),
                    "" if r.best_score is None else r.best_score,
                ]
            )
    return response


@login_required
def statistics(request, pk):
    """Each quiz question of the course: the share of right answers and the wrong answers
    chosen most, the questions most people miss first (the course's owner)."""
    course = selectors.course_get(user=request.user, pk=pk)
    stats = selectors.question_statistics(user=request.user, course=course)
    context = {"course": course, "stats": stats, "chart": selectors.statistics_chart(stats)}
    return render(request, "training/statistics.html", context)


@login_required
def matrix(request):
    """Who holds which certification, until when."""
    return render(
        request,
        "training/matrix.html",
        {"matrix": selectors.certification_matrix(user=request.user)},
    )


@login_required
@GET_POST
def certification_edit(request, pk):
    course = selectors.course_get(user=request.user, pk=pk)
    if not can_manage(request.user, course):
        raise PermissionDenied(_("Only the owner of this course can change it."))
    cert = selectors.certification_get(user=request.user, course=course)
    initial = (
        {"name": cert.name, "valid_days": cert.valid_days, "warn_days": cert.warn_days}
        if cert
        else {"name": course.title}
    )
    form = CertificationForm(request.POST or None, initial=initial)
    if cert:
        form.versioned(cert)
    saved = submit(
        form,
        lambda: services.certification_set(
            actor=request.user, course=course, if_version=form.seen_version(), **form.values()
        ),
    )
    if saved:
        messages.success(request, _("Certification saved."))
        return redirect(course)
    context = {"form": form, "course": course, "certification": cert}
    return render(request, "training/certification_form.html", context, status=form_status(form))


# Learning paths -------------------------------------------------------------------------------


@login_required
def path_list(request):
    context = {"page": paginate(request, selectors.path_list(user=request.user), PER_PAGE)}
    return render(request, "training/path_list.html", context)


@login_required
@GET_POST
def path_detail(request, pk):
    """The path's courses for the reader (passed, open or waiting); editors assign it."""
    path = selectors.path_get(user=request.user, pk=pk)
    form = AssignForm(request.POST or None, prefix="assign")

    def call():
        d = form.cleaned_data
        return services.path_assign(
            actor=request.user,
            path=path,
            due_on=d["due_on"],
            users=list(d["users"]),
            teams=list(d["teams"]),
            roles=list(d["roles"]),
        )

    count = submit(form, call)
    if count is not None:
        messages.success(request, _("%(n)d courses assigned.") % {"n": count})
        return redirect(path)
    context = {
        "path": path,
        "steps": selectors.path_progress(user=request.user, path=path),
        "assign_form": form,
    }
    return render(request, "training/path_detail.html", context, status=form_status(form))


def _path_courses(request, form: PathForm) -> list[Course]:
    titles = [t.strip() for t in form.cleaned_data["courses"].splitlines() if t.strip()]
    readable = selectors.course_list(user=request.user)
    found = {c.title.casefold(): c for c in readable.filter(title__in=titles)}
    missing = [t for t in titles if t.casefold() not in found]
    if missing:
        raise DomainError(
            _("No course is called: %(titles)s.") % {"titles": ", ".join(missing)}, field="courses"
        )
    return [found[t.casefold()] for t in titles]


@login_required
@GET_POST
def path_create(request):
    form = PathForm(request.POST or None)
    path = submit(
        form,
        lambda: services.path_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            courses=_path_courses(request, form),
        ),
    )
    if path:
        return redirect(path)
    return render(request, "training/path_form.html", {"form": form}, status=form_status(form))


@login_required
@GET_POST
def path_edit(request, pk):
    path: LearningPath = selectors.path_get(user=request.user, pk=pk)
    titles = "\n".join(s.course.title for s in path.steps.select_related("course"))
    initial = {"name": path.name, "description": path.description, "courses": titles}
    form = PathForm(request.POST or None, initial=initial).versioned(path)
    saved = submit(
        form,
        lambda: services.path_update(
            actor=request.user,
            path=path,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            courses=_path_courses(request, form),
            if_version=form.seen_version(),
        ),
    )
    if saved:
        return redirect(saved)
    context = {"form": form, "path": path}
    return render(request, "training/path_form.html", context, status=form_status(form))


@login_required
@GET_POST
def gate_edit(request, slug):
    """The product's release gate criterion "enablement complete" (administrators)."""
    from wavelength.catalog.models import Product

    product = get_object_or_404(Product, slug=slug)
    gate = EnablementGate.objects.filter(product=product).first() or EnablementGate(product=product)
    initial = {
        "min_percent": gate.min_percent,
        "teams": [t.pk for t in gate.teams.all()] if gate.pk else [],
        "owner": gate.owner_id,
    }
    form = EnablementGateForm(request.POST or None, initial=initial).versioned(gate)
    saved = submit(
        form,
        lambda: services.enablement_gate_set(
            actor=request.user,
            product=product,
            min_percent=form.cleaned_data["min_percent"],
            teams=list(form.cleaned_data["teams"]),
            owner=form.cleaned_data["owner"],
            if_version=form.seen_version(),
        ),
    )
    if saved:
        messages.success(request, _("Enablement criterion saved."))
        return redirect(product)
    context = {"form": form, "product": product}
    return render(request, "training/gate_form.html", context, status=form_status(form))


# Release enablement ---------------------------------------------------------------------------


@login_required
@require_POST
def enablement_draft(request):
    """Draft the enablement course of a release or a feature (``release`` or ``feature`` in the
    form), then open it."""
    from wavelength.catalog.models import Feature, Release

    release = feature = None
    if request.POST.get("release", "").isdigit():
        release = get_object_or_404(
            Release.objects.select_related("product"), pk=request.POST["release"]
        )
    elif request.POST.get("feature", "").isdigit():
        feature = get_object_or_404(
            Feature.objects.select_related("product"), pk=request.POST["feature"]
        )
    else:
        raise Http404
    try:
        enablement = services.enablement_draft(actor=request.user, release=release, feature=feature)
    except DomainError as exc:
        _refused(request, exc)
        return redirect(release or feature)
    messages.success(request, _("Enablement course drafted: review it, then publish it."))
    return redirect(enablement.course)


@login_required
@GET_POST
def enablement_edit(request, pk):
    """The teams publishing the enablement course assigns it to, and by when."""
    enablement = selectors.enablement_get(user=request.user, pk=pk)
    if not can_manage(request.user, enablement.course):
        raise PermissionDenied(_("Only the owner of this course can change it."))
    initial = {"teams": [t.pk for t in enablement.teams.all()], "due_on": enablement.due_on}
    form = EnablementForm(request.POST or None, initial=initial).versioned(enablement)
    saved = submit(
        form,
        lambda: services.enablement_update(
            actor=request.user,
            enablement=enablement,
            teams=list(form.cleaned_data["teams"]),
            due_on=form.cleaned_data["due_on"],
            if_version=form.seen_version(),
        ),
    )
    if saved:
        messages.success(request, _("Enablement saved."))
        return redirect(enablement.course)
    context = {"form": form, "enablement": enablement, "course": enablement.course}
    return render(request, "training/enablement_form.html", context, status=form_status(form))


# Courses as files -----------------------------------------------------------------------------


@login_required
def course_export(request, pk):
    """The course as a zip of Markdown files, quizzes included (its owner)."""
    course = selectors.course_get(user=request.user, pk=pk)
    files = services.course_export(actor=request.user, course=course)
    response = HttpResponse(services.as_zip(course, files), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="course-{course.pk}.zip"'
    return response


@login_required
@GET_POST
def course_import(request):
    """A draft course from a zip of Markdown files; all or nothing."""
    require_editor(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    course = submit(
        form,
        lambda: services.course_import(
            actor=request.user, files=_archive_files(form.cleaned_data["archive"])
        ),
    )
    if course:
        messages.success(request, _("Course imported as a draft: review it, then publish it."))
        return redirect(course)
    return render(request, "training/import.html", {"form": form}, status=form_status(form))


def _archive_files(upload) -> dict[str, str]:
    try:
        return read_zip(upload)
    except DomainError as exc:
        raise DomainError(exc.message, field="archive") from None


# Images and files of the lessons --------------------------------------------------------------


@login_required
@require_POST
def attachment_upload(request, pk):
    course = selectors.course_get(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(course.get_absolute_url() + "#files")
    try:
        attachment = services.attachment_add(
            actor=request.user, course=course, upload=form.cleaned_data["file"]
        )
    except DomainError as exc:
        _refused(request, exc)
        return redirect(course.get_absolute_url() + "#files")
    messages.success(
        request,
        _("Attached “%(name)s”. Show it in a lesson with %(markdown)s")
        % {"name": attachment.name, "markdown": markdown_for(attachment)},
    )
    return redirect(course.get_absolute_url() + "#files")


@login_required
def attachment_download(request, pk, name):
    """The file, only for someone who may see its course (the data directory is never
    public)."""
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    if attachment.name != name:
        raise Http404
    return file_response(attachment)


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    try:
        services.attachment_delete(actor=request.user, attachment=attachment)
        messages.success(request, _("File removed."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect(attachment.course.get_absolute_url() + "#files")
