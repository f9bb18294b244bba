"""Images and files in lessons: uploaded by the course's owner, shown in a lesson's Markdown,
served only to people who may see the course."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import client_for
from wavelength.training import services
from wavelength.training.models import CourseAttachment

from .conftest import make_course

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(client, course, name="Screen Shot.png", data=PNG, content_type="image/png"):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(reverse("training:attachment-upload", args=[course.pk]), {"file": upload})


def test_owner_uploads_an_image_a_learner_sees_it_in_a_lesson(now, editor, viewer, page):
    course = make_course(editor, page=page, publish=False)
    response = _upload(client_for(editor), course)
    assert response.status_code == 302
    image = CourseAttachment.objects.get()
    assert image.name == "screen-shot.png" and image.is_image
    markdown = f"![{image.name}]({image.get_absolute_url()})"
    lesson = course.lessons.get(kind="markdown")
    services.lesson_update(
        actor=editor,
        lesson=lesson,
        data=services.LessonData(title=lesson.title, kind="markdown", body=f"Look:\n\n{markdown}"),
    )
    course = services.course_publish(actor=editor, course=course)
    enrollment = services.enrollment_start(actor=viewer, course=course)
    key = next(x["id"] for x in enrollment.version.lessons() if x["kind"] == "markdown")
    learner = client_for(viewer)
    html = learner.get(reverse("training:learn", args=[course.pk, key])).content.decode()
    assert f'<img src="{image.get_absolute_url()}"' in html
    served = learner.get(image.get_absolute_url())
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PNG


def test_files_of_a_draft_are_hidden_from_viewers(now, editor, viewer, page):
    course = make_course(editor, page=page, publish=False)
    _upload(client_for(editor), course)
    url = CourseAttachment.objects.get().get_absolute_url()
    assert client_for(viewer).get(url).status_code == 404
    assert client_for(editor).get(url).status_code == 200
    wrong_name = reverse("training:attachment", args=[CourseAttachment.objects.get().pk, "x.png"])
    assert client_for(editor).get(wrong_name).status_code == 404


def test_svg_and_other_files_are_downloaded_not_shown(now, editor, page):
    course = make_course(editor, page=page)
    client = client_for(editor)
    _upload(
        client, course, name="logo.svg", data=b"<svg onload='x'/>", content_type="image/svg+xml"
    )
    served = client.get(CourseAttachment.objects.get().get_absolute_url())
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")


def test_only_the_owner_uploads_and_removes(now, editor, outsider, page, settings):
    course = make_course(editor, page=page)
    assert _upload(client_for(outsider), course).status_code == 403
    assert not CourseAttachment.objects.exists()
    settings.KNOWLEDGE_MAX_UPLOAD_BYTES = 10
    refused = _upload(client_for(editor), course)
    assert refused.status_code == 302 and not CourseAttachment.objects.exists()
    settings.KNOWLEDGE_MAX_UPLOAD_BYTES = 10_000
    _upload(client_for(editor), course)
    attachment = CourseAttachment.objects.get()
    delete = reverse("training:attachment-delete", args=[attachment.pk])
    assert client_for(outsider).post(delete).status_code == 403
    assert CourseAttachment.objects.exists()
    client_for(editor).post(delete)
    assert not CourseAttachment.objects.exists()
