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
from wavelength.integrations import backlog
from wavelength.integrations.importers import ImportRefused
from wavelength.integrations.models import BacklogKey, ImportJob, ImportMapping

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


def test_upload_map_preview_and_import_on_the_pages(editor_client, editor, product):
    upload = SimpleUploadedFile("jira.csv", _jira(editor).encode(), content_type="text/csv")
    data = {"file": upload, "product": product.slug, "source": "jira"}
    response = editor_client.post(reverse("integrations:backlog-import"), data)
    assert response.status_code == 302
    job = ImportJob.objects.get(kind="backlog")
    page = editor_client.get(response["Location"]).content.decode()
    assert "Offline mode" in page and "ORB-3" in page and "Preview of the first 3 rows" in page
    form = {f"col_{n}": field for n, field in enumerate(
        ["key", "title", "description", "stage", "owner", "area", "tags", "release",
         "release_date"])}  # fmt: skip
    form["save_as"] = "Our Jira"
    done = editor_client.post(reverse("integrations:backlog-map", args=[job.pk]), form)
    assert done.status_code == 302 and done["Location"] == product.get_absolute_url()
    assert Feature.objects.filter(product=product).count() == 3
    assert ImportMapping.objects.get(name="Our Jira").source == "backlog"


def test_a_refused_import_shows_rows_and_columns(editor_client, editor, product):
    text = "Issue key,Summary,Status\nORB-1,Offline,Someday\n"
    job = _job(editor, product, text)
    form = {"col_0": "key", "col_1": "title", "col_2": "stage"}
    response = editor_client.post(reverse("integrations:backlog-map", args=[job.pk]), form)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Row 2, column “Status”" in html and "Nothing was imported" in html
    assert Feature.objects.count() == 0


def test_the_pages_are_for_editors(viewer_client):
    assert viewer_client.get(reverse("integrations:backlog-import")).status_code == 403


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
