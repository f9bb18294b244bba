"""The meetings API's occurrences, minutes, attendance, agenda items, decisions and action
items: their errors (401, 403, 404, 412, 422 naming the field) and what they leave unwritten;
comments and follows through the conversations API."""

from django.urls import reverse

from tests.api.utils import bearer_client, patch, post, url
from tests.conftest import client_for
from wavelength.core import versioning
from wavelength.meetings import services
from wavelength.meetings.models import ActionItem, AgendaItem


def _fields(response) -> list[str]:
    return [d["field"] for d in response.json()["detail"]]


def test_minutes_and_attendance(now, editor, viewer, outsider, series):
    api = bearer_client(editor)
    occurrence = series.occurrences.first()
    got = api.get(url("occurrence-detail", occurrence.pk))
    assert got.status_code == 200 and got["ETag"]
    saved = patch(api, url("occurrence-update", occurrence.pk),
                  {"minutes": "# Notes\n<script>x</script>", "attended": [viewer.pk]})  # fmt: skip
    assert saved.status_code == 200 and saved.json()["attended"] == [viewer.pk]
    bad = patch(api, url("occurrence-update", occurrence.pk), {"attended": [999999]})
    assert bad.status_code == 422 and _fields(bad) == ["attended"]
    assert list(occurrence.attended.all()) == [viewer]
    refused = patch(bearer_client(outsider), url("occurrence-update", occurrence.pk),
                    {"minutes": "mine"})  # fmt: skip
    assert refused.status_code == 403
    viewer_try = patch(bearer_client(viewer), url("occurrence-update", occurrence.pk),
                       {"minutes": "mine"})  # fmt: skip
    assert viewer_try.status_code == 403  # an attendee who may not edit
    listed = api.get(url("occurrence-list", series.pk)).json()
    assert listed["count"] >= services.AHEAD and listed["items"][0]["id"] == occurrence.pk
    html = client_for(editor).get(occurrence.get_absolute_url()).content.decode()
    assert "<script>x</script>" not in html


def test_agenda_item_errors(now, editor, series):
    api = bearer_client(editor)
    occurrence = series.occurrences.first()
    empty = post(api, url("item-create", occurrence.pk), {"title": "  "})
    assert empty.status_code == 422 and _fields(empty) == ["title"]
    link = post(api, url("item-create", occurrence.pk), {"title": "x", "url": "javascript:x"})
    assert link.status_code == 422 and _fields(link) == ["url"]
    bad_move = post(api, url("item-create", occurrence.pk), {"title": "Roadmap"}).json()
    moved = patch(api, url("item-update", bad_move["id"]), {"move": "sideways"})
    assert moved.status_code == 422 and _fields(moved) == ["move"]
    item = AgendaItem.objects.get(pk=bad_move["id"])
    stale = api.delete(url("item-delete", item.pk), HTTP_IF_MATCH='"0000000000000000"')
    assert stale.status_code == 412 and AgendaItem.objects.filter(pk=item.pk).exists()
    assert api.get(url("item-detail", 999999)).status_code == 404
    assert bearer_client(editor).get(url("item-list", 999999)).status_code == 404


def test_the_move_buttons_carry_the_version_and_a_stale_click_moves_nothing(
    now, editor_client, editor, series
):
    occurrence = series.occurrences.first()
    first = services.agenda_item_add(actor=editor, occurrence=occurrence, title="Roadmap")
    second = services.agenda_item_add(actor=editor, occurrence=occurrence, title="Hiring")
    html = editor_client.get(occurrence.get_absolute_url()).content.decode()
    assert f'name="edit_version" value="{versioning.version_of(second)}"' in html
    stale = versioning.version_of(second)
    services.agenda_item_update(actor=editor, item=second, title="Hiring plan")
    response = editor_client.post(reverse("meetings:item-change", args=[second.pk, "up"]),
                                  {"edit_version": stale}, follow=True)  # fmt: skip
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.position == 1  # nothing moved
    fresh = versioning.version_of(AgendaItem.objects.get(pk=second.pk))
    editor_client.post(reverse("meetings:item-change", args=[second.pk, "up"]),
                       {"edit_version": fresh})  # fmt: skip
    assert list(occurrence.items.values_list("title", flat=True)) == ["Hiring plan", "Roadmap"]


def test_action_item_errors_and_lists(now, editor, viewer, outsider, series):
    api = bearer_client(editor)
    occurrence = series.occurrences.first()
    unknown = post(api, url("action-create", occurrence.pk), {"title": "x", "owner": 999999})
    assert unknown.status_code == 422 and _fields(unknown) == ["owner"]
    empty = post(api, url("action-create", occurrence.pk), {"title": " ", "owner": viewer.pk})
    assert empty.status_code == 422 and _fields(empty) == ["title"]
    assert not ActionItem.objects.exists()
    body = {"title": "Tell sales", "owner": viewer.pk, "due_on": "2026-03-01"}
    made = post(api, url("action-create", occurrence.pk), body).json()
    assert made["overdue"] is True
    refused = patch(bearer_client(outsider), url("action-update", made["id"]), {"status": "done"})
    assert refused.status_code == 403
    bad = patch(api, url("action-update", made["id"]), {"status": "maybe"})
    assert bad.status_code == 422 and _fields(bad) == ["status"]
    listed = api.get(url("action-list", occurrence=occurrence.pk, open="true")).json()
    assert [a["id"] for a in listed["items"]] == [made["id"]]
    assert api.get(url("action-list", occurrence=999999)).status_code == 404
    assert bearer_client(editor).get(url("action-list", mine="true")).json()["count"] == 0


def test_decision_errors(now, editor, outsider, series):
    api = bearer_client(editor)
    occurrence = series.occurrences.first()
    unknown = post(api, url("decision-create", occurrence.pk),
                   {"title": "x", "features": [999999], "decided_by": 999999})  # fmt: skip
    assert unknown.status_code == 422 and sorted(_fields(unknown)) == ["decided_by", "features"]
    made = post(api, url("decision-create", occurrence.pk), {"title": "Ship it"}).json()
    listed = api.get(url("decision-list", occurrence.pk)).json()
    assert [d["id"] for d in listed["items"]] == [made["id"]]
    stale = api.patch(
        url("decision-update", made["id"]), {"title": "No"},
        content_type="application/json", HTTP_IF_MATCH='"0000000000000000"',
    )  # fmt: skip
    assert stale.status_code == 412
    refused = patch(bearer_client(outsider), url("decision-update", made["id"]), {"title": "No"})
    assert refused.status_code == 403
    assert api.get(url("decision-detail", made["id"])).json()["title"] == "Ship it"


def test_comments_on_a_meeting_and_following_a_series(now, editor, viewer, series):
    occurrence = series.occurrences.first()
    api = bearer_client(viewer)
    body = {"kind": "meeting", "object_id": occurrence.pk, "body": "Can we add hiring?"}
    comment = post(api, "/api/v1/comments", body)
    assert comment.status_code == 201
    followed = post(api, "/api/v1/follows", {"kind": "meeting_series", "object_id": series.pk})
    assert followed.status_code in (200, 201)
    html = client_for(editor).get(occurrence.get_absolute_url()).content.decode()
    assert "Can we add hiring?" in html
    assert "Follow" in client_for(viewer).get(series.get_absolute_url()).content.decode()
    assert viewer in services.recipients(series)
