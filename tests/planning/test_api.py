from tests.api.utils import bearer_client, patch, post, url
from wavelength.planning.models import Objective, Placement


def _fields(response) -> set[str]:
    return {d["field"] for d in response.json()["detail"]}


def test_the_timeline_and_board(editor, feature, releases):
    api = bearer_client(editor)
    body = api.get(url("roadmap-timeline")).json()
    assert [r["version"] for r in body["lanes"][0]["releases"]] == ["2.0", "2.1"]
    assert body["lanes"][0]["releases"][0]["late"] is True
    board = api.get(url("roadmap-board")).json()
    assert [c["column"] for c in board] == ["now", "next", "later"]
    assert board[1]["features"][0]["title"] == feature.title
    assert api.get(url("roadmap-timeline", stage="someday")).status_code == 422
    unknown = api.get(url("roadmap-timeline", product="nowhere", team="nobody"))
    assert unknown.status_code == 422 and _fields(unknown) == {"product", "team"}
    assert api.get(url("roadmap-timeline", product=feature.product.slug)).status_code == 200


def test_move_with_if_match(editor, feature, releases):
    api = bearer_client(editor)
    got = api.get(url("feature-roadmap", feature.pk))
    etag = got["ETag"]
    moved = api.patch(url("feature-roadmap", feature.pk), {"column": "now", "reason": "Go"},
                      content_type="application/json", headers={"If-Match": etag})  # fmt: skip
    assert moved.status_code == 200 and moved.json()["placed_column"] == "now"
    stale = api.patch(url("feature-roadmap", feature.pk), {"column": "later"},
                      content_type="application/json", headers={"If-Match": etag})  # fmt: skip
    assert stale.status_code == 412
    bad = patch(api, url("feature-roadmap", feature.pk), {"release": 99999})
    assert bad.status_code == 422 and _fields(bad) == {"release"}
    assert Placement.objects.get().column == "now"


def test_a_viewer_reads_but_cannot_move(viewer, feature, releases):
    api = bearer_client(viewer)
    assert api.get(url("feature-roadmap", feature.pk)).status_code == 200
    assert patch(api, url("feature-roadmap", feature.pk), {"column": "now"}).status_code == 403
    assert (
        post(api, url("roadmap-plan"), {"features": [feature.pk], "column": "now"}).status_code
        == 403
    )


def test_objectives_and_key_results(editor, feature, product):
    api = bearer_client(editor)
    created = post(api, url("objective-create"), {
        "title": "Grow", "period_start": "2026-04-01", "period_end": "2026-06-30",
        "product": product.pk, "features": [feature.pk],
    })  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    kr = post(api, url("key-result-create", pk), {"title": "Users", "target": "100"})
    assert kr.status_code == 201
    etag = kr["ETag"]
    updated = api.patch(url("key-result-detail", kr.json()["id"]), {"current": "40"},
                        content_type="application/json", headers={"If-Match": etag})  # fmt: skip
    assert updated.json()["progress"] == 40
    body = api.get(url("objective-detail", pk)).json()
    assert body["progress"] == 40 and body["features"] == [feature.pk]
    bad = post(api, url("objective-create"), {"title": "X", "period_start": "2026-07-01",
                                              "period_end": "2026-06-01"})  # fmt: skip
    assert bad.status_code == 422 and _fields(bad) == {"period_end"}
    bad = post(api, url("key-result-create", pk), {"title": "X", "target": 1, "figure": "mood"})
    assert bad.status_code == 422 and _fields(bad) == {"figure"}
    assert Objective.objects.count() == 1
    figures = api.get(url("figure-list")).json()
    assert {"demand", "shipped", "pass_rate", "nps"} <= {f["key"] for f in figures}


def test_share_link(viewer):
    response = post(bearer_client(viewer), url("roadmap-share"), {"view": "board"})
    assert response.status_code == 201 and "/roadmap/shared/" in response.json()["url"]
