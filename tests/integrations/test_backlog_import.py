"""The backlog import: a Jira, Productboard or Aha! export into a product's features, releases
and their links; a preview before anything is written; all rows or none, each bad cell named
by row and column; importing the same export again creates nothing twice."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.api.utils import bearer_client, errors, url
from wavelength.catalog.models import Area, Feature, Release, Stage
from wavelength.core import clock
from wavelength.integrations import backlog, selectors, services
from wavelength.integrations.importers import ImportRefused
from wavelength.integrations.models import BacklogKey, ImportJob, ImportMapping, JobStatus

NOW = dt.datetime(2026, 5, 12, 9, 0, tzinfo=dt.UTC)

JIRA = (
    "Issue key,Summary,Description,Status,Assignee email,Component/s,Labels,Labels,"
    "Fix Version/s,Due Date\n"
    "ORB-1,Offline mode,Work without a network,In Progress,{email},Mobile,offline,sync,3.0,"
    "2026-07-01\n"
    "ORB-2,Dark mode,,To Do,,Mobile,ui,,3.0,\n"
    'ORB-3,Audit log,"Who did what, when",Done,,Admin,,,,\n'
)


@pytest.fixture(autouse=True)
def now():
    with clock.travel(NOW):
        yield NOW


def _job(editor, product, text, source="jira"):
    return backlog.job_create(actor=editor, product=product, file_name="export.csv",
                              data=text.encode(), source=source)  # fmt: skip


def _jira(editor):
    return JIRA.format(email=editor.email)


def test_a_jira_export_becomes_features_releases_and_links(editor, product):
    job = _job(editor, product, _jira(editor))
    columns = ["Issue key", "Summary", "Description", "Status", "Assignee email", "Component/s",
               "Labels", "Fix Version/s", "Due Date"]  # fmt: skip
    mapping = backlog.backlog.preset_mapping("jira", columns)
    rows = backlog.preview(actor=editor, job=job, mapping=mapping)
    assert [r.item["key"] for r in rows] == ["ORB-1", "ORB-2", "ORB-3"]
    assert not any(r.errors for r in rows)
    assert Feature.objects.count() == 0  # a preview writes nothing
    done = backlog.job_run(actor=editor, job=job, mapping=mapping)
    assert (done.created, done.skipped, done.releases) == (3, 0, 1)
    offline = Feature.objects.get(title="Offline mode")
    assert offline.stage == Stage.IN_DEVELOPMENT and offline.owner == editor
    assert offline.area.name == "Mobile" and offline.description == "Work without a network"
    assert sorted(t.name for t in offline.tags.all()) == ["offline", "sync"]  # repeated column
    assert Feature.objects.get(title="Audit log").stage == Stage.GENERALLY_AVAILABLE
    release = Release.objects.get(product=product, version="3.0")
    assert release.target_date == dt.date(2026, 7, 1)
    assert sorted(f.title for f in release.features.all()) == ["Dark mode", "Offline mode"]
    assert Area.objects.filter(product=product).count() == 2


def test_importing_the_same_export_again_creates_nothing(editor, product):
    mapping = None
    for _round in range(2):
        job = _job(editor, product, _jira(editor))
        columns = backlog.backlog.unique_columns(backlog.job_table(job))
        mapping = backlog.backlog.preset_mapping("jira", columns)
        done = backlog.job_run(actor=editor, job=job, mapping=mapping)
    assert (done.created, done.skipped) == (0, 3)
    assert Feature.objects.count() == 3 and BacklogKey.objects.count() == 3
    assert Release.objects.get(version="3.0").features.count() == 2


def test_one_bad_row_imports_nothing_and_names_each_cell(editor, product):
    text = (
        "Feature ID,Feature name,Status,Owner,Release,Team\n"
        "pb-1,Single sign-on,Planned,,2.0,\n"
        "pb-2,Webhooks,Someday,nobody-at-all,2.0,Moon team\n"
        "pb-1,,Planned,ghost@example.com,2.0,\n"
    )
    job = _job(editor, product, text, source="productboard")
    columns = backlog.backlog.unique_columns(backlog.job_table(job))
    mapping = backlog.backlog.preset_mapping("productboard", columns)
    with pytest.raises(ImportRefused) as refused:
        backlog.job_run(actor=editor, job=job, mapping=mapping)
    problems = {(r["row"], r["column"]): r["message"] for r in refused.value.rows}
    assert "Unknown status “Someday”" in problems[(3, "Status")]
    assert "not an e-mail address" in problems[(3, "Owner")]
    assert "No team is called “Moon team”" in problems[(3, "Team")]
    assert "This cell is required." in problems[(4, "Feature name")]
    assert "already on row 2" in problems[(4, "Feature ID")]
    assert "Nobody active has the address" in problems[(4, "Owner")]
    assert Feature.objects.count() == 0 and Release.objects.count() == 0
    assert not BacklogKey.objects.exists()


def test_the_mapping_needs_a_key_and_a_title(editor, product):
    job = _job(editor, product, _jira(editor))
    with pytest.raises(ImportRefused) as refused:
        backlog.job_run(actor=editor, job=job, mapping={"Summary": "title"})
    assert "Key" in refused.value.message
    with pytest.raises(ImportRefused):
        backlog.job_run(actor=editor, job=job, mapping={"Issue key": "key", "Nope": "title"})


def test_a_viewer_cannot_import(viewer, product):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _job(viewer, product, JIRA.format(email="x@example.com"))


# Pages ------------------------------------------------------------------------------------


def _form(**extra):
    fields = ["key", "title", "description", "stage", "owner", "area", "tags", "release",
              "release_date"]  # fmt: skip
    return {**{f"col_{n}": field for n, field in enumerate(fields)}, **extra}


def test_upload_map_preview_then_import_in_the_background_with_progress(
    editor_client, editor, product, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("jira.csv", _jira(editor).encode(), content_type="text/csv")
    data = {"file": upload, "product": product.slug, "source": "jira"}
    response = editor_client.post(reverse("integrations:backlog-import"), data)
    assert response.status_code == 302
    job = ImportJob.objects.get(kind="backlog")
    page = editor_client.get(response["Location"]).content.decode()
    assert "Offline mode" in page and "ORB-3" in page and "Preview of the first 3 rows" in page
    with django_capture_on_commit_callbacks(execute=True):
        started = editor_client.post(reverse("integrations:backlog-map", args=[job.pk]),
                                     _form(save_as="Our Jira"))  # fmt: skip
    assert started.status_code == 302 and started["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.created) == (JobStatus.DONE, 3, 3, 3)
    assert Feature.objects.filter(product=product).count() == 3
    assert ImportMapping.objects.get(name="Our Jira").source == "backlog"
    detail = editor_client.get(started["Location"]).content.decode()
    assert 'value="100"' in detail and "every 1s" not in detail
    assert product.get_absolute_url() in detail and "Open Orbit" in detail
    # The draft's page now sends to the job's page; the job's page never back to the mapping.
    assert editor_client.get(response["Location"])["Location"] == job.get_absolute_url()
    listed = editor_client.get(reverse("integrations:backlog-import")).content.decode()
    assert "Recent imports" in listed and job.get_absolute_url() in listed


def test_progress_goes_from_queued_to_running_to_done(editor_client, editor, product,
                                                      monkeypatch):  # fmt: skip
    monkeypatch.setattr(backlog, "CHUNK", 1)
    job = _job(editor, product, _jira(editor))
    columns = backlog.backlog.unique_columns(backlog.job_table(job))
    backlog.job_start(actor=editor, job=job, mapping=backlog.backlog.preset_mapping("jira",
                      columns), queue=False)  # fmt: skip
    detail = reverse("integrations:import-detail", args=[job.pk])
    htmx = {"HX-Request": "true", "HX-Target": "import-status"}
    queued = editor_client.get(detail, headers=htmx).content.decode()
    assert "Queued" in queued and 'hx-trigger="every 1s"' in queued and "<progress" in queued
    seen = []

    def progress(running):
        # What the job's page reads while the rows are written (its transaction still open).
        shown = selectors.import_job_get(user=editor, pk=job.pk)
        seen.append((shown.status, shown.processed, shown.total))

    services.import_job_run(job_id=job.pk, progress=progress)
    assert seen[:3] == [(JobStatus.RUNNING, 1, 3), (JobStatus.RUNNING, 2, 3),
                        (JobStatus.RUNNING, 3, 3)]  # fmt: skip
    assert seen[-1] == (JobStatus.DONE, 3, 3)
    done = editor_client.get(detail, headers=htmx).content.decode()
    assert "every 1s" not in done and 'value="100"' in done


def test_a_bad_row_fails_the_job_and_imports_nothing(
    editor_client, editor, product, django_capture_on_commit_callbacks
):
    text = "Issue key,Summary,Status\nORB-1,Offline,To Do\nORB-2,Sync,Someday\n"
    job = _job(editor, product, text)
    form = {"col_0": "key", "col_1": "title", "col_2": "stage"}
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("integrations:backlog-map", args=[job.pk]), form)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.created == 0
    html = editor_client.get(response["Location"]).content.decode()
    assert "Nothing was imported" in html and "Row 3" in html and "column “Status”" in html
    assert Feature.objects.count() == 0 and not BacklogKey.objects.exists()


def test_a_write_refused_half_way_rolls_every_row_back(editor, product, monkeypatch):
    from wavelength.catalog import services as catalog
    from wavelength.core.exceptions import DomainError

    real = catalog.feature_create
    made = []

    def refuse_third(**kwargs):
        if len(made) == 2:
            raise DomainError("This title is taken.", field="title")
        made.append(real(**kwargs))
        return made[-1]

    monkeypatch.setattr(backlog, "CHUNK", 1)
    monkeypatch.setattr(catalog, "feature_create", refuse_third)
    job = _job(editor, product, _jira(editor))
    columns = backlog.backlog.unique_columns(backlog.job_table(job))
    backlog.job_start(actor=editor, job=job, mapping=backlog.backlog.preset_mapping("jira",
                      columns), queue=False)  # fmt: skip
    done = services.import_job_run(job_id=job.pk)
    assert done.status == JobStatus.FAILED and done.processed == done.created == 0
    assert "This title is taken." in str(done.errors)
    assert Feature.objects.count() == 0 and not BacklogKey.objects.exists()
    assert Release.objects.count() == 0


def test_a_saved_mapping_is_offered_and_used_for_the_next_file(
    editor_client, editor, product, django_capture_on_commit_callbacks
):
    saved = backlog.mapping_save(actor=editor, name="Our Jira",
                                 mapping={"Issue key": "key", "Summary": "title"})  # fmt: skip
    job = _job(editor, product, _jira(editor))
    url = reverse("integrations:backlog-map", args=[job.pk])
    page = editor_client.get(url).content.decode()
    assert f'<option value="saved:{saved.pk}">Our Jira</option>' in page
    chosen = editor_client.get(url, {"mapping": f"saved:{saved.pk}"})
    assert chosen.context["form"].initial["col_0"] == "key"
    assert chosen.context["form"].initial["col_2"] == ""  # the description was not saved
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url, {k: v for k, v in chosen.context["form"].initial.items() if v})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.mapping == saved.mapping
    assert Feature.objects.get(title="Offline mode").description == ""


def test_the_pages_are_for_editors(viewer_client, viewer, editor, product):
    from django.core.exceptions import PermissionDenied

    job = _job(editor, product, _jira(editor))
    assert viewer_client.get(reverse("integrations:backlog-import")).status_code == 403
    assert viewer_client.get(reverse("integrations:backlog-map", args=[job.pk])).status_code == 403
    assert viewer_client.post(reverse("integrations:backlog-map", args=[job.pk]),
                              _form()).status_code == 403  # fmt: skip
    detail = reverse("integrations:import-detail", args=[job.pk])
    assert viewer_client.get(detail).status_code == 403
    with pytest.raises(PermissionDenied):
        backlog.job_start(actor=viewer, job=job, mapping={"Issue key": "key", "Summary": "title"})
    job.refresh_from_db()
    assert job.status == JobStatus.DRAFT and Feature.objects.count() == 0


# API --------------------------------------------------------------------------------------


def _post(client, text, **fields):
    upload = SimpleUploadedFile("aha.csv", text.encode(), content_type="text/csv")
    return client.post(url("backlog-import"), {"file": upload, **fields})


AHA = (
    "Feature reference #,Feature name,Feature status,Release name,Release date,Feature tags\n"
    "APP-1,Export to PDF,Under consideration,2026.2,2026-09-30,export;pdf\n"
    "APP-2,Bulk edit,Ready to develop,2026.2,2026-09-30,\n"
)


def test_the_api_previews_then_imports_an_aha_export(editor, product):
    api = bearer_client(editor)
    preview = _post(api, AHA, product=product.slug, source="aha", preview="true")
    assert preview.status_code == 200
    body = preview.json()
    assert [r["stage"] for r in body["preview"]] == ["discovery", "planned"]
    assert Feature.objects.count() == 0 and not ImportJob.objects.exists()
    done = _post(api, AHA, product=product.slug, source="aha")
    assert done.status_code == 201 and done.json()["created"] == 2
    assert Release.objects.get(version="2026.2").features.count() == 2
    again = _post(api, AHA, product=product.slug, source="aha")
    assert again.json()["created"] == 0 and again.json()["skipped"] == 2


def test_the_api_refuses_bad_input_with_the_usual_body(editor, viewer, product):
    api = bearer_client(editor)
    bad = AHA.replace("Ready to develop", "Sometime")
    refused = _post(api, bad, product=product.slug, source="aha")
    assert refused.status_code == 422
    assert "rows.3.Feature status" in errors(refused)
    assert Feature.objects.count() == 0
    wrong = _post(api, AHA, product=product.slug, source="aha", mapping=json.dumps({"x": "key"}))
    assert wrong.status_code == 422
    assert _post(api, AHA, product="nope", source="aha").status_code == 404
    assert _post(bearer_client(viewer), AHA, product=product.slug).status_code == 403
