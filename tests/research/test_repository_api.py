"""The research repository's API: studies, notes, highlights and their links, personas,
competitors and mentions, a release's follow-ups; errors, permissions and stale writes."""

import pytest

from tests.api.utils import bearer_client, errors, patch, post, url
from tests.factories import FeatureFactory, ReleaseFactory
from wavelength.feedback.models import FeedbackLink
from wavelength.research.models import Highlight, Note, Study, Survey


def test_editor_builds_a_study_with_notes_and_a_linked_highlight(now, editor, viewer, feature):
    api = bearer_client(editor)
    created = post(api, url("study-create"), {
        "title": "Exports", "method": "usability", "status": "running",
        "participants": ["ann@bigco.com", "new@example.org"],
    })  # fmt: skip
    assert created.status_code == 201, created.content
    study = created.json()
    assert study["owner"] == editor.pk
    assert [p["email"] for p in study["participants"]] == ["ann@bigco.com", "new@example.org"]
    note = post(api, url("note-create", study["id"]), {
        "title": "Session 1", "body": "She said exports fail every Monday.",
        "participant": "new@example.org", "taken_on": "2026-03-12",
    })  # fmt: skip
    assert note.status_code == 201, note.content
    highlight = post(api, url("highlight-create", note.json()["id"]), {
        "quote": "exports fail every Monday", "tags": ["Pain"], "features": [feature.pk],
    })  # fmt: skip
    assert highlight.status_code == 201, highlight.content
    body = highlight.json()
    assert body["features"] == [feature.pk] and body["tags"] == ["pain"] and body["feedback"]
    reader = bearer_client(viewer)
    listed = reader.get(url("highlight-list", feature=feature.pk)).json()
    assert listed["count"] == 1 and listed["items"][0]["quote"] == "exports fail every Monday"
    assert reader.get(url("note-list", study["id"])).json()["count"] == 1
    assert post(reader, url("study-create"), {"title": "Mine"}).status_code == 403


def test_bad_input_is_a_422_naming_the_field_and_nothing_is_written(now, editor, note):
    api = bearer_client(editor)
    cases = [
        (url("study-create"), {"title": "x", "method": "telepathy"}, "method"),
        (url("study-create"), {"title": "x", "participants": ["not an address"]}, "participants"),
        (url("study-create"), {"title": "x", "owner": 999999}, "owner"),
        (url("study-create"), {"title": "x", "starts_on": "2026-03-02", "ends_on": "2026-03-01"},
         "ends_on"),
        (url("highlight-create", note.pk), {"quote": "never said"}, "quote"),
        (url("highlight-create", note.pk), {"quote": "every Monday", "features": [999999]},
         "features"),
        (url("persona-create"), {"name": "P", "segments": ["galactic"]}, "segments"),
        (url("persona-create"), {"name": "P", "companies": [999999]}, "companies"),
        (url("competitor-create"), {"name": "C", "website": "ftp://x"}, "website"),
    ]  # fmt: skip
    for path, body, field in cases:
        response = post(api, path, body)
        assert response.status_code == 422, (body, response.content)
        assert any(field in key for key in errors(response)), (field, errors(response))
    assert Study.objects.count() == 1 and not Highlight.objects.exists()


def test_study_stale_write_is_a_412_and_only_the_owner_deletes(study, editor, outsider, admin):
    api = bearer_client(editor)
    etag = api.get(url("study-detail", study.pk))["ETag"]
    assert patch(api, url("study-update", study.pk), {"status": "done"}).status_code == 200
    stale = api.patch(url("study-update", study.pk), {"title": "Lost"},
                      content_type="application/json", HTTP_IF_MATCH=etag)  # fmt: skip
    assert stale.status_code == 412
    assert bearer_client(outsider).delete(url("study-delete", study.pk)).status_code == 403
    assert Study.objects.filter(pk=study.pk, title="Why exports fail").exists()
    assert bearer_client(admin).delete(url("study-delete", study.pk)).status_code == 204
    assert not Study.objects.exists()


def test_note_patch_and_highlight_link_and_unlink(note, editor, feature):
    api = bearer_client(editor)
    etag = api.get(url("note-detail", note.pk))["ETag"]
    changed = api.patch(url("note-update", note.pk), {"title": "Ann, Bigco (2)"},
                        content_type="application/json", HTTP_IF_MATCH=etag)  # fmt: skip
    assert changed.status_code == 200 and changed.json()["title"] == "Ann, Bigco (2)"
    highlight = post(api, url("highlight-create", note.pk), {"quote": "board deck"}).json()
    linked = post(api, url("highlight-link", highlight["id"]), {"feature": feature.pk})
    assert linked.status_code == 201 and linked.json()["features"] == [feature.pk]
    again = post(api, url("highlight-link", highlight["id"]), {"feature": feature.pk})
    assert again.status_code == 422
    gone = api.delete(url("highlight-unlink", highlight["id"], feature.pk))
    assert gone.status_code == 204 and not FeedbackLink.objects.exists()
    assert api.delete(url("highlight-unlink", highlight["id"], feature.pk)).status_code == 422
    assert api.delete(url("highlight-delete", highlight["id"])).status_code == 204
    assert api.delete(url("note-delete", note.pk)).status_code == 204
    assert not Note.objects.exists()


def test_personas_and_competitors_with_mentions(now, editor, viewer, customers):
    from wavelength.feedback.services import feedback_create

    api = bearer_client(editor)
    big = customers["ann"].company
    persona = post(api, url("persona-create"), {"name": "Ops lead", "segments": ["smb"],
                                                "companies": [big.pk]})  # fmt: skip
    assert persona.status_code == 201 and persona.json()["companies"] == [big.pk]
    taken = post(api, url("persona-create"), {"name": "Ops lead"})
    assert taken.status_code == 409 and "name" in errors(taken)
    feedback_create(actor=editor, text="Chartwell does this for free.")
    competitor = post(api, url("competitor-create"), {
        "name": "Chartwell", "website": "https://chartwell.example",
    })  # fmt: skip
    assert competitor.status_code == 201
    reader = bearer_client(viewer)
    mentions = reader.get(url("competitor-mentions", competitor.json()["id"]))
    assert mentions.status_code == 200 and len(mentions.json()) == 1
    refused = patch(reader, url("competitor-update", competitor.json()["id"]), {"notes": "x"})
    assert refused.status_code == 403


def test_release_schedules_its_follow_ups(now, editor, viewer, product):
    release = ReleaseFactory(product=product, version="3.0")
    release.features.set([FeatureFactory(product=product), FeatureFactory(product=product)])
    refused = post(bearer_client(viewer), url("release-follow-ups", release.pk), {})
    assert refused.status_code == 403
    api = bearer_client(editor)
    bad = post(api, url("release-follow-ups", release.pk), {"kind": "rating"})
    assert bad.status_code == 422 and "kind" in str(errors(bad))
    done = post(api, url("release-follow-ups", release.pk), {"kind": "nps", "days": 30})
    assert done.status_code == 201, done.content
    assert {s["release"] for s in done.json()} == {release.pk}
    assert Survey.objects.filter(release=release, follow_up_days=30).count() == 2
    assert post(api, url("release-follow-ups", 999999), {}).status_code == 422


@pytest.mark.parametrize("name", ["study-detail", "note-detail", "persona-detail",
                                  "competitor-detail", "highlight-detail"])  # fmt: skip
def test_unknown_ids_are_404(now, editor, name):
    assert bearer_client(editor).get(url(name, 999999)).status_code == 404
