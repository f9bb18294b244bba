"""Courses as files: a course exported as a zip of Markdown files and imported back, all or
nothing; bad files and hostile archives refused with a clear message."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.api.utils import bearer_client, errors, url
from tests.conftest import client_for
from wavelength.core.exceptions import DomainError
from wavelength.training import services
from wavelength.training.models import Course, Lesson, Question

from .conftest import make_course

QUIZ = """---
pass_mark: 50
max_attempts: 2
---
## Refunds within?
kind: single
- [x] 30 days
- [ ] 7 days
> See the policy.

## Refunds need a manager.
kind: true_false
- [ ] True
- [x] False
"""


def _files(**extra) -> dict[str, str]:
    files = {
        "course.md": "---\ntitle: Refunds 101\nduration_minutes: 20\n---\nHow refunds work.\n",
        "01-how.md": "---\ntitle: How to refund\n---\nClick *Refund*.\n",
        "01-how.quiz.md": QUIZ,
    }
    files.update(extra)
    return files


def _zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, text in files.items():
            out.writestr(name, text.encode() if isinstance(text, str) else text)
    return buffer.getvalue()


def test_export_then_import_gives_the_same_course(now, editor, page):
    course = make_course(editor, page=page)
    files = services.course_export(actor=editor, course=course)
    assert set(files) == {
        "course.md",
        "01-refund-policy.md",
        "02-how-to-refund.md",
        "02-how-to-refund.quiz.md",
        "quiz.md",
    }
    assert "page: procedures/refund-policy" in files["01-refund-policy.md"]
    assert "- [x] 30 days\n- [ ] 7 days\n> See the policy." in files["quiz.md"]
    copy = services.course_import(actor=editor, files=files)
    assert copy.pk != course.pk and copy.status == "draft" and copy.title == course.title
    assert services.course_export(actor=editor, course=copy) == files


def test_import_reads_lessons_quizzes_and_true_false(now, editor):
    course = services.course_import(actor=editor, files=_files())
    assert course.summary == "How refunds work." and course.duration_minutes == 20
    lesson = Lesson.objects.get(course=course)
    assert (lesson.title, lesson.body) == ("How to refund", "Click *Refund*.")
    quiz = lesson.quiz
    assert (quiz.pass_mark, quiz.max_attempts) == (50, 2)
    tf = Question.objects.get(quiz=quiz, kind="true_false")
    assert [c["correct"] for c in tf.choices] == [False, True]
    single = Question.objects.get(quiz=quiz, kind="single")
    assert single.explanation == "See the policy."


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"course.md": "---\nduration_minutes: 20\n---\n"}, "course.md: “title” is required."),
        ({"02-x.md": "---\ncolour: red\n---\nx"}, "02-x.md, line 2: “colour” is not a known key"),
        ({"02-x.md": "---\npage: procedures/nope\n---\n"}, "02-x.md, line 2: no page"),
        ({"03-y.quiz.md": QUIZ}, "03-y.quiz.md: no lesson 3 for this quiz."),
        ({"01-how.quiz.md": "---\n---\n## Q?\n- [ ] a\n- [ ] b\n"}, "Mark at least one answer"),
        ({"01-how.quiz.md": "---\n---\n## Q?\nwhat\n"}, "01-how.quiz.md, line 4: expected"),
        ({"01-how.quiz.md": "---\npass_mark: 300\n---\n## Q?\n"}, "pass_mark is a number"),
        ({"notes.txt.md": "x"}, "a lesson file is named"),
    ],
    ids=[
        "no-title",
        "unknown-key",
        "no-page",
        "orphan-quiz",
        "no-right",
        "bad-line",
        "mark",
        "name",
    ],
)
def test_a_bad_file_is_named_and_nothing_imported(now, editor, extra, message):
    with pytest.raises(DomainError) as err:
        services.course_import(actor=editor, files=_files(**extra))
    assert message in err.value.message
    assert not Course.objects.exists() and not Lesson.objects.exists()


def test_viewer_cannot_import_and_only_the_owner_exports(now, editor, viewer, outsider, page):
    with pytest.raises(PermissionDenied):
        services.course_import(actor=viewer, files=_files())
    course = make_course(editor, page=page)
    with pytest.raises(PermissionDenied):
        services.course_export(actor=outsider, course=course)
    assert (
        client_for(outsider).get(reverse("training:course-export", args=[course.pk])).status_code
        == 403
    )


def test_zip_upload_and_download_pages(now, editor, page):
    client = client_for(editor)
    upload = SimpleUploadedFile("c.zip", _zip({f"refunds/{k}": v for k, v in _files().items()}))
    response = client.post(reverse("training:course-import"), {"archive": upload})
    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    download = client.get(reverse("training:course-export", args=[course.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert f"course-{course.pk}/01-how-to-refund.quiz.md" in names


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"not a zip at all", "not a zip"),
        (_zip({"course.md": b"\xff\xfe bad"}), "not a zip of UTF-8"),
        (_zip({"01-a.md": "---\ntitle: A\n---\nx"}), "no course.md"),
    ],
    ids=["not-a-zip", "not-utf8", "no-course"],
)
def test_a_bad_archive_is_a_422_with_nothing_imported(now, editor, raw, message):
    client = client_for(editor)
    upload = SimpleUploadedFile("c.zip", raw)
    response = client.post(reverse("training:course-import"), {"archive": upload})
    assert response.status_code == 422 and message in response.content.decode()
    api = bearer_client(editor)
    refused = api.post(url("course-import"), {"archive": SimpleUploadedFile("c.zip", raw)})
    assert refused.status_code == 422 and message in " ".join(errors(refused).values())
    assert not Course.objects.exists()


def test_api_import_and_export(now, editor, viewer):
    api = bearer_client(editor)
    made = api.post(url("course-import"), {"archive": SimpleUploadedFile("c.zip", _zip(_files()))})
    assert made.status_code == 201 and made.json()["title"] == "Refunds 101"
    course_id = made.json()["id"]
    assert api.get(url("course-export", course_id)).status_code == 200
    assert bearer_client(viewer).get(url("course-export", course_id)).status_code == 404
