"""The lessons' images and files through the API: listed and downloaded by whoever may read
the course, uploaded and removed by its owner and the administrators, with the knowledge
pages' size limit and safety rules (one write path: ``services.attachment_add``)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.api.utils import bearer_client, errors, nothing_written, url
from wavelength.training.models import CourseAttachment

from .conftest import make_course

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(api, course, name="Screen Shot.png", data=PNG, content_type="image/png"):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return api.post(url("course-file-create", course.pk), {"file": upload})


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_owner_uploads_a_learner_lists_and_downloads_it(course, editor, viewer):
    created = _upload(bearer_client(editor), course)
    assert created.status_code == 201, created.content
    body = created.json()
    image = CourseAttachment.objects.get()
    assert body["name"] == "screen-shot.png" and body["is_image"] is True
    assert body["size"] == len(PNG) and body["uploaded_by"] == editor.pk
    assert body["markdown"] == f"![screen-shot.png]({image.get_absolute_url()})"
    assert body["url"].endswith(url("course-file-download", image.pk))
    learner = bearer_client(viewer)
    listed = learner.get(url("course-file-list", course.pk)).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == image.pk
    served = learner.get(url("course-file-download", image.pk))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert _content(served) == PNG


def test_svg_and_html_are_downloaded_never_shown(course, editor, viewer):
    api = bearer_client(editor)
    for name, data, kind in (
        ("logo.svg", b"<svg onload='alert(1)'/>", "image/svg+xml"),
        ("page.html", b"<script>alert(1)</script>", "text/html"),
    ):
        file_id = _upload(api, course, name=name, data=data, content_type=kind).json()["id"]
        served = bearer_client(viewer).get(url("course-file-download", file_id))
        assert served["Content-Type"] == "application/octet-stream", name
        assert served["Content-Disposition"].startswith("attachment"), name


def test_a_file_over_the_limit_is_413_and_nothing_is_kept(course, editor, settings):
    settings.KNOWLEDGE_MAX_UPLOAD_BYTES = 10
    api = bearer_client(editor)
    with nothing_written(CourseAttachment):
        response = _upload(api, course)
    assert response.status_code == 413
    assert "limit" in errors(response)["file"]


def test_no_file_is_422_naming_the_field(course, editor):
    api = bearer_client(editor)
    with nothing_written(CourseAttachment):
        response = api.post(url("course-file-create", course.pk), {})
    assert response.status_code == 422 and "file" in errors(response)


def test_a_learner_or_another_editor_cannot_upload_or_delete(course, editor, viewer, outsider):
    for person in (viewer, outsider):
        api = bearer_client(person)
        with nothing_written(CourseAttachment):
            response = _upload(api, course)
        assert response.status_code == 403 and "owner" in errors(response)[""]
    file_id = _upload(bearer_client(editor), course).json()["id"]
    for person in (viewer, outsider):
        response = bearer_client(person).delete(url("course-file-delete", file_id))
        assert response.status_code == 403
    assert CourseAttachment.objects.filter(pk=file_id).exists()


def test_the_owner_and_an_administrator_delete(course, editor, admin):
    api = bearer_client(editor)
    first, second = (_upload(api, course, name=n).json()["id"] for n in ("a.png", "b.png"))
    assert api.delete(url("course-file-delete", first)).status_code == 204
    assert bearer_client(admin).delete(url("course-file-delete", second)).status_code == 204
    assert not CourseAttachment.objects.exists()
    assert api.get(url("course-file-download", first)).status_code == 404
    assert api.delete(url("course-file-delete", first)).status_code == 404


def test_files_of_a_draft_are_404_for_learners(now, editor, viewer, page):
    draft = make_course(editor, page=page, publish=False)
    file_id = _upload(bearer_client(editor), draft).json()["id"]
    learner = bearer_client(viewer)
    for response in (
        learner.get(url("course-file-list", draft.pk)),
        learner.get(url("course-file-download", file_id)),
        learner.delete(url("course-file-delete", file_id)),
        _upload(learner, draft),
    ):
        assert response.status_code == 404
    assert CourseAttachment.objects.count() == 1


def test_unknown_course_or_file_is_404(now, editor):
    api = bearer_client(editor)
    assert api.get(url("course-file-list", 999)).status_code == 404
    assert api.get(url("course-file-download", 999)).status_code == 404
    assert _upload(api, type("C", (), {"pk": 999})).status_code == 404


def test_no_credentials_is_401(course, editor):
    file_id = _upload(bearer_client(editor), course).json()["id"]
    anonymous = Client()
    assert anonymous.get(url("course-file-list", course.pk)).status_code == 401
    assert anonymous.get(url("course-file-download", file_id)).status_code == 401
    assert _upload(anonymous, course).status_code == 401
    assert anonymous.delete(url("course-file-delete", file_id)).status_code == 401


def test_the_openapi_document_describes_the_errors(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    upload = paths["/api/v1/training/courses/{course_id}/files"]["post"]
    assert {"201", "401", "403", "404", "413", "422"} <= set(upload["responses"])
    assert "multipart/form-data" in upload["requestBody"]["content"]
    download = paths["/api/v1/training/files/{file_id}"]["get"]
    assert "application/octet-stream" in download["responses"]["200"]["content"]
    assert {"204", "403", "404"} <= set(
        paths["/api/v1/training/files/{file_id}"]["delete"]["responses"]
    )
