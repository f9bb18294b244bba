import re

import pytest

from tests.api.utils import bearer_client, patch, post, url
from tests.factories import FeatureFactory
from wavelength.core import clock
from wavelength.meetings.models import Decision, MeetingSeries

SERIES = {
    "name": "Go/no-go",
    "time_zone": "Europe/Paris",
    "start_date": "2026-03-02",
    "start_time": "10:00",
    "rrule": "FREQ=WEEKLY;BYDAY=MO",
}


def _fields(response) -> set[str]:
    return {d["field"] for d in response.json()["detail"]}


def test_create_a_series_and_list_its_occurrences(now, editor, product):
    api = bearer_client(editor)
    created = post(api, url("series-create"), {**SERIES, "products": [product.pk]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner"] == editor.pk and body["products"] == [product.pk]
    assert "FREQ=WEEKLY" in body["rrule"] and len(body["agenda_parts"]) == 8
    with clock.travel(now):
        rows = api.get(url("occurrence-list", body["id"])).json()["items"]
    assert rows[0]["starts_at"].startswith("2026-03-23T09:00:00")


def test_bad_input_names_the_field(now, editor):
    api = bearer_client(editor)
    response = post(api, url("series-create"), {**SERIES, "rrule": "FREQ=NEVER"})
    assert response.status_code == 422 and _fields(response) == {"rrule"}
    response = post(api, url("series-create"), {**SERIES, "time_zone": "Nowhere/Land"})
    assert response.status_code == 422 and _fields(response) == {"time_zone"}
    response = post(api, url("series-create"), {**SERIES, "products": [999]})
    assert response.status_code == 422 and _fields(response) == {"products"}
    assert not MeetingSeries.objects.exists()


def test_viewer_cannot_create_and_outsider_cannot_edit(now, viewer, outsider, series):
    assert post(bearer_client(viewer), url("series-create"), SERIES).status_code == 403
    response = patch(bearer_client(outsider), url("series-update", series.pk), {"name": "x"})
    assert response.status_code == 403


def test_a_stale_if_match_is_412_and_a_fresh_one_saves(now, editor, series):
    api = bearer_client(editor)
    etag = api.get(url("series-detail", series.pk))["ETag"]
    stale = api.patch(
        url("series-update", series.pk),
        {"name": "New"},
        content_type="application/json",
        HTTP_IF_MATCH='"0000000000000000"',
    )
    assert stale.status_code == 412
    fresh = api.patch(
        url("series-update", series.pk),
        {"name": "New"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert fresh.status_code == 200 and fresh.json()["name"] == "New"
    assert fresh["ETag"] != etag


def test_agenda_items_decisions_and_action_items(now, editor, viewer, series, product):
    api = bearer_client(editor)
    occurrence = series.occurrences.first()
    item = post(api, url("item-create", occurrence.pk), {"title": "Roadmap"}).json()
    post(api, url("item-create", occurrence.pk), {"title": "Hiring"})
    moved = patch(api, url("item-update", item["id"]), {"move": "down"})
    assert moved.status_code == 200 and moved.json()["position"] == 2
    assert api.delete(url("item-delete", item["id"])).status_code == 204
    titles = [i["title"] for i in api.get(url("item-list", occurrence.pk)).json()]
    assert titles == ["Hiring"]

    feature = FeatureFactory(product=product)
    decision = post(
        api, url("decision-create", occurrence.pk), {"title": "Ship it", "features": [feature.pk]}
    )
    assert decision.status_code == 201 and decision.json()["features"] == [feature.pk]
    changed = patch(api, url("decision-update", decision.json()["id"]), {"rationale": "Ready"})
    assert changed.json()["rationale"] == "Ready"

    action = post(
        api,
        url("action-create", occurrence.pk),
        {"title": "Tell sales", "owner": viewer.pk, "due_on": "2026-03-20"},
    )
    assert action.status_code == 201
    mine = bearer_client(viewer).get(url("action-list", mine="true")).json()
    assert [a["title"] for a in mine["items"]] == ["Tell sales"]
    done = patch(
        bearer_client(viewer), url("action-update", action.json()["id"]), {"status": "done"}
    )
    assert done.status_code == 200 and done.json()["status"] == "done"


def test_an_outsider_cannot_add_to_the_agenda_or_record_decisions(now, outsider, series):
    api = bearer_client(outsider)
    occurrence = series.occurrences.first()
    assert post(api, url("item-create", occurrence.pk), {"title": "x"}).status_code == 403
    assert post(api, url("decision-create", occurrence.pk), {"title": "x"}).status_code == 403
    assert not Decision.objects.exists()


def test_unknown_ids_are_404_and_anonymous_is_401(db, client, editor):
    assert bearer_client(editor).get(url("series-detail", 999)).status_code == 404
    assert bearer_client(editor).get(url("occurrence-detail", 999)).status_code == 404
    assert client.get(url("series-list")).status_code == 401


def test_a_closed_meeting_refuses_an_attendee(now, editor, admin, series):
    occurrence = series.occurrences.first()
    post(bearer_client(editor), url("item-create", occurrence.pk), {"title": "x"})
    from wavelength.meetings import services

    services.occurrence_close(actor=editor, occurrence=occurrence)
    response = post(bearer_client(admin), url("item-create", occurrence.pk), {"title": "y"})
    assert response.status_code == 403
    assert "closed" in response.json()["detail"][0]["message"]


def test_generate_the_agenda(now, editor, series):
    occurrence = series.occurrences.first()
    response = post(bearer_client(editor), url("agenda-generate", occurrence.pk))
    assert response.status_code == 201 and response.json() == []  # nothing happened yet


def test_start_time_is_documented_and_accepted_as_hh_mm_or_hh_mm_ss(now, editor, client):
    schemas = client.get(url("openapi-json")).json()["components"]["schemas"]
    documented = schemas["SeriesIn"]["properties"]["start_time"]
    # A pattern, not JSON Schema's "time" format: that one requires a UTC offset.
    assert documented["type"] == "string" and "format" not in documented
    assert schemas["SeriesOut"]["properties"]["start_time"]["pattern"] == documented["pattern"]
    pattern = re.compile(documented["pattern"])
    api = bearer_client(editor)
    for sent in ("09:30", "09:30:00"):
        assert pattern.match(sent)
        created = post(api, url("series-create"), {**SERIES, "start_time": sent})
        assert created.status_code == 201, created.content
        assert created.json()["start_time"] == "09:30:00"
        assert pattern.match(created.json()["start_time"])
    series_id = created.json()["id"]
    changed = patch(api, url("series-update", series_id), {"start_time": "17:05:30"})
    assert changed.status_code == 200 and changed.json()["start_time"] == "17:05:30"


@pytest.mark.parametrize(
    "sent", ["9:30", "0930", "09:30:00.5", "09:30Z", "09:30+02:00", "24:00", "", 34200, None]
)
def test_a_start_time_not_as_documented_is_422_naming_the_field(now, editor, series, sent):
    api = bearer_client(editor)
    count = MeetingSeries.objects.count()
    response = post(api, url("series-create"), {**SERIES, "start_time": sent})
    assert response.status_code == 422 and _fields(response) == {"start_time"}
    assert MeetingSeries.objects.count() == count
    if sent is None:
        return  # a PATCH may send null for "unchanged"
    before = series.start_time
    response = patch(api, url("series-update", series.pk), {"start_time": sent})
    assert response.status_code == 422 and _fields(response) == {"start_time"}
    series.refresh_from_db()
    assert series.start_time == before
