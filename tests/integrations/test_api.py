"""The import API (upload, poll), the CSV export, and who may use them."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.utils import errors, nothing_written, url
from tests.integrations.conftest import csv_bytes
from wavelength.feedback import services as feedback_services
from wavelength.feedback.models import Feedback
from wavelength.integrations.models import ImportJob

ZENDESK = csv_bytes(
    ["Id", "Subject", "Description", "Requester email", "Created at", "Tags"],
    ["101", "Slow export", "Exports take minutes", "ann@globex.com", "2026-02-01 08:00:00 +0000",
     "export"],
    ["102", "SSO", "We need SAML", "bo@globex.com", "2026-02-02", "sso, security"],
)  # fmt: skip


def upload(client, data=ZENDESK, **fields):
    body = {"file": SimpleUploadedFile("tickets.csv", data, "text/csv"), **fields}
    return client.post(url("import-create"), body)


def test_upload_with_a_preset_imports_and_the_job_reports_counts(
    editor_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor_api, preset="zendesk")
    assert response.status_code == 202, response.content
    assert Feedback.objects.get(external_id="102").source == "support"
    polled = editor_api.get(url("import-detail", response.json()["id"])).json()
    assert (polled["status"], polled["created"], polled["skipped"]) == ("done", 2, 0)
    assert (polled["total"], polled["processed"]) == (2, 2)


def test_upload_with_an_explicit_mapping_and_row_errors(
    editor_api, django_capture_on_commit_callbacks
):
    data = csv_bytes(["Body", "Mail"], ["ok", "x@y.io"], ["", "not-mail"])
    mapping = json.dumps({"Body": "text", "Mail": "contact_email"})
    with nothing_written(Feedback), django_capture_on_commit_callbacks(execute=True):
        response = upload(editor_api, data, mapping=mapping)
    body = editor_api.get(url("import-detail", response.json()["id"])).json()
    assert body["status"] == "failed"
    assert {(e["row"], e["column"]) for e in body["errors"]} == {(3, "Body"), (3, "Mail")}


def test_upload_without_mapping_maps_the_columns_named_like_the_fields(
    editor_api, django_capture_on_commit_callbacks
):
    data = csv_bytes(["text", "contact_email"], ["Dark mode, please", "ann@globex.com"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor_api, data)
    assert response.status_code == 202, response.content
    assert editor_api.get(url("import-detail", response.json()["id"])).json()["created"] == 1
    assert Feedback.objects.get(text="Dark mode, please").contact.email == "ann@globex.com"


def test_upload_refuses_a_missing_column_at_once(editor_api):
    response = upload(editor_api, mapping=json.dumps({"Nope": "text"}))
    assert response.status_code == 422
    assert "“Nope”" in errors(response)["mapping"]


def test_upload_over_the_size_limit_is_413(editor_api, settings):
    settings.WAVELENGTH_IMPORT_MAX_BYTES = 100
    response = upload(editor_api, csv_bytes(["text"], ["x" * 200]))
    assert response.status_code == 413
    assert "larger than" in errors(response)["file"]
    assert ImportJob.objects.count() == 0


def test_upload_wrong_encoding_is_422(editor_api):
    response = upload(editor_api, "text\r\nné\r\n".encode("cp1252"))
    assert response.status_code == 422 and "line 2" in errors(response)["file"]


def test_viewer_and_anonymous_cannot_import(viewer_api, client, editor):
    assert upload(viewer_api, preset="zendesk").status_code == 403
    assert upload(client, preset="zendesk").status_code == 401
    assert ImportJob.objects.count() == 0


def test_export_is_csv_filtered_and_neutralised(editor_api, viewer_api, editor, client):
    feedback_services.feedback_create(actor=editor, text="=1+1", source="email")
    feedback_services.feedback_create(actor=editor, text="plain", source="web")
    response = viewer_api.get(url("feedback-export", source="email"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=1+1" in text and "plain" not in text
    assert client.get(url("feedback-export")).status_code == 401


def test_viewer_cannot_read_import_jobs(viewer_api, editor):
    from wavelength.integrations import services

    job = services.import_job_create(actor=editor, file_name="a.csv", data=csv_bytes(["text"]))
    assert viewer_api.get(url("import-detail", job.pk)).status_code == 403
