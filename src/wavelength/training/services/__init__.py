"""Every write of the training app: one transaction each, recorded in the activity log."""

from .courses import (  # noqa: F401
    CourseData,
    LessonData,
    QuestionData,
    attachment_add,
    attachment_delete,
    content_of,
    course_archive,
    course_create,
    course_publish,
    course_restart,
    course_update,
    lesson_create,
    lesson_delete,
    lesson_update,
    question_create,
    question_delete,
    question_update,
    quiz_create,
    quiz_delete,
    quiz_update,
)
from .enablement import (  # noqa: F401
    enablement_draft,
    enablement_draft_for,
    enablement_from_activity,
    enablement_update,
)
from .files import as_zip, course_export, course_import  # noqa: F401
from .learning import (  # noqa: F401
    assignment_create,
    attempt_start,
    attempt_submit,
    attempts_left,
    certifications_renew,
    enrollment_start,
    lesson_complete,
    reminders_send,
)
from .paths import (  # noqa: F401
    certification_set,
    enablement_gate_set,
    path_assign,
    path_create,
    path_update,
)
