"""Training API: courses, lessons, quizzes and questions (for their owners), taking a course
(enrolments, lessons, attempts: answers only after submitting), assignments, reports,
certifications and learning paths.

Every GET of an editable object answers its ETag; a PATCH with a stale If-Match answers 412
and changes nothing. Permissions are the services' own.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from wavelength.accounts.models import Team, User
from wavelength.catalog.models import Feature, Release
from wavelength.core.api import Pagination, References
from wavelength.core.exceptions import DomainError
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, IfMatch, set_etag
from wavelength.knowledge.models import Page

from . import selectors, services
from .models import Attempt, Certification, EnablementGate
from .schemas import (
    AnswersIn,
    AssignmentOut,
    AttemptOut,
    CertificationIn,
    CertificationOut,
    CourseAssignIn,
    CourseFileOut,
    CourseIn,
    CourseOut,
    CoursePatch,
    EnablementGateIn,
    EnablementGateOut,
    EnablementIn,
    EnablementOut,
    EnablementPatch,
    EnrollmentOut,
    GrantOut,
    LessonIn,
    LessonOut,
    LessonPatch,
    PathIn,
    PathOut,
    PathPatch,
    QuestionIn,
    QuestionOut,
    QuestionPatch,
    QuestionStatsOut,
    QuizIn,
    QuizOut,
    QuizPatch,
    ReportOut,
)

router = Router(tags=["training"])
PEOPLE = User.objects.filter(is_active=True)


def _many(refs: References, values: dict, name: str, queryset):
    if values.get(name) is None:
        return None
    return refs.get_many(queryset, values[name], field=name)


# Courses ------------------------------------------------------------------------------------


def _course_data(request, values: dict, course=None) -> services.CourseData:
    refs = References()
    owner = refs.get(PEOPLE, values.get("owner"), field="owner") if values.get("owner") else None
    sets = {
        "audience_teams": _many(refs, values, "audience_teams", Team.objects.all()),
        "features": _many(refs, values, "features", Feature.objects.all()),
        "releases": _many(refs, values, "releases", Release.objects.all()),
    }
    refs.check()
    base = (
        {}
        if course is None
        else {
            k: getattr(course, k)
            for k in ("title", "summary", "duration_minutes", "audience_roles")
        }
    )
    scalars = {k: v for k, v in values.items() if k not in ("owner", *sets) and v is not None}
    owner = owner or (course.owner if course else request.auth)
    return services.CourseData(**{**base, **scalars}, owner=owner, **sets)


@router.get("/training/courses", response={200: list[CourseOut], **ERRORS}, url_name="course-list")
@paginate(Pagination)
def course_list(request, status: str | None = None):
    qs = selectors.course_list(user=request.auth, status=status)
    return qs.prefetch_related("features", "releases")


@router.post("/training/courses", response={201: CourseOut, **ERRORS}, url_name="course-create")
def course_create(request, payload: CourseIn, response: HttpResponse):
    course = services.course_create(actor=request.auth, data=_course_data(request, payload.dict()))
    set_etag(response, course)
    return Status(201, selectors.course_get(user=request.auth, pk=course.pk))


@router.get(
    "/training/courses/{course_id}", response={200: CourseOut, **ERRORS}, url_name="course-detail"
)
def course_detail(request, course_id: int, response: HttpResponse):
    course = selectors.course_get(user=request.auth, pk=course_id)
    set_etag(response, course)
    return course


@router.patch(
    "/training/courses/{course_id}",
    response={200: CourseOut, **VERSIONED_ERRORS},
    url_name="course-update",
)
def course_update(
    request,
    course_id: int,
    payload: CoursePatch,
    response: HttpResponse,
    if_match: IfMatch = None,
):
    course = selectors.course_get(user=request.auth, pk=course_id)
    data = _course_data(request, payload.dict(exclude_unset=True), course)
    services.course_update(actor=request.auth, course=course, data=data, if_version=if_match)
    return course_detail(request, course_id, response)


@router.post(
    "/training/courses/{course_id}/publish",
    response={200: CourseOut, **ERRORS},
    url_name="course-publish",
)
def course_publish(request, course_id: int):
    """Publish: the lessons and quizzes become the version new learners take."""
    course = selectors.course_get(user=request.auth, pk=course_id)
    services.course_publish(actor=request.auth, course=course)
    return selectors.course_get(user=request.auth, pk=course_id)


@router.post(
    "/training/courses/{course_id}/archive",
    response={200: CourseOut, **ERRORS},
    url_name="course-archive",
)
def course_archive(request, course_id: int):
    course = selectors.course_get(user=request.auth, pk=course_id)
    services.course_archive(actor=request.auth, course=course)
    return selectors.course_get(user=request.auth, pk=course_id)


@router.post(
    "/training/courses/{course_id}/restart",
    response={200: dict, **ERRORS},
    url_name="course-restart",
)
def course_restart(request, course_id: int):
    """Move the learners in progress on an older version to the current one."""
    course = selectors.course_get(user=request.auth, pk=course_id)
    return {"restarted": services.course_restart(actor=request.auth, course=course)}


# Lessons ------------------------------------------------------------------------------------


def _lesson_data(values: dict, lesson=None) -> services.LessonData:
    refs = References()
    page = refs.get(Page.objects.all(), values.get("page"), field="page")
    links = {
        "features": _many(refs, values, "features", Feature.objects.all()),
        "releases": _many(refs, values, "releases", Release.objects.all()),
    }
    refs.check()
    if lesson is None:
        return services.LessonData(
            title=values.get("title") or "",
            kind=values["kind"],
            page=page,
            body=values.get("body") or "",
            **links,
        )
    return services.LessonData(
        title=values.get("title") or lesson.title,
        kind=values.get("kind") or lesson.kind,
        page=page if "page" in values else lesson.page,
        body=values["body"] if values.get("body") is not None else lesson.body,
        **links,
    )


@router.get(
    "/training/courses/{course_id}/lessons",
    response={200: list[LessonOut], **ERRORS},
    url_name="lesson-list",
)
def lesson_list(request, course_id: int):
    course = selectors.course_get(user=request.auth, pk=course_id)
    return course.lessons.prefetch_related("features", "releases").order_by("position", "id")


@router.post(
    "/training/courses/{course_id}/lessons",
    response={201: LessonOut, **ERRORS},
    url_name="lesson-create",
)
def lesson_create(request, course_id: int, payload: LessonIn):
    course = selectors.course_get(user=request.auth, pk=course_id)
    lesson = services.lesson_create(
        actor=request.auth, course=course, data=_lesson_data(payload.dict())
    )
    return Status(201, lesson)


@router.get(
    "/training/lessons/{lesson_id}", response={200: LessonOut, **ERRORS}, url_name="lesson-detail"
)
def lesson_detail(request, lesson_id: int, response: HttpResponse):
    lesson = selectors.lesson_get(user=request.auth, pk=lesson_id)
    set_etag(response, lesson)
    return lesson


@router.patch(
    "/training/lessons/{lesson_id}",
    response={200: LessonOut, **VERSIONED_ERRORS},
    url_name="lesson-update",
)
def lesson_update(
    request,
    lesson_id: int,
    payload: LessonPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
):
    lesson = selectors.lesson_get(user=request.auth, pk=lesson_id)
    data = _lesson_data(payload.dict(exclude_unset=True), lesson)
    services.lesson_update(actor=request.auth, lesson=lesson, data=data, if_version=if_match)
    return lesson_detail(request, lesson_id, response)


@router.delete(
    "/training/lessons/{lesson_id}",
    response={204: None, **VERSIONED_ERRORS},
    url_name="lesson-delete",
)
def lesson_delete(request, lesson_id: int, if_match: IfMatch = None):
    """Remove a lesson with its quiz (the course's owner and administrators). Learners already
    in the course keep their version; on a published course, new learners get a new one."""
    lesson = selectors.lesson_get(user=request.auth, pk=lesson_id)
    services.lesson_delete(actor=request.auth, lesson=lesson, if_version=if_match)
    return Status(204, None)


# Images and files of the lessons ----------------------------------------------------------


@router.get(
    "/training/courses/{course_id}/files",
    response={200: list[CourseFileOut], **ERRORS},
    url_name="course-file-list",
)
@paginate(Pagination)
def course_file_list(request, course_id: int):
    """The images and files the course's lessons show or link (whoever may read the
    course), by name."""
    return selectors.attachment_list(user=request.auth, course_id=course_id)


@router.post(
    "/training/courses/{course_id}/files",
    response={201: CourseFileOut, **ERRORS},
    url_name="course-file-create",
)
def course_file_create(request, course_id: int, file: File[UploadedFile]):
    """Upload an image or file for the course's lessons (multipart field ``file``; the course's
    owner and administrators). The same limits as the knowledge pages' files: over
    ``KNOWLEDGE_MAX_UPLOAD_BYTES`` (10 MB unless set) answers 413; the name is made safe; SVG
    and anything not an image is always downloaded, never shown. Link it from a lesson with the
    answer's ``markdown``."""
    course = selectors.course_get(user=request.auth, pk=course_id)
    attachment = services.attachment_add(actor=request.auth, course=course, upload=file)
    return Status(201, attachment)


@router.get(
    "/training/files/{file_id}",
    response={200: None, **ERRORS},
    url_name="course-file-download",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file's content: images other than SVG inline, anything "
                "else as a download (Content-Type application/octet-stream), never sniffed.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def course_file_download(request, file_id: int):
    """A lesson's file, for whoever may read its course (404 otherwise)."""
    from wavelength.knowledge.views import file_response

    return file_response(selectors.attachment_get(user=request.auth, pk=file_id))


@router.delete(
    "/training/files/{file_id}", response={204: None, **ERRORS}, url_name="course-file-delete"
)
def course_file_delete(request, file_id: int):
    """Remove a lesson's file (the course's owner and administrators); lessons that show it
    then show a broken link."""
    attachment = selectors.attachment_get(user=request.auth, pk=file_id)
    services.attachment_delete(actor=request.auth, attachment=attachment)
    return Status(204, None)


# Quizzes and questions --------------------------------------------------------------------


@router.post(
    "/training/courses/{course_id}/quizzes",
    response={201: QuizOut, **ERRORS},
    url_name="quiz-create",
)
def quiz_create(request, course_id: int, payload: QuizIn):
    course = selectors.course_get(user=request.auth, pk=course_id)
    refs = References()
    lesson = refs.get(course.lessons.all(), payload.lesson, field="lesson")
    refs.check()
    quiz = services.quiz_create(
        actor=request.auth,
        course=course,
        lesson=lesson,
        pass_mark=payload.pass_mark,
        max_attempts=payload.max_attempts,
    )
    return Status(201, quiz)


@router.get(
    "/training/quizzes/{quiz_id}", response={200: QuizOut, **ERRORS}, url_name="quiz-detail"
)
def quiz_detail(request, quiz_id: int, response: HttpResponse):
    """A quiz with its answers: for the course's owner and the administrators only."""
    quiz = selectors.quiz_get(user=request.auth, pk=quiz_id)
    set_etag(response, quiz)
    return quiz


@router.patch(
    "/training/quizzes/{quiz_id}",
    response={200: QuizOut, **VERSIONED_ERRORS},
    url_name="quiz-update",
)
def quiz_update(
    request, quiz_id: int, payload: QuizPatch, response: HttpResponse, if_match: IfMatch = None
):
    quiz = selectors.quiz_get(user=request.auth, pk=quiz_id)
    values = payload.dict(exclude_unset=True)
    services.quiz_update(
        actor=request.auth,
        quiz=quiz,
        if_version=if_match,
        pass_mark=values.get("pass_mark")
        if values.get("pass_mark") is not None
        else quiz.pass_mark,
        max_attempts=values.get("max_attempts")
        if values.get("max_attempts") is not None
        else quiz.max_attempts,
    )
    return quiz_detail(request, quiz_id, response)


@router.delete(
    "/training/quizzes/{quiz_id}",
    response={204: None, **VERSIONED_ERRORS},
    url_name="quiz-delete",
)
def quiz_delete(request, quiz_id: int, if_match: IfMatch = None):
    """Remove a quiz with its questions; attempts already made are kept."""
    quiz = selectors.quiz_get(user=request.auth, pk=quiz_id)
    services.quiz_delete(actor=request.auth, quiz=quiz, if_version=if_match)
    return Status(204, None)


def _question_data(values: dict, question=None) -> services.QuestionData:
    if question is not None:
        old = question.choices
        values = {
            "kind": values.get("kind") or question.kind,
            "text": values.get("text") or question.text,
            "explanation": values["explanation"]
            if values.get("explanation") is not None
            else question.explanation,
            "choices": values["choices"]
            if values.get("choices") is not None
            else [{"text": c["text"], "correct": c["correct"]} for c in old],
            "true_is_correct": values["true_is_correct"]
            if values.get("true_is_correct") is not None
            else any(c["correct"] and c["text"] == "true" for c in old),
        }
    return services.QuestionData(
        kind=values["kind"],
        text=values["text"],
        explanation=values.get("explanation") or "",
        choices=[(c["text"], c["correct"]) for c in values.get("choices") or []],
        true_is_correct=values.get("true_is_correct", True),
    )


@router.post(
    "/training/quizzes/{quiz_id}/questions",
    response={201: QuestionOut, **ERRORS},
    url_name="question-create",
)
def question_create(request, quiz_id: int, payload: QuestionIn):
    quiz = selectors.quiz_get(user=request.auth, pk=quiz_id)
    question = services.question_create(
        actor=request.auth, quiz=quiz, data=_question_data(payload.dict())
    )
    return Status(201, question)


@router.get(
    "/training/questions/{question_id}",
    response={200: QuestionOut, **ERRORS},
    url_name="question-detail",
)
def question_detail(request, question_id: int, response: HttpResponse):
    question = selectors.question_get(user=request.auth, pk=question_id)
    set_etag(response, question)
    return question


@router.patch(
    "/training/questions/{question_id}",
    response={200: QuestionOut, **VERSIONED_ERRORS},
    url_name="question-update",
)
def question_update(
    request,
    question_id: int,
    payload: QuestionPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
):
    question = selectors.question_get(user=request.auth, pk=question_id)
    data = _question_data(payload.dict(exclude_unset=True), question)
    services.question_update(actor=request.auth, question=question, data=data, if_version=if_match)
    return question_detail(request, question_id, response)


@router.delete(
    "/training/questions/{question_id}",
    response={204: None, **VERSIONED_ERRORS},
    url_name="quiz-question-delete",
)
def question_delete(request, question_id: int, if_match: IfMatch = None):
    question = selectors.question_get(user=request.auth, pk=question_id)
    services.question_delete(actor=request.auth, question=question, if_version=if_match)
    return Status(204, None)


# Taking a course ----------------------------------------------------------------------------


@router.post(
    "/training/courses/{course_id}/enrollment",
    response={200: EnrollmentOut, **ERRORS},
    url_name="enrollment-start",
)
def enrollment_start(request, course_id: int):
    """Start the course (or get where the caller is in it)."""
    course = selectors.course_get(user=request.auth, pk=course_id)
    return services.enrollment_start(actor=request.auth, course=course)


def _enrollment(request, course_id: int):
    course = selectors.course_get(user=request.auth, pk=course_id)
    enrollment = selectors.enrollment_of(user=request.auth, course=course)
    if enrollment is None:
        from django.http import Http404

        raise Http404
    return enrollment


@router.post(
    "/training/courses/{course_id}/lessons/{lesson_id}/complete",
    response={200: EnrollmentOut, **ERRORS},
    url_name="lesson-complete",
)
def lesson_complete(request, course_id: int, lesson_id: int):
    enrollment = _enrollment(request, course_id)
    return services.lesson_complete(actor=request.auth, enrollment=enrollment, lesson_key=lesson_id)


def _attempt_out(attempt: Attempt) -> dict:
    enrollment = attempt.enrollment
    quiz = enrollment.version.quiz(attempt.quiz_key) or {"max_attempts": 0}
    used = enrollment.attempts.filter(quiz_key=attempt.quiz_key, cycle=enrollment.cycle).count()
    return {
        "id": attempt.pk,
        "quiz": attempt.quiz_key,
        "number": attempt.number,
        "started_at": attempt.started_at,
        "submitted_at": attempt.submitted_at,
        "score": attempt.score,
        "passed": attempt.passed,
        "attempts_left": services.attempts_left(enrollment, quiz, used),
        "questions": selectors.attempt_questions(attempt),
    }


@router.post(
    "/training/courses/{course_id}/quizzes/{quiz_id}/attempts",
    response={201: AttemptOut, **ERRORS},
    url_name="attempt-start",
)
def attempt_start(request, course_id: int, quiz_id: int):
    """A new attempt (or the open one): questions and answers in a random order, and nothing
    that says which answer is right."""
    enrollment = _enrollment(request, course_id)
    attempt = services.attempt_start(actor=request.auth, enrollment=enrollment, quiz_key=quiz_id)
    return Status(201, _attempt_out(selectors.attempt_get(user=request.auth, pk=attempt.pk)))


@router.get(
    "/training/attempts/{attempt_id}",
    response={200: AttemptOut, **ERRORS},
    url_name="attempt-detail",
)
def attempt_detail(request, attempt_id: int):
    """An attempt: to its learner and the administrators; answers once submitted."""
    return _attempt_out(selectors.attempt_get(user=request.auth, pk=attempt_id))


@router.post(
    "/training/attempts/{attempt_id}/submit",
    response={200: AttemptOut, **ERRORS},
    url_name="attempt-submit",
)
def attempt_submit(request, attempt_id: int, payload: AnswersIn):
    """Submit the answers, once: 409 for a second submission, 422 for an answer to a question
    that is not in the attempt."""
    attempt = selectors.attempt_get(user=request.auth, pk=attempt_id)
    services.attempt_submit(actor=request.auth, attempt=attempt, answers=payload.answers)
    return _attempt_out(selectors.attempt_get(user=request.auth, pk=attempt_id))


# Assignments and reports --------------------------------------------------------------------


def _assign_refs(payload: CourseAssignIn) -> dict:
    refs = References()
    found = {
        "users": refs.get_many(PEOPLE, payload.users, field="users"),
        "teams": refs.get_many(Team.objects.all(), payload.teams, field="teams"),
        "roles": payload.roles,
    }
    refs.check()
    return found


@router.post(
    "/training/courses/{course_id}/assignments",
    response={201: list[AssignmentOut], **ERRORS},
    url_name="assignment-create",
)
def assignment_create(request, course_id: int, payload: CourseAssignIn):
    """Assign the course to people, teams and roles by a due date (not in the past)."""
    course = selectors.course_get(user=request.auth, pk=course_id)
    rows = services.assignment_create(
        actor=request.auth, course=course, due_on=payload.due_on, **_assign_refs(payload)
    )
    rows = list(
        selectors.assignment_list(user=request.auth, course=course).filter(
            pk__in=[r.pk for r in rows]
        )
    )
    selectors.scores_visible(user=request.auth, rows=rows)
    return Status(201, rows)


@router.get(
    "/training/assignments",
    response={200: list[AssignmentOut], **ERRORS},
    url_name="assignment-list",
)
@paginate(Pagination)
def assignment_list(
    request,
    course: int | None = None,
    team: int | None = None,
    overdue: bool = False,
    mine: bool = False,
):
    """Assignments with progress: the caller's own, their reports', their courses' learners'
    (everyone's for an administrator)."""
    found = selectors.course_get(user=request.auth, pk=course) if course else None
    team_obj = get_object_or_404(Team, pk=team) if team else None
    qs = selectors.assignment_list(user=request.auth, course=found, team=team_obj, overdue=overdue)
    if mine:
        qs = qs.filter(user=request.auth)
    return _ScoredList(request.auth, qs)


class _ScoredList:
    """A queryset paginated as usual whose page hides the scores the caller may not see."""

    def __init__(self, user, qs):
        self.user, self.qs = user, qs

    def __len__(self):
        return self.qs.count()

    def count(self):
        return self.qs.count()

    def __getitem__(self, index):
        rows = list(self.qs[index])
        selectors.scores_visible(user=self.user, rows=rows)
        return rows


@router.get(
    "/training/reports/completion",
    response={200: ReportOut, **ERRORS},
    url_name="report-completion",
)
def report_completion(request, course: int | None = None):
    """Completion by course and by team over the assignments the caller may see."""
    found = selectors.course_get(user=request.auth, pk=course) if course else None
    return selectors.completion_report(user=request.auth, course=found)


# Certifications -----------------------------------------------------------------------------


@router.put(
    "/training/courses/{course_id}/certification",
    response={200: CertificationOut, **VERSIONED_ERRORS},
    url_name="certification-set",
)
def certification_set(
    request,
    course_id: int,
    payload: CertificationIn,
    response: HttpResponse,
    if_match: IfMatch = None,
):
    """Passing the course grants this certification (created or changed)."""
    course = selectors.course_get(user=request.auth, pk=course_id)
    cert = services.certification_set(
        actor=request.auth, course=course, if_version=if_match, **payload.dict()
    )
    set_etag(response, cert)
    return cert


@router.get(
    "/training/courses/{course_id}/certification",
    response={200: CertificationOut, **ERRORS},
    url_name="certification-detail",
)
def certification_detail(request, course_id: int, response: HttpResponse):
    course = selectors.course_get(user=request.auth, pk=course_id)
    cert = get_object_or_404(Certification, course=course)
    set_etag(response, cert)
    return cert


@router.get(
    "/training/certifications",
    response={200: list[CertificationOut], **ERRORS},
    url_name="certification-list",
)
def certification_list(request):
    return selectors.certification_list(user=request.auth)


@router.get("/training/grants", response={200: list[GrantOut], **ERRORS}, url_name="grant-list")
@paginate(Pagination)
def grant_list(request):
    """Who holds which certification, until when."""
    matrix = selectors.certification_matrix(user=request.auth)
    return [g for _user, grants in matrix.rows for g in grants if g is not None]


# Learning paths -----------------------------------------------------------------------------


def _courses(request, ids: list[int]):
    if len(set(ids)) != len(ids):
        raise DomainError(_("A course appears once in a path."), field="courses")
    refs = References()
    found = refs.get_many(selectors.course_list(user=request.auth), ids, field="courses")
    refs.check()
    return found


@router.get("/training/paths", response={200: list[PathOut], **ERRORS}, url_name="path-list")
@paginate(Pagination)
def path_list(request):
    return selectors.path_list(user=request.auth).prefetch_related("steps")


@router.post("/training/paths", response={201: PathOut, **ERRORS}, url_name="path-create")
def path_create(request, payload: PathIn):
    path = services.path_create(
        actor=request.auth,
        name=payload.name,
        description=payload.description,
        courses=_courses(request, payload.courses),
    )
    return Status(201, path)


@router.get("/training/paths/{path_id}", response={200: PathOut, **ERRORS}, url_name="path-detail")
def path_detail(request, path_id: int, response: HttpResponse):
    path = selectors.path_get(user=request.auth, pk=path_id)
    set_etag(response, path)
    return path


@router.patch(
    "/training/paths/{path_id}", response={200: PathOut, **VERSIONED_ERRORS}, url_name="path-update"
)
def path_update(
    request, path_id: int, payload: PathPatch, response: HttpResponse, if_match: IfMatch = None
):
    path = selectors.path_get(user=request.auth, pk=path_id)
    values = payload.dict(exclude_unset=True)
    courses = (
        _courses(request, values["courses"])
        if values.get("courses") is not None
        else [s.course for s in path.steps.select_related("course")]
    )
    services.path_update(
        actor=request.auth,
        path=path,
        courses=courses,
        if_version=if_match,
        name=values.get("name") or path.name,
        description=values["description"]
        if values.get("description") is not None
        else path.description,
    )
    return path_detail(request, path_id, response)


# The release gate's "enablement complete" -------------------------------------------------


def _gate(product: str):
    from wavelength.catalog.models import Product

    found = get_object_or_404(Product, slug=product)
    return EnablementGate.objects.filter(product=found).first() or EnablementGate(product=found)


@router.get(
    "/training/products/{product}/gate",
    response={200: EnablementGateOut, **ERRORS},
    url_name="enablement-gate-detail",
)
def gate_detail(request, product: str, response: HttpResponse):
    """The product's "enablement complete" criterion (unset: not part of its gate)."""
    gate = _gate(product)
    set_etag(response, gate)
    return gate


@router.put(
    "/training/products/{product}/gate",
    response={200: EnablementGateOut, **VERSIONED_ERRORS},
    url_name="enablement-gate-set",
)
def gate_set(
    request,
    product: str,
    payload: EnablementGateIn,
    response: HttpResponse,
    if_match: IfMatch = None,
):
    gate = _gate(product)
    refs = References()
    teams = refs.get_many(Team.objects.all(), payload.teams, field="teams")
    owner = refs.get(PEOPLE, payload.owner, field="owner") if payload.owner else None
    refs.check()
    services.enablement_gate_set(
        actor=request.auth,
        product=gate.product,
        min_percent=payload.min_percent,
        teams=teams,
        owner=owner,
        if_version=if_match,
    )
    return gate_detail(request, product, response)


@router.post(
    "/training/paths/{path_id}/assignments", response={201: dict, **ERRORS}, url_name="path-assign"
)
def path_assign(request, path_id: int, payload: CourseAssignIn):
    """Assign every course of the path by a due date; its learners take them in order."""
    path = selectors.path_get(user=request.auth, pk=path_id)
    count = services.path_assign(
        actor=request.auth, path=path, due_on=payload.due_on, **_assign_refs(payload)
    )
    return Status(201, {"assignments": count})


# Release enablement -----------------------------------------------------------------------


@router.post(
    "/training/enablements",
    response={201: EnablementOut, **ERRORS},
    url_name="enablement-draft",
)
def enablement_draft(request, payload: EnablementIn, response: HttpResponse):
    """Draft the enablement course of a release or a feature (editors): lessons from its
    description, pages, changelog, quotes and waiting customers, and a short quiz."""
    refs = References()
    release = (
        refs.get(Release.objects.all(), payload.release, field="release")
        if payload.release
        else None
    )
    feature = (
        refs.get(Feature.objects.all(), payload.feature, field="feature")
        if payload.feature
        else None
    )
    refs.check()
    enablement = services.enablement_draft(actor=request.auth, release=release, feature=feature)
    set_etag(response, enablement)
    return Status(201, enablement)


@router.get(
    "/training/enablements/{enablement_id}",
    response={200: EnablementOut, **ERRORS},
    url_name="enablement-detail",
)
def enablement_detail(request, enablement_id: int, response: HttpResponse):
    enablement = selectors.enablement_get(user=request.auth, pk=enablement_id)
    set_etag(response, enablement)
    return enablement


@router.patch(
    "/training/enablements/{enablement_id}",
    response={200: EnablementOut, **VERSIONED_ERRORS},
    url_name="enablement-update",
)
def enablement_update(
    request,
    enablement_id: int,
    payload: EnablementPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
):
    """The teams publishing the course assigns it to, and the due date (its owner)."""
    enablement = selectors.enablement_get(user=request.auth, pk=enablement_id)
    refs = References()
    teams = (
        refs.get_many(Team.objects.all(), payload.teams, field="teams")
        if payload.teams is not None
        else list(enablement.teams.all())
    )
    refs.check()
    services.enablement_update(
        actor=request.auth,
        enablement=enablement,
        teams=teams,
        due_on=payload.due_on or enablement.due_on,
        if_version=if_match,
    )
    return enablement_detail(request, enablement_id, response)


@router.get(
    "/training/courses/{course_id}/statistics",
    response={200: list[QuestionStatsOut], **ERRORS},
    url_name="question-statistics",
)
def question_statistics(request, course_id: int):
    """Each quiz question over the submitted attempts: how many answered, the share right and
    the wrong answers chosen most, the most missed first (the course's owner, administrators)."""
    course = selectors.course_get(user=request.auth, pk=course_id)
    return selectors.question_statistics(user=request.auth, course=course)


# Courses as files -------------------------------------------------------------------------


@router.post(
    "/training/course-imports", response={201: CourseOut, **ERRORS}, url_name="course-import"
)
def course_import(request, archive: File[UploadedFile]):
    """A draft course from a zip of Markdown files with front matter (as the export gives
    it); all or nothing, a mistake named with its file and line."""
    from wavelength.knowledge.views_io import read_zip

    try:
        files = read_zip(archive)
    except DomainError as exc:
        raise DomainError(exc.message, field="archive") from None
    course = services.course_import(actor=request.auth, files=files)
    return Status(201, selectors.course_get(user=request.auth, pk=course.pk))


@router.get(
    "/training/courses/{course_id}/export", response={200: None, **ERRORS}, url_name="course-export"
)
def course_export(request, course_id: int):
    """The course as a zip of Markdown files, quizzes and answers included (its owner)."""
    course = selectors.course_get(user=request.auth, pk=course_id)
    files = services.course_export(actor=request.auth, course=course)
    response = HttpResponse(services.as_zip(course, files), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="course-{course.pk}.zip"'
    return response
