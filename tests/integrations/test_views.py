"""Import pages: upload → mapping with preview → import → progress; e-mail upload; export."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.integrations.conftest import csv_bytes, eml
from wavelength.feedback.models import Feedback
from wavelength.integrations import services
from wavelength.integrations.models import ImportJob, ImportMapping, JobStatus

DATA = csv_bytes(
    ["Conversation ID", "Conversation first message", "User email"],
    ["c1", "Love the new board", "li@initech.com"],
    ["c2", "", "not-an-email"],
)


def test_upload_map_preview_import_and_progress(editor_client, django_capture_on_commit_callbacks):
    response = editor_client.post(
        reverse("integrations:import-start"),
        {"file": SimpleUploadedFile("intercom.csv", DATA, "text/csv")},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "integrations:import-map", args=[job.pk]
    )
    page = editor_client.get(response.url + "?preset=intercom")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Love the new board" in html and "Column “User email”" in html
    assert 'value="text" selected' in html

    preview = editor_client.post(
        response.url + "?preview=1",
        {"col_0": "external_id", "col_1": "text", "col_2": "", "source": "support"},
        headers={"HX-Request": "true", "HX-Target": "import-preview"},
    )
    assert 'id="import-preview"' in preview.content.decode()
    assert "<html" not in preview.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        started = editor_client.post(
            response.url,
            {"col_0": "external_id", "col_1": "text", "col_2": "", "source": "support",
             "save_as": "Intercom (ours)"},
        )  # fmt: skip
    assert started.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED  # row 3 has no text
    assert ImportMapping.objects.get().mapping == {
        "Conversation ID": "external_id",
        "Conversation first message": "text",
    }
    detail = editor_client.get(started.url).content.decode()
    assert "Row 3" in detail and "Nothing was imported" in detail
    assert Feedback.objects.count() == 0


def test_progress_fragment_polls_until_done(editor_client, editor):
    job = services.import_job_create(
        actor=editor, file_name="x.csv", data=csv_bytes(["text"], ["a"])
    )
    services.import_job_start(actor=editor, job=job, mapping={"text": "text"}, queue=False)
    fragment = editor_client.get(
        reverse("integrations:import-detail", args=[job.pk]),
        headers={"HX-Request": "true", "HX-Target": "import-status"},
    ).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment
    services.import_job_run(job_id=job.pk)
    done = editor_client.get(
        reverse("integrations:import-detail", args=[job.pk]),
        headers={"HX-Request": "true", "HX-Target": "import-status"},
    ).content.decode()
    assert "every 1s" not in done and 'value="100"' in done


def test_upload_errors_are_shown_on_the_form(editor_client, settings):
    bad = editor_client.post(
        reverse("integrations:import-start"),
        {"file": SimpleUploadedFile("x.csv", "a,b\r\né,1\r\n".encode("latin-1"))},
    )
    assert bad.status_code == 422 and "not UTF-8: line 2" in bad.content.decode()
    settings.WAVELENGTH_IMPORT_MAX_BYTES = 10
    big = editor_client.post(
        reverse("integrations:import-start"), {"file": SimpleUploadedFile("x.csv", b"text\n" * 9)}
    )
    assert big.status_code == 413 and "larger than" in big.content.decode()
    assert ImportJob.objects.count() == 0


def test_email_upload(editor_client):
    response = editor_client.post(
        reverse("integrations:email-import"),
        {
            "files": [
                SimpleUploadedFile("a.eml", eml()),
                SimpleUploadedFile("b.eml", eml(message_id="<b@x.io>")),
            ]
        },
    )
    assert response.status_code == 302
    assert Feedback.objects.filter(source="email").count() == 2


def test_email_upload_refuses_malformed_and_stores_nothing(editor_client):
    response = editor_client.post(
        reverse("integrations:email-import"),
        {"files": [SimpleUploadedFile("a.eml", eml()), SimpleUploadedFile("b.eml", eml(body=""))]},
    )
    assert response.status_code == 422
    assert "b.eml: The message body is empty." in response.content.decode()
    assert Feedback.objects.count() == 0


def test_export_page_link(viewer_client, editor):
    from wavelength.feedback import services as feedback_services

    feedback_services.feedback_create(actor=editor, text="@SUM(1)")
    response = viewer_client.get(reverse("integrations:feedback-export"))
    assert response.status_code == 200
    assert "'@SUM(1)" in b"".join(response.streaming_content).decode()


def test_viewers_get_403_and_anonymous_are_sent_to_sign_in(viewer_client, client, editor):
    job = services.import_job_create(
        actor=editor, file_name="x.csv", data=csv_bytes(["text"], ["a"])
    )
    pages = [
        reverse("integrations:import-start"),
        reverse("integrations:import-map", args=[job.pk]),
        reverse("integrations:import-detail", args=[job.pk]),
        reverse("integrations:email-import"),
    ]
    for page in pages:
        assert viewer_client.get(page).status_code == 403, page
        assert viewer_client.post(page, {}).status_code in (403, 405), page
        anonymous = client.get(page)
        assert anonymous.status_code == 302 and "/accounts/login" in anonymous.url, page


def test_export_page_takes_the_inbox_filters(viewer_client, editor):
    from wavelength.feedback import services as feedback_services

    feedback_services.feedback_create(actor=editor, text="by mail", source="email")
    feedback_services.feedback_create(actor=editor, text="on the web", source="web")
    response = viewer_client.get(reverse("integrations:feedback-export") + "?source=email")
    text = b"".join(response.streaming_content).decode()
    assert "by mail" in text and "on the web" not in text
    bad = viewer_client.get(reverse("integrations:feedback-export") + "?source=fax")
    assert bad.status_code == 400 and "source" in bad.content.decode()


def test_pages_speak_french(editor_client, editor):
    from django.utils import translation

    job = services.import_job_create(actor=editor, file_name="x.csv", data=DATA)
    editor_client.cookies["django_language"] = "fr"
    with translation.override("fr"):
        start = editor_client.get(reverse("integrations:import-start"), HTTP_ACCEPT_LANGUAGE="fr")
        page = editor_client.get(
            reverse("integrations:import-map", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="fr"
        )
    assert "Importer des retours" in start.content.decode()
    assert "Associer les colonnes" in page.content.decode()
