"""Feedback API: status codes, the error body, permissions, bulk ingest, links, demand and a
fixed number of queries per list page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api.utils import bearer_client, errors, nothing_written, patch, post, url
from wavelength.feedback import services
from wavelength.feedback.models import Company, Contact, Feedback, FeedbackLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_api(editor):
    return bearer_client(editor)


@pytest.fixture
def viewer_api(viewer):
    return bearer_client(viewer)


def test_anonymous_gets_401():
    for path in [url("company-list"), url("feedback-list"), url("contact-list")]:
        response = Client().get(path)
        assert response.status_code == 401
        assert errors(response) == {"": errors(response)[""]}
    assert post(Client(), url("feedback-create"), {"text": "x"}).status_code == 401


def test_company_create_get_patch(editor_api, editor):
    response = post(
        editor_api,
        url("company-create"),
        {
            "name": "Initech",
            "domains": ["initech.com"],
            "segment": "smb",
            "arr": "9000.50",
            "owner": editor.pk,
        },  # fmt: skip
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["arr"] == "9000.50" and body["owner"]["email"] == editor.email
    response = patch(editor_api, url("company-update", body["id"]), {"health": "poor"})
    assert response.json()["health"] == "poor"
    assert editor_api.get(url("company-detail", body["id"])).json()["name"] == "Initech"


def test_company_create_names_bad_fields(editor_api, acme):
    response = post(
        editor_api, url("company-create"), {"name": "Acme", "segment": "huge", "owner": 999}
    )
    assert response.status_code == 422
    assert "segment" in errors(response)
    response = post(editor_api, url("company-create"), {"name": "New", "owner": 999})
    assert set(errors(response)) == {"owner"}
    response = post(editor_api, url("company-create"), {"name": "Acme"})
    assert set(errors(response)) == {"name"}


def test_company_list_filters(editor_api, acme, globex):
    body = editor_api.get(url("company-list", segment="smb")).json()
    assert [c["name"] for c in body["items"]] == ["Globex"]


def test_viewer_gets_403_on_every_write(editor, viewer_api, acme, item, feature):
    link = services.feedback_link(actor=editor, feedback=item, feature=feature)
    writes = [
        post(viewer_api, url("company-create"), {"name": "X"}),
        patch(viewer_api, url("company-update", acme.pk), {"name": "Y"}),
        post(viewer_api, url("contact-create"), {"email": "x@acme.com"}),
        post(viewer_api, url("theme-create"), {"name": "T"}),
        post(viewer_api, url("feedback-create"), {"text": "x"}),
        post(viewer_api, url("feedback-bulk"), {"items": [{"text": "x"}]}),
        post(viewer_api, url("feedback-bulk-update"), {"ids": [item.pk], "action": "archive"}),
        patch(viewer_api, url("feedback-update", item.pk), {"status": "triaged"}),
        post(viewer_api, url("feedback-link", item.pk), {"feature": feature.pk}),
        viewer_api.delete(url("feedback-unlink", item.pk, link.pk)),
    ]
    assert [r.status_code for r in writes] == [403] * len(writes)
    assert viewer_api.get(url("feedback-detail", item.pk)).status_code == 200


def test_contact_create_finds_company(editor_api, acme):
    response = post(editor_api, url("contact-create"), {"email": "new@acme.com", "name": "N"})
    assert response.status_code == 201
    assert response.json()["company"] == {"id": acme.pk, "name": "Acme"}
    response = post(editor_api, url("contact-create"), {"email": "new@acme.com"})
    assert response.status_code == 422 and "email" in errors(response)


def test_feedback_create_and_external_id_conflict(editor_api, acme):
    data = {"text": "Hello", "contact_email": "z@acme.com", "external_id": "Z-1", "tags": ["a"]}
    response = post(editor_api, url("feedback-create"), data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"] == "api" and body["company"]["name"] == "Acme"
    assert body["tags"] == ["a"] and body["status"] == "new"
    with nothing_written(Feedback):
        response = post(editor_api, url("feedback-create"), data)
    assert response.status_code == 409 and "external_id" in errors(response)


def test_feedback_create_names_bad_fields(editor_api):
    response = post(editor_api, url("feedback-create"), {"text": "x", "type": "rant", "theme": 5})
    assert response.status_code == 422
    assert "type" in errors(response)
    response = post(editor_api, url("feedback-create"), {"text": "x", "theme": 5})
    assert set(errors(response)) == {"theme"}
    response = post(editor_api, url("feedback-create"), {"text": " "})
    assert set(errors(response)) == {"text"}


def test_bulk_is_all_or_nothing_and_skips_known_ids(editor_api):
    bad = {"items": [{"text": "ok"}, {"text": ""}, {"text": "x", "contact_email": "@"}]}
    with nothing_written(Feedback, Contact, Company):
        response = post(editor_api, url("feedback-bulk"), bad)
    assert response.status_code == 422
    assert set(errors(response)) == {"items.1.text", "items.2.contact_email"}

    good = {"items": [{"text": f"n{n}", "source": "csv", "external_id": str(n)} for n in range(3)]}
    response = post(editor_api, url("feedback-bulk"), good)
    assert response.status_code == 201
    assert len(response.json()["created"]) == 3
    again = post(editor_api, url("feedback-bulk"), good).json()
    assert again["created"] == [] and [s["index"] for s in again["skipped"]] == [0, 1, 2]
    assert Feedback.objects.count() == 3


def test_bulk_refuses_more_than_1000(editor_api):
    response = post(editor_api, url("feedback-bulk"), {"items": [{"text": "x"}] * 1001})
    assert response.status_code == 422 and "items" in errors(response)


def test_list_filters_and_bad_filter(editor_api, item):
    body = editor_api.get(url("feedback-list", source="support", q="charts")).json()
    assert [i["id"] for i in body["items"]] == [item.pk]
    assert editor_api.get(url("feedback-list", source="email")).json()["count"] == 0
    response = editor_api.get(url("feedback-list", source="pigeon"))
    assert response.status_code == 422 and "source" in errors(response)


def test_patch_triages(editor_api, item, theme):
    response = patch(
        editor_api,
        url("feedback-update", item.pk),
        {"type": "feature_request", "status": "triaged", "theme": theme.pk, "tags": ["x"]},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["type"], body["status"], body["theme"]["name"], body["tags"]) == (
        "feature_request",
        "triaged",
        "Reporting",
        ["x"],
    )
    assert editor_api.get(url("feedback-detail", 99999)).status_code == 404


def test_bulk_update(editor_api, item, theme):
    response = post(
        editor_api,
        url("feedback-bulk-update"),
        {"ids": [item.pk], "action": "theme", "value": theme.pk},
    )
    assert response.status_code == 200 and response.json()[0]["theme"]["id"] == theme.pk
    response = post(
        editor_api, url("feedback-bulk-update"), {"ids": [item.pk, 999], "action": "archive"}
    )
    assert response.status_code == 422 and "ids" in errors(response)


def test_link_unlink_and_demand(editor_api, item, feature):
    response = post(
        editor_api,
        url("feedback-link", item.pk),
        {"feature": feature.pk, "importance": "critical", "quote": "export them to CSV"},
    )
    assert response.status_code == 201, response.content
    link = response.json()
    assert link["quote_start"] == item.text.index("export them")
    demand = editor_api.get(url("feature-demand", feature.pk)).json()
    assert demand["feedback_count"] == 1 and demand["unique_companies"] == 1
    assert demand["revenue"] == "120000.00"
    assert demand["top_quotes"][0]["company"] == "Acme"
    response = post(editor_api, url("feedback-link", item.pk), {"feature": 999})
    assert response.status_code == 422 and set(errors(response)) == {"feature"}
    assert editor_api.delete(url("feedback-unlink", item.pk, link["id"])).status_code == 204
    assert not FeedbackLink.objects.exists()
    assert editor_api.get(url("feature-demand", 999)).status_code == 404


def _build_feedback(editor, n):
    theme = services.theme_create(actor=editor, name="Speed")
    services.feedback_bulk_create(
        actor=editor,
        items=[
            {
                "text": f"Item {i}",
                "contact_email": f"p{i % 7}@co{i % 5}.com",
                "tags": ["a", f"t{i}"],
                "theme": theme.pk,
            }  # fmt: skip
            for i in range(n)
        ],
    )
    return Feedback.objects.all()


def test_query_count_does_not_grow_with_page_size(editor_api, editor, feature):
    items = list(_build_feedback(editor, 55))
    for item in items[:20]:
        services.feedback_link(actor=editor, feedback=item, feature=feature)
    for name in ["feedback-list", "company-list", "contact-list"]:
        editor_api.get(url(name, limit=1))
        counts = []
        for limit in (5, 50):
            with CaptureQueriesContext(connection) as ctx:
                response = editor_api.get(url(name, limit=limit))
            assert response.status_code == 200
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1], (name, counts)


def test_unlink_a_link_of_another_item_is_404(editor, editor_api, item, feature):
    other = services.feedback_create(actor=editor, text="Other")
    link = services.feedback_link(actor=editor, feedback=item, feature=feature)
    assert editor_api.delete(url("feedback-unlink", other.pk, link.pk)).status_code == 404
    assert FeedbackLink.objects.filter(pk=link.pk).exists()
