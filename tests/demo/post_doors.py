"""Every ``POST`` of the API with a request the demo's administrator gets accepted, for the
permissions matrix (``test_write_permissions``).

``POSTS`` maps each path to ``find(caller)``, which answers the path's arguments (followed by
a query string, if any), the body and its content type. ``find`` may first put the demo in the
state the door needs (a merge to undo, a step waiting for approval, the caller enrolled in a
course): that happens before the request and is undone with it.
"""

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from wavelength.accounts.models import Role, User
from wavelength.catalog import gates
from wavelength.catalog.demo import DEMO_EMAIL
from wavelength.catalog.models import Feature, Product, Release, ReleaseStatus, Stage
from wavelength.conversations.models import Comment
from wavelength.conversations.services import thread_resolve
from wavelength.core import clock
from wavelength.core.markdown import plain_text
from wavelength.feedback.models import Company, Feedback
from wavelength.feedback.services import company_merge, feedback_merge
from wavelength.integrations.models import WebhookDelivery
from wavelength.knowledge.models import Page, PageStatus, Space, SpaceVisibility
from wavelength.meetings.models import Occurrence, OccurrenceStatus
from wavelength.outreach.models import LoopMessage, LoopStatus
from wavelength.planning.models import Objective
from wavelength.processes.models import CheckKind, Playbook, Run, RunStatus, RunStep, StepStatus
from wavelength.processes.services.runs import blocking_titles
from wavelength.quality.models import Defect, ResultStatus, Suite, TestPlan, TestResult, TestRun
from wavelength.quality.models import RunStatus as TestRunStatus
from wavelength.research.models import Highlight, Note, Study, Survey, SurveyStatus
from wavelength.training.models import Course, CourseStatus, LearningPath, Lesson, Quiz
from wavelength.training.services import attempt_start, enrollment_start

JSON = "application/json"


def _admin() -> User:
    return User.objects.get(email=DEMO_EMAIL)


def _first(queryset):
    return queryset.order_by("pk")[0]


def _today() -> dt.date:
    return clock.now().date()


def _upload(name: str, content: bytes, content_type: str) -> dict:
    return {"file": SimpleUploadedFile(name, content, content_type=content_type)}


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


# A pixel of PNG: the smallest file a course or a result takes as an image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
EMAIL = (
    b"From: Jane Doe <jane@acme.example>\r\nTo: feedback@wavelength.test\r\n"
    b"Subject: Dark mode please\r\nMessage-ID: <matrix@acme.example>\r\n"
    b"Date: Tue, 03 Mar 2026 10:15:00 +0100\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nCould you add a dark mode?\r\n"
)
JUNIT = b'<testsuite><testcase classname="matrix" name="passes"/></testsuite>'
COURSE = {
    "course.md": "---\ntitle: Refunds 101\nduration_minutes: 20\n---\nHow refunds work.\n",
    "01-how.md": "---\ntitle: How to refund\n---\nClick *Refund*.\n",
}


def _open_release() -> Release:
    return _first(Release.objects.filter(status=ReleaseStatus.PLANNED))


def _failing_release() -> Release:
    """A release in progress that does not pass its gate: only an administrator ships it,
    with a reason."""
    releases = Release.objects.filter(status=ReleaseStatus.IN_PROGRESS).order_by("pk")
    return next(release for release in releases if not gates.passes(gates.evaluate(release)))


def _planned_occurrence() -> Occurrence:
    return _first(Occurrence.objects.filter(status=OccurrenceStatus.PLANNED))


def _open_run() -> TestRun:
    runs = TestRun.objects.filter(status=TestRunStatus.OPEN, release__status=ReleaseStatus.PLANNED)
    return _first(runs)


def _published_course() -> Course:
    return _first(Course.objects.filter(status=CourseStatus.PUBLISHED))


def _learner_course(who) -> Course:
    """A published course, with a final quiz, that ``who`` has not started."""
    courses = Course.objects.filter(status=CourseStatus.PUBLISHED, quizzes__lesson=None)
    return _first(courses.exclude(enrollments__user=who))


def _enrolled(who):
    """``who`` starts a course: their lessons and quiz attempts are theirs to make."""
    course = _learner_course(who)
    enrollment = enrollment_start(actor=who, course=course)
    return course, enrollment


def _lesson_complete(who):
    course, enrollment = _enrolled(who)
    lesson = next(lesson for lesson in enrollment.version.lessons() if not lesson.get("quiz"))
    return [course.pk, lesson["id"]], {}, JSON


def _attempt_start(who):
    course, _enrollment = _enrolled(who)
    return [course.pk, _first(Quiz.objects.filter(course=course, lesson=None)).pk], {}, JSON


def _attempt_submit(who):
    course, enrollment = _enrolled(who)
    quiz = _first(Quiz.objects.filter(course=course, lesson=None))
    attempt = attempt_start(actor=who, enrollment=enrollment, quiz_key=quiz.pk)
    return [attempt.pk], {"answers": {}}, JSON


def _thread(who, *, resolved: bool):
    """A thread someone other than the caller started (resolved first, to reopen it)."""
    comment = _first(Comment.objects.filter(parent=None, deleted_at=None).exclude(author=who))
    if resolved:
        thread_resolve(actor=_admin(), comment=comment)
    return comment


def _company_merge():
    target, source = Company.objects.filter(merged_into=None).order_by("pk")[:2]
    return company_merge(actor=_admin(), target=target, source=source)


def _feedback_merge():
    survivor, duplicate = Feedback.objects.filter(merged_into=None).order_by("pk")[:2]
    return feedback_merge(actor=_admin(), survivor=survivor, duplicate=duplicate)


def _step(**filters) -> RunStep:
    return _first(RunStep.objects.filter(run__status=RunStatus.ACTIVE, **filters))


def _step_to_do() -> RunStep:
    """An open step of a run in progress, with no check and waiting for no other step."""
    steps = RunStep.objects.filter(
        run__status=RunStatus.ACTIVE, status=StepStatus.OPEN, step__check_kind=CheckKind.NONE
    )
    return next(step for step in steps.order_by("pk") if not blocking_titles(step))


def _step_awaiting_approval():
    """An approval step without a named approver, completed by an editor other than the
    administrator (who may then approve it). The demo's approval steps each wait for other
    steps, so the completion is written as it would be once those are done."""
    step = _step(status=StepStatus.OPEN, step__check_kind=CheckKind.APPROVAL, step__approver=None)
    completer = _first(User.objects.filter(role=Role.EDITOR, is_active=True))
    RunStep.objects.filter(pk=step.pk).update(
        status=StepStatus.AWAITING_APPROVAL, completed_by=completer, completed_at=clock.now()
    )
    return step


def _draft_page() -> Page:
    """A draft page in a space everyone reads."""
    pages = Page.objects.filter(status=PageStatus.DRAFT, space__visibility=SpaceVisibility.EVERYONE)
    return _first(pages)


def _approvable_page():
    """A page in review, with the administrator among its approvers."""
    page = _first(Page.objects.filter(status=PageStatus.IN_REVIEW))
    page.approvers.add(_admin())
    return [page.pk], {"version": page.version}, JSON


def _release_without_follow_ups() -> Release:
    """A release with a feature no follow-up survey of it is about yet."""
    releases = Release.objects.exclude(status=ReleaseStatus.CANCELLED).order_by("pk")
    return next(
        release
        for release in releases
        if release.features.exclude(pk__in=release.follow_up_surveys.values("feature")).exists()
    )


def _feature_in(stage: str) -> Feature:
    return _first(Feature.objects.filter(stage=stage))


POSTS = {
    # Catalog
    "/api/v1/products": lambda who: ([], {"name": "Matrix"}, JSON),
    "/api/v1/products/{key}/areas": lambda who: (
        [_first(Product.objects).slug],
        {"name": "Matrix area"},
        JSON,
    ),
    "/api/v1/features": lambda who: (
        [],
        {"product": _first(Product.objects).slug, "title": "Matrix feature"},
        JSON,
    ),
    "/api/v1/releases": lambda who: (
        [],
        {"product": _first(Product.objects).slug, "version": "99.0"},
        JSON,
    ),
    "/api/v1/releases/{release_id}/ship": lambda who: (
        [_failing_release().pk],
        {"confirm": True, "override_reason": "Shipping anyway for the launch event"},
        JSON,
    ),
    "/api/v1/releases/{release_id}/changelog": lambda who: (
        [_open_release().pk],
        {"title": "Matrix entry"},
        JSON,
    ),
    # People, teams, tokens, notifications
    "/api/v1/teams": lambda who: ([], {"name": "Matrix team"}, JSON),
    "/api/v1/tokens": lambda who: ([], {"name": "matrix"}, JSON),
    "/api/v1/notifications/read": lambda who: ([], {}, JSON),
    # Imports and webhooks
    "/api/v1/feedback/email": lambda who: ([], EMAIL, "message/rfc822"),
    "/api/v1/feedback/imports": lambda who: (
        [],
        {
            **_upload("feedback.csv", b"title,text\nDark mode,Please add one\n", "text/csv"),
            "mapping": '{"title": "title", "text": "text"}',
        },
        MULTIPART_CONTENT,
    ),
    "/api/v1/backlog/imports": lambda who: (
        [],
        {
            **_upload("backlog.csv", b"key,title\nMX-1,Matrix import\n", "text/csv"),
            "product": _first(Product.objects).slug,
        },
        MULTIPART_CONTENT,
    ),
    "/api/v1/webhooks": lambda who: (
        [],
        {
            "name": "Matrix",
            "url": "https://hooks.example.com/matrix",
            "events": ["feature.created"],
        },
        JSON,
    ),
    "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver": lambda who: (
        [_first(WebhookDelivery.objects).webhook_id, _first(WebhookDelivery.objects).pk],
        {},
        JSON,
    ),
    # Customers and feedback
    "/api/v1/companies": lambda who: ([], {"name": "Matrix Ltd"}, JSON),
    "/api/v1/companies/{company_id}/merge": lambda who: (
        [Company.objects.order_by("pk")[0].pk],
        {"duplicate": Company.objects.order_by("pk")[1].pk},
        JSON,
    ),
    "/api/v1/companies/merges/{merge_id}/undo": lambda who: ([_company_merge().pk], {}, JSON),
    "/api/v1/contacts": lambda who: ([], {"email": "matrix@acme.example"}, JSON),
    "/api/v1/themes": lambda who: ([], {"name": "Matrix theme"}, JSON),
    "/api/v1/feedback": lambda who: ([], {"text": "Please add a dark mode."}, JSON),
    "/api/v1/feedback/bulk": lambda who: (
        [],
        {"items": [{"text": "Please add a dark mode."}]},
        JSON,
    ),
    "/api/v1/feedback/bulk-update": lambda who: (
        [],
        {"ids": [_first(Feedback.objects).pk], "action": "type", "value": "bug"},
        JSON,
    ),
    "/api/v1/feedback/{feedback_id}/links": lambda who: (
        [_first(Feedback.objects).pk],
        {"feature": _first(Feature.objects).pk},
        JSON,
    ),
    "/api/v1/feedback/{feedback_id}/merge": lambda who: (
        [Feedback.objects.order_by("pk")[0].pk],
        {"duplicate": Feedback.objects.order_by("pk")[1].pk},
        JSON,
    ),
    "/api/v1/feedback/merges/{merge_id}/undo": lambda who: ([_feedback_merge().pk], {}, JSON),
    "/api/v1/features/{feature_id}/loop/prepare": lambda who: (
        [_first(LoopMessage.objects.filter(status=LoopStatus.DRAFT)).feature_id],
        {},
        JSON,
    ),
    "/api/v1/features/{feature_id}/loop/send": lambda who: (
        [_first(LoopMessage.objects.filter(status=LoopStatus.DRAFT)).feature_id],
        {},
        JSON,
    ),
    # Playbooks and their runs
    "/api/v1/playbooks": lambda who: (
        [],
        {"name": "Matrix playbook", "steps": [{"title": "Check"}]},
        JSON,
    ),
    "/api/v1/playbooks/{key}/versions": lambda who: (
        [_first(Playbook.objects).slug],
        {"steps": [{"title": "Check"}]},
        JSON,
    ),
    "/api/v1/runs": lambda who: ([], {"playbook": _first(Playbook.objects).slug}, JSON),
    "/api/v1/runs/{run_id}/cancel": lambda who: (
        [_first(Run.objects.filter(status=RunStatus.ACTIVE)).pk],
        {},
        JSON,
    ),
    "/api/v1/runs/{run_id}/steps/{step_id}/complete": lambda who: (
        [(step := _step_to_do()).run_id, step.pk],
        {},
        JSON,
    ),
    "/api/v1/runs/{run_id}/steps/{step_id}/reopen": lambda who: (
        [(step := _step(status=StepStatus.DONE)).run_id, step.pk],
        {},
        JSON,
    ),
    "/api/v1/runs/{run_id}/steps/{step_id}/skip": lambda who: (
        [(step := _step_to_do()).run_id, step.pk],
        {"reason": "Not needed"},
        JSON,
    ),
    "/api/v1/runs/{run_id}/steps/{step_id}/approve": lambda who: (
        [(step := _step_awaiting_approval()).run_id, step.pk],
        {},
        JSON,
    ),
    "/api/v1/runs/{run_id}/steps/{step_id}/assign": lambda who: (
        [(step := _step(status=StepStatus.OPEN)).run_id, step.pk],
        {"assignee": _admin().pk},
        JSON,
    ),
    # Knowledge
    "/api/v1/spaces": lambda who: ([], {"name": "Matrix space"}, JSON),
    "/api/v1/pages": lambda who: (
        [],
        {
            "space": _first(Space.objects.filter(visibility=SpaceVisibility.EVERYONE)).slug,
            "title": "Matrix",
        },
        JSON,
    ),
    "/api/v1/pages/{page_id}/restore": lambda who: (
        [(p := _first(Page.objects.filter(version__gt=1))).pk],
        {"version": 1, "base_version": p.version},
        JSON,
    ),
    "/api/v1/pages/{page_id}/status": lambda who: (
        [_draft_page().pk],
        {"status": "in_review"},
        JSON,
    ),
    "/api/v1/pages/{page_id}/approve": lambda who: _approvable_page(),
    "/api/v1/pages/{page_id}/verify": lambda who: ([_first(Page.objects).pk], {}, JSON),
    "/api/v1/pages/{page_id}/read": lambda who: ([_first(Page.objects).pk], {}, JSON),
    # Quality
    "/api/v1/quality/suites": lambda who: (
        [],
        {"product": _first(Product.objects).slug, "name": "Matrix suite"},
        JSON,
    ),
    "/api/v1/quality/cases": lambda who: (
        [],
        {"suite": _first(Suite.objects).pk, "title": "Matrix case"},
        JSON,
    ),
    "/api/v1/quality/plans": lambda who: (
        [],
        {"release": _open_release().pk, "name": "Matrix plan"},
        JSON,
    ),
    "/api/v1/quality/runs": lambda who: (
        [],
        {"plan": _first(TestPlan.objects.filter(release=_open_release())).pk, "build": "m1"},
        JSON,
    ),
    "/api/v1/quality/runs/{run_id}/close": lambda who: ([_open_run().pk], {"confirm": True}, JSON),
    "/api/v1/quality/results/{result_id}/evidence": lambda who: (
        [_first(TestResult.objects.filter(run=_open_run())).pk],
        _upload("screen.png", PNG, "image/png"),
        MULTIPART_CONTENT,
    ),
    "/api/v1/quality/defects": lambda who: (
        [],
        {"product": _first(Product.objects).slug, "title": "Matrix defect"},
        JSON,
    ),
    "/api/v1/quality/results/{result_id}/defect": lambda who: (
        [_first(TestResult.objects.filter(status=ResultStatus.FAILED, run=_open_run())).pk],
        {},
        JSON,
    ),
    "/api/v1/quality/defects/{defect_id}/links": lambda who: (
        [_first(Defect.objects).pk],
        {"kind": "feedback", "object_id": _first(Feedback.objects).pk},
        JSON,
    ),
    "/api/v1/quality/junit": lambda who: (
        [f"?release={_open_release().pk}&build=m1"],
        JUNIT,
        "application/xml",
    ),
    # Conversations
    "/api/v1/comments": lambda who: (
        [],
        {"kind": "feature", "object_id": _first(Feature.objects).pk, "body": "Matrix"},
        JSON,
    ),
    "/api/v1/comments/{comment_id}/resolve": lambda who: (
        [_thread(who, resolved=False).pk],
        {},
        JSON,
    ),
    "/api/v1/comments/{comment_id}/reopen": lambda who: (
        [_thread(who, resolved=True).pk],
        {},
        JSON,
    ),
    "/api/v1/follows": lambda who: (
        [],
        {"kind": "feature", "object_id": _first(Feature.objects).pk},
        JSON,
    ),
    # Meetings
    "/api/v1/meetings/series": lambda who: (
        [],
        {
            "name": "Matrix sync",
            "start_date": str(_today()),
            "start_time": "09:30",
            "rrule": "FREQ=WEEKLY;BYDAY=MO",
        },
        JSON,
    ),
    "/api/v1/meetings/occurrences/{occurrence_id}/close": lambda who: (
        [_planned_occurrence().pk],
        {},
        JSON,
    ),
    "/api/v1/meetings/occurrences/{occurrence_id}/agenda": lambda who: (
        [_planned_occurrence().pk],
        {},
        JSON,
    ),
    "/api/v1/meetings/occurrences/{occurrence_id}/{what}/send": lambda who: (
        [_planned_occurrence().pk, "agenda"],
        {},
        JSON,
    ),
    "/api/v1/meetings/occurrences/{occurrence_id}/items": lambda who: (
        [_planned_occurrence().pk],
        {"title": "Matrix item"},
        JSON,
    ),
    "/api/v1/meetings/occurrences/{occurrence_id}/decisions": lambda who: (
        [_planned_occurrence().pk],
        {"title": "Matrix decision"},
        JSON,
    ),
    "/api/v1/meetings/occurrences/{occurrence_id}/actions": lambda who: (
        [_planned_occurrence().pk],
        {"title": "Matrix action", "owner": _admin().pk},
        JSON,
    ),
    # Training
    "/api/v1/training/courses": lambda who: ([], {"title": "Matrix course"}, JSON),
    "/api/v1/training/courses/{course_id}/publish": lambda who: (
        [_published_course().pk],
        {},
        JSON,
    ),
    "/api/v1/training/courses/{course_id}/archive": lambda who: (
        [_published_course().pk],
        {},
        JSON,
    ),
    "/api/v1/training/courses/{course_id}/restart": lambda who: (
        [_published_course().pk],
        {},
        JSON,
    ),
    "/api/v1/training/courses/{course_id}/lessons": lambda who: (
        [_published_course().pk],
        {"kind": "markdown", "title": "Matrix lesson", "body": "Read this."},
        JSON,
    ),
    "/api/v1/training/courses/{course_id}/files": lambda who: (
        [_published_course().pk],
        _upload("pixel.png", PNG, "image/png"),
        MULTIPART_CONTENT,
    ),
    "/api/v1/training/courses/{course_id}/quizzes": lambda who: (
        [
            (
                lesson := _first(Lesson.objects.filter(course=_published_course(), quiz=None))
            ).course_id
        ],
        {"lesson": lesson.pk},
        JSON,
    ),
    "/api/v1/training/quizzes/{quiz_id}/questions": lambda who: (
        [_first(Quiz.objects).pk],
        {"kind": "true_false", "text": "Refunds need a manager.", "true_is_correct": False},
        JSON,
    ),
    "/api/v1/training/courses/{course_id}/enrollment": lambda who: (
        [_learner_course(who).pk],
        {},
        JSON,
    ),
    "/api/v1/training/courses/{course_id}/lessons/{lesson_id}/complete": _lesson_complete,
    "/api/v1/training/courses/{course_id}/quizzes/{quiz_id}/attempts": _attempt_start,
    "/api/v1/training/attempts/{attempt_id}/submit": _attempt_submit,
    "/api/v1/training/courses/{course_id}/assignments": lambda who: (
        [_published_course().pk],
        {"due_on": str(_today() + dt.timedelta(days=30)), "users": [_admin().pk]},
        JSON,
    ),
    "/api/v1/training/paths": lambda who: (
        [],
        {"name": "Matrix path", "courses": [_published_course().pk]},
        JSON,
    ),
    "/api/v1/training/paths/{path_id}/assignments": lambda who: (
        [_first(LearningPath.objects).pk],
        {"due_on": str(_today() + dt.timedelta(days=30)), "users": [_admin().pk]},
        JSON,
    ),
    "/api/v1/training/enablements": lambda who: (
        [],
        {
            "release": _first(
                Release.objects.filter(status=ReleaseStatus.PLANNED, enablements=None)
            ).pk
        },
        JSON,
    ),
    "/api/v1/training/course-imports": lambda who: (
        [],
        {"archive": SimpleUploadedFile("course.zip", _zip(COURSE), "application/zip")},
        MULTIPART_CONTENT,
    ),
    # Research
    "/api/v1/research/surveys": lambda who: ([], {"title": "Matrix survey"}, JSON),
    "/api/v1/research/surveys/{survey_id}/questions": lambda who: (
        [_first(Survey.objects.filter(status=SurveyStatus.DRAFT)).pk],
        {"kind": "nps", "text": "How likely are you to recommend us?"},
        JSON,
    ),
    "/api/v1/research/surveys/{survey_id}/distributions": lambda who: (
        [_first(Survey.objects.filter(status=SurveyStatus.OPEN)).pk],
        {"audience": "segment", "segments": ["enterprise"]},
        JSON,
    ),
    "/api/v1/research/surveys/{survey_id}/reminders": lambda who: (
        [_first(Survey.objects.filter(status=SurveyStatus.OPEN)).pk],
        {},
        JSON,
    ),
    "/api/v1/research/releases/{release_id}/follow-ups": lambda who: (
        [_release_without_follow_ups().pk],
        {"kind": "csat", "days": 14},
        JSON,
    ),
    "/api/v1/research/studies": lambda who: ([], {"title": "Matrix study"}, JSON),
    "/api/v1/research/studies/{study_id}/notes": lambda who: (
        [_first(Study.objects).pk],
        {"title": "Matrix note", "body": "They export every week."},
        JSON,
    ),
    "/api/v1/research/notes/{note_id}/highlights": lambda who: (
        [(note := _first(Note.objects)).pk],
        {"quote": " ".join(plain_text(note.body).split()[:8])},
        JSON,
    ),
    "/api/v1/research/highlights/{highlight_id}/links": lambda who: (
        [_first(Highlight.objects).pk],
        {"feature": _first(Feature.objects).pk},
        JSON,
    ),
    "/api/v1/research/personas": lambda who: ([], {"name": "Matrix persona"}, JSON),
    "/api/v1/research/competitors": lambda who: ([], {"name": "Matrix rival"}, JSON),
    # Planning
    "/api/v1/planning/roadmap/plan": lambda who: (
        [],
        {"features": [_feature_in(Stage.IDEA).pk], "column": "later", "reason": "Matrix"},
        JSON,
    ),
    "/api/v1/planning/roadmap/share": lambda who: ([], {}, JSON),
    "/api/v1/planning/objectives": lambda who: (
        [],
        {
            "title": "Matrix objective",
            "period_start": str(_today()),
            "period_end": str(_today() + dt.timedelta(days=90)),
        },
        JSON,
    ),
    "/api/v1/planning/objectives/{objective_id}/refresh": lambda who: (
        [_first(Objective.objects).pk],
        {},
        JSON,
    ),
    "/api/v1/planning/objectives/{objective_id}/key-results": lambda who: (
        [_first(Objective.objects).pk],
        {"title": "Matrix key result", "target": 10},
        JSON,
    ),
    "/api/v1/features/{feature_id}/stage": lambda who: (
        [_feature_in(Stage.IDEA).pk],
        {"stage": "discovery", "override_reason": "Matrix"},
        JSON,
    ),
    # Insights
    "/api/v1/insights/views": lambda who: (
        [],
        {"name": "Matrix view", "page": "feedback:feedback-list"},
        JSON,
    ),
}

# Doors answered by a link's token rather than by a signed-in person.
NOT_SIGNED_IN = {
    "/api/v1/research/public/{token}/responses": (
        "a survey's public link: anyone holding it answers, signed in or not"
    ),
    "/api/v1/research/invitations/{token}/responses": (
        "a contact's personal invitation: its token is the credential"
    ),
}
