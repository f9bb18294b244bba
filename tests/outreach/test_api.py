"""Close-the-loop API: a feature's loop state, preparing, editing a draft, sending from the
background job (each message once), retrying after a failing backend, following the job,
permissions, unknown ids and bad input with nothing written."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.utils import bearer_client, errors, nothing_written, patch, post, url
from tests.outreach import test_loop
from wavelength.catalog import services as catalog
from wavelength.outreach.models import FollowUpTask, LoopMessage, LoopSend, LoopStatus

pytestmark = pytest.mark.django_db

asked = test_loop.asked  # Jane and Tom (Acme) ask in English, Léa (Globex) in French
_to_beta = test_loop._to_beta
BROKEN = "tests.outreach.test_loop.BrokenBackend"  # refuses tom@acme.com


@pytest.fixture
def editor_api(editor):
    return bearer_client(editor)


@pytest.fixture
def viewer_api(viewer):
    return bearer_client(viewer)


@pytest.fixture
def drafts(editor, asked, django_capture_on_commit_callbacks):
    """The feature moved to beta: three drafts prepared from the activity log."""
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    return {m.contact.email: m for m in LoopMessage.objects.filter(feature=asked)}


def _move_to_beta_quietly(editor, feature):
    """Move to beta without running the on-commit task, so nothing is prepared yet."""
    for stage in ["planned", "in_development", "beta"]:
        catalog.feature_move_stage(actor=editor, feature=feature, stage=stage)


def test_prepare_then_read_the_loop(editor, editor_api, asked):
    _move_to_beta_quietly(editor, asked)
    before = editor_api.get(url("loop-detail", asked.pk)).json()
    assert before["feature"] == {"id": asked.pk, "title": "Export to CSV", "stage": "beta"}
    assert before["triggers"] == [{"trigger": "stage:beta", "label": "Beta", "release": None}]
    assert before["counts"]["total"] == 0 and before["latest_send"] is None
    assert before["messages"] == {"items": [], "count": 0}

    response = post(editor_api, url("loop-prepare", asked.pk))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["drafts"], body["skipped"]) == (3, 0)
    assert body["counts"] == {
        "drafts": 3, "queued": 0, "sending": 0, "sent": 0, "failed": 0, "skipped": 0, "total": 3
    }  # fmt: skip
    again = post(editor_api, url("loop-prepare", asked.pk)).json()
    assert (again["drafts"], again["skipped"]) == (0, 0)  # nobody is given a second one
    assert LoopMessage.objects.count() == 3

    loop = editor_api.get(url("loop-detail", asked.pk)).json()
    assert loop["counts"]["drafts"] == 3 and loop["messages"]["count"] == 3
    items = loop["messages"]["items"]
    # Per company alphabetically, then by contact: the page's order.
    assert [m["contact"]["email"] for m in items] == [
        "jane@acme.com", "tom@acme.com", "lea@globex.fr"
    ]  # fmt: skip
    jane, lea = items[0], items[2]
    assert jane["company"]["name"] == "Acme" and jane["language"] == "en"
    assert jane["subject"] == "“Export to CSV” is now in beta"
    assert "“export them to CSV every week”" in jane["body"]
    assert (jane["status"], jane["error"], jane["sent_at"]) == ("draft", "", None)
    assert jane["send"] is None
    assert jane["trigger"] == "stage:beta" and jane["trigger_label"] == "Beta"
    assert lea["language"] == "fr" and lea["body"].startswith("Bonjour Léa,")
    assert lea["company"]["name"] == "Globex"


def test_messages_are_paginated_and_filtered(editor_api, asked, drafts):
    first = editor_api.get(url("loop-detail", asked.pk, limit=2)).json()["messages"]
    assert first["count"] == 3 and len(first["items"]) == 2
    rest = editor_api.get(url("loop-detail", asked.pk, limit=2, offset=2)).json()["messages"]
    assert [m["contact"]["email"] for m in rest["items"]] == ["lea@globex.fr"]
    sent = editor_api.get(url("loop-detail", asked.pk, status="sent")).json()
    assert sent["messages"] == {"items": [], "count": 0}
    assert sent["counts"]["drafts"] == 3  # the counts are the whole feature's


def test_reading_the_loop_costs_the_same_queries_for_any_page_size(editor_api, asked, drafts):
    editor_api.get(url("loop-detail", asked.pk, limit=1))  # the token's first use is marked
    counts = []
    for limit in (1, 3):
        with CaptureQueriesContext(connection) as ctx:
            response = editor_api.get(url("loop-detail", asked.pk, limit=limit))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_prepare_before_beta_is_refused_and_writes_nothing(editor_api, asked):
    with nothing_written(LoopMessage, FollowUpTask):
        response = post(editor_api, url("loop-prepare", asked.pk))
    assert response.status_code == 422
    assert errors(response) == {
        "": "Messages are prepared once the feature is in beta or generally available, or "
        "once a release that ships it has shipped."
    }


def test_edit_a_draft(editor_api, drafts):
    jane = drafts["jane@acme.com"]
    response = patch(editor_api, url("loop-message-update", jane.pk), {"subject": "It is here"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["subject"] == "It is here" and body["body"] == jane.body
    assert body["edited_at"] is not None
    body = patch(editor_api, url("loop-message-update", jane.pk), {"body": "Dear Jane."}).json()
    assert (body["subject"], body["body"]) == ("It is here", "Dear Jane.")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": None}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"body": "a\x00b"}, "body"),
        ({"subject": 5}, "subject"),
    ],
)
def test_bad_edits_name_the_field_and_write_nothing(editor_api, drafts, data, field):
    jane = drafts["jane@acme.com"]
    with nothing_written(LoopMessage):
        response = patch(editor_api, url("loop-message-update", jane.pk), data)
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_only_a_draft_can_be_edited(editor_api, drafts):
    tom = drafts["tom@acme.com"]
    LoopMessage.objects.filter(pk=tom.pk).update(status=LoopStatus.SENT)
    with nothing_written(LoopMessage):
        response = patch(editor_api, url("loop-message-update", tom.pk), {"subject": "Again"})
    assert response.status_code == 422
    assert errors(response) == {
        "status": "Only a draft can be edited: this message was sent or skipped."
    }


def test_sending_through_the_api_sends_each_message_once(
    editor, editor_api, asked, drafts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(editor_api, url("loop-send", asked.pk))
        assert not mail.outbox  # the job runs once the request's transaction commits
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["state"] == "queued" and queued["finished"] is False
    assert queued["counts"] == {
        "total": 3, "queued": 3, "sending": 0, "sent": 0, "failed": 0, "skipped": 0
    }  # fmt: skip
    assert queued["feature"] == asked.pk and queued["requested_by"]["email"] == editor.email
    assert queued["requested_at"] and queued["finished_at"] is None

    assert sorted(m.to[0] for m in mail.outbox) == sorted(drafts)
    job = editor_api.get(url("loop-send-detail", queued["id"])).json()
    assert job["state"] == "sent" and job["finished"] is True and job["finished_at"]
    assert (job["counts"]["sent"], job["counts"]["queued"]) == (3, 0)

    # Sending again sends nothing: the service's message, and no second job.
    with nothing_written(LoopSend, LoopMessage), django_capture_on_commit_callbacks(execute=True):
        again = post(editor_api, url("loop-send", asked.pk), {})
    assert again.status_code == 422
    assert errors(again) == {"": "No draft was waiting: nothing was sent."}
    assert len(mail.outbox) == 3

    loop = editor_api.get(url("loop-detail", asked.pk)).json()
    assert loop["latest_send"]["id"] == queued["id"] and loop["latest_send"]["state"] == "sent"
    assert loop["counts"]["sent"] == 3 and loop["counts"]["drafts"] == 0
    assert all(m["status"] == "sent" and m["sent_at"] for m in loop["messages"]["items"])
    assert {m["send"] for m in loop["messages"]["items"]} == {queued["id"]}
    # A sent message keeps its unsubscribe link, built from the API's own address.
    assert "http://testserver/" in mail.outbox[0].extra_headers["List-Unsubscribe"]


def test_retry_after_a_failing_backend(
    editor_api, asked, drafts, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        first = post(editor_api, url("loop-send", asked.pk)).json()
    job = editor_api.get(url("loop-send-detail", first["id"])).json()
    assert job["state"] == "failed" and job["finished"] is True
    assert (job["counts"]["sent"], job["counts"]["failed"]) == (2, 1)
    loop = editor_api.get(url("loop-detail", asked.pk, status="failed")).json()
    [tom] = loop["messages"]["items"]
    assert tom["contact"]["email"] == "tom@acme.com"
    assert "SMTP server refused tom@acme.com" in tom["error"]
    assert loop["counts"]["failed"] == 1 and len(mail.outbox) == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(editor_api, url("loop-send", asked.pk), {"retry": True})
    assert response.status_code == 202, response.content
    retry = response.json()
    assert retry["id"] != first["id"] and retry["counts"]["total"] == 1
    assert [m.to[0] for m in mail.outbox].count("tom@acme.com") == 1 and len(mail.outbox) == 3
    job = editor_api.get(url("loop-send-detail", retry["id"])).json()
    assert job["state"] == "sent" and job["counts"]["sent"] == 1
    tom_message = LoopMessage.objects.get(pk=tom["id"])
    assert tom_message.status == LoopStatus.SENT and tom_message.error == ""

    with nothing_written(LoopSend, LoopMessage):
        nothing = post(editor_api, url("loop-send", asked.pk), {"retry": True})
    assert nothing.status_code == 422
    assert errors(nothing) == {"": "No message failed: there is nothing to send again."}


def test_viewer_reads_but_every_write_is_403(
    editor, viewer_api, asked, drafts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send = test_loop.outreach_services.loop_send(actor=editor, feature=asked)
    LoopMessage.objects.filter(contact__email="tom@acme.com").update(status=LoopStatus.DRAFT)
    tom = drafts["tom@acme.com"]
    assert viewer_api.get(url("loop-detail", asked.pk)).status_code == 200
    assert viewer_api.get(url("loop-send-detail", send.pk)).status_code == 200
    with nothing_written(LoopMessage, LoopSend, FollowUpTask):
        writes = [
            post(viewer_api, url("loop-prepare", asked.pk)),
            patch(viewer_api, url("loop-message-update", tom.pk), {"subject": "Hi"}),
            post(viewer_api, url("loop-send", asked.pk)),
            post(viewer_api, url("loop-send", asked.pk), {"retry": True}),
        ]
    assert [r.status_code for r in writes] == [403] * len(writes)
    assert len(mail.outbox) == 3


def test_unknown_ids_are_404(editor_api, drafts):
    for response in [
        editor_api.get(url("loop-detail", 99999)),
        post(editor_api, url("loop-prepare", 99999)),
        post(editor_api, url("loop-send", 99999)),
        patch(editor_api, url("loop-message-update", 99999), {"subject": "x"}),
        editor_api.get(url("loop-send-detail", 99999)),
    ]:
        assert response.status_code == 404
        assert errors(response) == {"": "Not found."}
    assert not LoopSend.objects.exists()


def test_bad_input_names_the_field_and_writes_nothing(editor_api, asked, drafts):
    with nothing_written(LoopSend, LoopMessage):
        response = post(editor_api, url("loop-send", asked.pk), {"retry": "perhaps"})
        assert response.status_code == 422 and list(errors(response)) == ["retry"]
        response = post(editor_api, "/api/v1/features/0/loop/send", {})
        assert response.status_code == 422 and list(errors(response)) == ["feature_id"]
    for query, field in [({"status": "lost"}, "status"), ({"limit": 0}, "limit"),
                         ({"limit": 201}, "limit"), ({"offset": -1}, "offset")]:  # fmt: skip
        response = editor_api.get(url("loop-detail", asked.pk, **query))
        assert response.status_code == 422 and list(errors(response)) == [field], query
    assert not mail.outbox


def test_refusals_and_labels_speak_french(editor, asked, drafts):
    french = bearer_client(editor)
    tom = drafts["tom@acme.com"]
    LoopMessage.objects.filter(pk=tom.pk).update(status=LoopStatus.SENT)
    response = french.patch(
        url("loop-message-update", tom.pk),
        {"subject": "x"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert errors(response) == {
        "status": "Seul un brouillon se modifie\u00a0: ce message a été envoyé ou écarté."
    }
    loop = french.get(url("loop-detail", asked.pk), HTTP_ACCEPT_LANGUAGE="fr").json()
    assert loop["triggers"][0]["label"] == "Bêta"
