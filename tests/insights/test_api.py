"""The insights API: dashboard figures and the rows behind them, saved views with ETags,
the weekly report's subscription and reports, and the feature trace; the usual errors."""

import datetime as dt

from django.test import Client

from tests.api.utils import bearer_client, errors, patch, post, url
from wavelength.insights import services
from wavelength.insights.models import SavedView


def test_the_dashboard_and_a_figure(world, editor):
    api = bearer_client(editor)
    body = api.get(url("insights-dashboard")).json()
    assert body["until"] == "2026-05-13" and body["since"] == "2026-02-13"
    channel = next(f for f in body["figures"] if f["key"] == "feedback-channel")
    portal = next(c for c in channel["counters"] if c["params"] == {"source": "portal"})
    assert portal["value"] == 2 and portal["list"] == "feedback"
    rows = api.get(url("insights-list", "feedback", source="portal")).json()
    assert rows["count"] == 2 and {r["title"] for r in rows["items"]} == {
        "Offline again", "Export to CSV"}  # fmt: skip
    one = api.get(url("insights-figure", "releases", product="orbit", period=365)).json()
    assert one["chart"]["datasets"][0]["values"] == [2, 1, 0]


def test_bad_filters_are_a_422_naming_the_field(editor):
    api = bearer_client(editor)
    response = api.get(url("insights-dashboard", period=12))
    assert response.status_code == 422 and "period" in errors(response)
    assert api.get(url("insights-figure", "nope")).status_code == 404
    assert api.get(url("insights-list", "nope")).status_code == 404


def test_signed_out_is_a_401(db):
    response = Client().get(url("insights-dashboard"))
    assert response.status_code == 401 and "" in errors(response)


def test_counts_follow_the_caller_permissions(world, editor, outsider):
    mine = bearer_client(editor).get(url("insights-list", "pages")).json()
    theirs = bearer_client(outsider).get(url("insights-list", "pages")).json()
    assert (mine["count"], theirs["count"]) == (2, 3)


def test_saved_views_with_etags(now, editor, product_team):
    api = bearer_client(editor)
    created = post(api, url("insights-views"), {"name": "Angry", "page": "feedback:feedback-list",
                                                "filters": {"sentiment": "negative"},
                                                "team": "product"})  # fmt: skip
    assert created.status_code == 201, created.content
    view = created.json()
    assert view["url"] == "/feedback/?sentiment=negative" and view["team"] == "product"
    got = api.get(url("insights-view", view["id"]))
    etag = got["ETag"]
    changed = api.patch(url("insights-view", view["id"]), {"name": "Cross"},
                        content_type="application/json", headers={"If-Match": etag})  # fmt: skip
    assert changed.status_code == 200 and changed["ETag"] != etag
    stale = api.patch(url("insights-view", view["id"]), {"name": "Late"},
                      content_type="application/json", headers={"If-Match": etag})  # fmt: skip
    assert stale.status_code == 412 and "edit_version" in errors(stale)
    assert (
        api.delete(url("insights-view", view["id"]), headers={"If-Match": etag}).status_code == 412
    )
    assert SavedView.objects.get().name == "Cross"
    assert api.delete(url("insights-view", view["id"])).status_code == 204
    assert not SavedView.objects.exists()


def test_saved_view_bad_input(now, editor):
    api = bearer_client(editor)
    for body, field in [({"name": "", "page": "insights:dashboard"}, "name"),
                        ({"name": "A", "page": "admin:index"}, "page"),
                        ({"name": "A", "page": "insights:dashboard", "team": 999}, "team"),
                        ({"name": "A", "page": "feedback:feedback-list",
                          "filters": {"Bad Key": "x"}}, "filters")]:  # fmt: skip
        response = post(api, url("insights-views"), body)
        assert response.status_code == 422 and field in errors(response), body
    assert not SavedView.objects.exists()


def test_another_team_never_sees_a_shared_view(now, editor, viewer, outsider, product_team):
    view = services.saved_view_create(actor=editor, name="Ours", page="insights:dashboard",
                                      filters={}, team=product_team)  # fmt: skip
    assert bearer_client(viewer).get(url("insights-view", view.pk)).status_code == 200
    assert bearer_client(viewer).get(url("insights-views")).json()["count"] == 1
    other = bearer_client(outsider)
    assert other.get(url("insights-view", view.pk)).status_code == 404
    assert other.get(url("insights-views")).json()["count"] == 0
    refused = patch(bearer_client(viewer), url("insights-view", view.pk), {"name": "Mine"})
    assert refused.status_code == 403 and "" in errors(refused)


def test_subscription_and_reports(world, viewer, product):
    api = bearer_client(viewer)
    got = api.get(url("insights-subscription"))
    assert got.json() == {"active": False, "product": None, "team": None}
    put = api.put(url("insights-subscription"), {"active": True, "product": "orbit"},
                  content_type="application/json", headers={"If-Match": got["ETag"]})  # fmt: skip
    assert put.status_code == 200 and put.json()["product"] == "orbit"
    stale = api.put(url("insights-subscription"), {"active": False},
                    content_type="application/json", headers={"If-Match": got["ETag"]})  # fmt: skip
    assert stale.status_code == 412
    bad = api.put(url("insights-subscription"), {"active": True, "product": "nope"},
                  content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "product" in errors(bad)
    report = services.report_generate(user=viewer, week_start=dt.date(2026, 5, 4))
    listed = api.get(url("insights-reports")).json()
    assert [r["id"] for r in listed["items"]] == [report.pk]
    assert api.get(url("insights-report", report.pk)).json()["week_start"] == "2026-05-04"


def test_a_report_is_its_readers_only(world, viewer, editor):
    report = services.report_generate(user=viewer, week_start=dt.date(2026, 5, 4))
    assert bearer_client(editor).get(url("insights-report", report.pk)).status_code == 404


def test_the_trace_as_json_and_markdown(world, viewer):
    api = bearer_client(viewer)
    offline = world["offline"]
    body = api.get(url("insights-feature-trace", offline.pk)).json()
    assert body["evidence"]["unique_companies"] == 2 and body["evidence"]["feedback_count"] == 3
    assert [r["version"] for r in body["releases"]] == ["1.1"]
    assert [p["title"] for p in body["pages"]] == ["Offline guide"]
    assert body["training"] == [
        {
            "id": world["course"].pk,
            "title": "Offline mode for support",
            "assigned": 1,
            "completed": 1,
        }
    ]  # only their own progress
    assert body["open_defects"][0]["key"] == world["major"].key
    text = api.get(url("insights-feature-trace", offline.pk, format="markdown")).content.decode()
    assert text.startswith("# Trace of Offline mode") and "## 8. Measured outcome" in text
    assert api.get(url("insights-feature-trace", 999999)).status_code == 404


def test_the_trace_as_pdf(world, viewer):
    response = bearer_client(viewer).get(url("insights-feature-trace-pdf", world["offline"].pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 5_000
    assert bearer_client(viewer).get(url("insights-feature-trace-pdf", 999999)).status_code == 404
    assert Client().get(url("insights-feature-trace-pdf", world["offline"].pk)).status_code == 401


def test_dashboard_of_an_empty_workspace_answers_every_figure(admin, product):
    response = bearer_client(admin).get(url("insights-dashboard"))
    assert response.status_code == 200, response.content[:300]
    figures = response.json()["figures"]
    assert figures and all("datasets" in figure["chart"] for figure in figures)
