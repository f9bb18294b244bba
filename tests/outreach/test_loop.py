"""Closing the loop: drafts prepared from the activity log when a feature customers asked for
reaches beta or general availability or ships in a release, edited, sent once, unsubscribe
links honoured forever, the owner's follow-up task, the feature page section, permissions
and French."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from wavelength.catalog import services as catalog
from wavelength.core.models import Activity
from wavelength.feedback import services
from wavelength.feedback.models import Contact
from wavelength.outreach import services as outreach_services
from wavelength.outreach.models import FollowUpTask, LoopMessage, LoopSend, LoopStatus

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def asked(editor, feature, acme, globex, item):
    """Jane (Acme, quoted, twice) and Tom (Acme) ask in English, Léa (Globex) in French."""
    acme.owner = editor
    acme.save()
    services.feedback_link(
        actor=editor, feedback=item, feature=feature, quote="export them to CSV every week"
    )
    again = services.feedback_create(
        actor=editor, text="CSV export, please!", contact_email="jane@acme.com", language="en"
    )
    services.feedback_link(actor=editor, feedback=again, feature=feature)
    tom = services.feedback_create(
        actor=editor, text="We need exports.", contact_email="tom@acme.com", language="en"
    )
    services.feedback_link(actor=editor, feedback=tom, feature=feature)
    lea = services.feedback_create(
        actor=editor,
        text="Nous voulons exporter nos données en CSV.",
        contact_email="lea@globex.fr",
        contact_name="Léa",
        language="fr",
    )
    services.feedback_link(
        actor=editor, feedback=lea, feature=feature, quote="exporter nos données en CSV"
    )
    return feature


def _to_beta(editor, feature, capture):
    for stage in ["planned", "in_development"]:
        catalog.feature_move_stage(actor=editor, feature=feature, stage=stage)
    with capture(execute=True):
        catalog.feature_move_stage(actor=editor, feature=feature, stage="beta")


def _by_email(feature):
    return {m.contact.email: m for m in LoopMessage.objects.filter(feature=feature)}


def test_moving_to_beta_prepares_one_draft_per_contact(
    editor, asked, django_capture_on_commit_callbacks
):
    catalog.feature_move_stage(actor=editor, feature=asked, stage="planned")
    assert not LoopMessage.objects.exists()  # not a stage customers are told about
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    messages = _by_email(asked)
    assert sorted(messages) == ["jane@acme.com", "lea@globex.fr", "tom@acme.com"]
    jane = messages["jane@acme.com"]
    assert jane.status == LoopStatus.DRAFT and jane.trigger == "stage:beta"
    assert jane.company.name == "Acme" and jane.language == "en"
    assert jane.subject == "“Export to CSV” is now in beta"
    assert "Hello Jane," in jane.body and "“export them to CSV every week”" in jane.body
    # Running the scan again prepares nothing twice.
    assert outreach_services.loop_prepare_from_activity(since=None) == outreach_services.Prepared(
        0, 0
    )
    assert LoopMessage.objects.count() == 3


def test_french_default_body_when_the_feedback_is_in_french(
    editor, asked, django_capture_on_commit_callbacks
):
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    lea = _by_email(asked)["lea@globex.fr"]
    assert lea.language == "fr"
    assert lea.subject == "«\u00a0Export to CSV\u00a0» est désormais en bêta"
    assert lea.body.startswith("Bonjour Léa,")
    assert "Vous nous aviez écrit\u00a0: «\u00a0exporter nos données en CSV\u00a0»" in lea.body


def test_a_shipped_release_prepares_drafts(
    editor, product, asked, django_capture_on_commit_callbacks
):
    release = catalog.release_create(actor=editor, product=product, version="2.0", features=[asked])
    with django_capture_on_commit_callbacks(execute=True):
        catalog.release_ship(actor=editor, release=release)
    messages = _by_email(asked)
    assert len(messages) == 3
    assert {m.trigger for m in messages.values()} == {f"release:{release.pk}"}
    assert "has shipped in Orbit 2.0" in messages["tom@acme.com"].subject


def test_unsubscribed_contacts_are_skipped_and_visible(
    editor, editor_client, asked, django_capture_on_commit_callbacks
):
    Contact.objects.filter(email="tom@acme.com").update(unsubscribed_at="2026-01-01T00:00Z")
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    assert _by_email(asked)["tom@acme.com"].status == LoopStatus.SKIPPED
    page = editor_client.get(reverse("outreach:loop", args=[asked.pk])).content.decode()
    assert "Skipped: unsubscribed" in page and "tom@acme.com" in page


def test_editor_prepares_edits_and_sends_once(
    editor, editor_client, asked, django_capture_on_commit_callbacks
):
    catalog.feature_move_stage(actor=editor, feature=asked, stage="planned")
    url = reverse("outreach:loop", args=[asked.pk])
    refused = editor_client.post(reverse("outreach:loop-prepare", args=[asked.pk]), follow=True)
    assert "Messages are prepared once the feature is in beta" in refused.content.decode()
    for stage in ["in_development", "generally_available"]:
        catalog.feature_move_stage(actor=editor, feature=asked, stage=stage)  # no on-commit run
    response = editor_client.post(reverse("outreach:loop-prepare", args=[asked.pk]))
    assert response.status_code == 302 and response["Location"] == url
    page = editor_client.get(url).content.decode()
    assert page.index("Acme") < page.index("Globex")  # grouped per company
    jane = _by_email(asked)["jane@acme.com"]
    assert jane.trigger == "stage:generally_available"

    edit = reverse("outreach:loop-message-edit", args=[jane.pk])
    form = editor_client.get(edit, **HTMX)
    assert form.status_code == 200 and 'name="body"' in form.content.decode()
    bad = editor_client.post(edit, {"subject": "", "body": "x"})
    assert bad.status_code == 422
    saved = editor_client.post(edit, {"subject": "It is here", "body": "Dear Jane, enjoy."}, **HTMX)
    assert saved.status_code == 200 and "Dear Jane, enjoy." in saved.content.decode()
    jane.refresh_from_db()
    assert jane.subject == "It is here" and jane.edited_at is not None

    send = reverse("outreach:loop-send", args=[asked.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(send).status_code == 302
    assert len(mail.outbox) == 3
    sent = next(m for m in mail.outbox if m.to == ["jane@acme.com"])
    assert sent.subject == "It is here" and sent.body.startswith("Dear Jane, enjoy.")
    token = outreach_services.unsubscribe_token(jane.contact)
    link = reverse("outreach:loop-unsubscribe", args=[token])
    assert link in sent.body and link in sent.extra_headers["List-Unsubscribe"]
    jane.refresh_from_db()
    assert jane.status == LoopStatus.SENT and jane.sent_by == editor and jane.sent_at
    # Sending again (or preparing again) sends nothing more; a sent message cannot be edited.
    with django_capture_on_commit_callbacks(execute=True):
        again = editor_client.post(send, follow=True)
        editor_client.post(reverse("outreach:loop-prepare", args=[asked.pk]))
    assert "No draft was waiting: nothing was sent." in again.content.decode()
    assert len(mail.outbox) == 3 and LoopMessage.objects.count() == 3
    assert editor_client.post(edit, {"subject": "x", "body": "y"}).status_code == 422


def test_unsubscribe_link_is_honoured_forever(editor, asked, django_capture_on_commit_callbacks):
    tom = Contact.objects.get(email="tom@acme.com")
    url = reverse("outreach:loop-unsubscribe", args=[outreach_services.unsubscribe_token(tom)])
    anonymous = Client()
    confirm = anonymous.get(url)
    assert confirm.status_code == 200 and "tom@acme.com" in confirm.content.decode()
    tom.refresh_from_db()
    assert tom.unsubscribed_at is None  # opening the link only asks
    done = anonymous.post(url)
    assert done.status_code == 200 and "will receive no more messages" in done.content.decode()
    tom.refresh_from_db()
    first = tom.unsubscribed_at
    assert first is not None
    anonymous.post(url)
    tom.refresh_from_db()
    assert tom.unsubscribed_at == first
    # Later preparations and sends leave Tom out.
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    assert _by_email(asked)["tom@acme.com"].status == LoopStatus.SKIPPED
    with django_capture_on_commit_callbacks(execute=True):
        outreach_services.loop_send(actor=editor, feature=asked)
    assert len(mail.outbox) == 2
    assert all(m.to != ["tom@acme.com"] for m in mail.outbox)


def test_unsubscribing_skips_a_waiting_draft(editor, asked, django_capture_on_commit_callbacks):
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    tom = Contact.objects.get(email="tom@acme.com")
    outreach_services.loop_unsubscribe(token=outreach_services.unsubscribe_token(tom))
    assert _by_email(asked)["tom@acme.com"].status == LoopStatus.SKIPPED


def test_forged_unsubscribe_token_is_refused(asked):
    tom = Contact.objects.get(email="tom@acme.com")
    forged = outreach_services.unsubscribe_token(tom)[:-2] + "xx"
    for token in [forged, f"{tom.pk}:nothing", "garbage"]:
        url = reverse("outreach:loop-unsubscribe", args=[token])
        for response in [Client().get(url), Client().post(url)]:
            assert response.status_code == 400
            assert "This unsubscribe link is not valid." in response.content.decode()
    tom.refresh_from_db()
    assert tom.unsubscribed_at is None


def test_owner_gets_a_follow_up_task_to_complete(
    editor, editor_client, asked, acme, globex, django_capture_on_commit_callbacks
):
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    task = FollowUpTask.objects.get(company=acme)
    assert task.owner == editor and task.trigger == "stage:beta"
    assert FollowUpTask.objects.filter(company=globex, owner=None).count() == 1
    outreach_services.loop_prepare(actor=editor, feature=asked)
    assert FollowUpTask.objects.count() == 2  # one per company and trigger
    page = editor_client.get(acme.get_absolute_url()).content.decode()
    assert "Follow up with Acme" in page and "Mark done" in page
    response = editor_client.post(reverse("outreach:follow-up-done", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == editor
    assert "Mark done" not in editor_client.get(acme.get_absolute_url()).content.decode()


def test_feature_page_shows_who_was_told(
    editor, viewer_client, asked, django_capture_on_commit_callbacks
):
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        outreach_services.loop_send(actor=editor, feature=asked)
    page = viewer_client.get(asked.get_absolute_url()).content.decode()
    section = page.split("Customers told")[1]
    assert "Léa" in section and "Jane" in section and "Globex" in section
    assert reverse("outreach:loop", args=[asked.pk]) in section


def test_viewer_sees_but_is_refused_every_write(
    editor, viewer_client, asked, acme, django_capture_on_commit_callbacks
):
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    message = LoopMessage.objects.first()
    task = FollowUpTask.objects.first()
    assert viewer_client.get(reverse("outreach:loop", args=[asked.pk])).status_code == 200
    posts = [
        (reverse("outreach:loop-prepare", args=[asked.pk]), {}),
        (reverse("outreach:loop-send", args=[asked.pk]), {}),
        (reverse("outreach:loop-message-edit", args=[message.pk]), {"subject": "x", "body": "y"}),
        (reverse("outreach:follow-up-done", args=[task.pk]), {}),
    ]
    for path, data in posts:
        assert viewer_client.post(path, data).status_code == 403, path
    assert not mail.outbox and not FollowUpTask.objects.exclude(done_at=None).exists()
    assert LoopMessage.objects.filter(status=LoopStatus.DRAFT).count() == 3


def test_anonymous_is_sent_to_sign_in(asked, acme, editor, django_capture_on_commit_callbacks):
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    message, task = LoopMessage.objects.first(), FollowUpTask.objects.first()
    for method, path in [
        ("get", reverse("outreach:loop", args=[asked.pk])),
        ("post", reverse("outreach:loop-prepare", args=[asked.pk])),
        ("post", reverse("outreach:loop-send", args=[asked.pk])),
        ("get", reverse("outreach:loop-message-edit", args=[message.pk])),
        ("post", reverse("outreach:follow-up-done", args=[task.pk])),
    ]:
        response = getattr(Client(), method)(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


def test_a_stage_left_since_is_old_news(editor, asked):
    for stage in ["planned", "in_development", "beta", "generally_available"]:
        catalog.feature_move_stage(actor=editor, feature=asked, stage=stage)  # no on-commit run
    prepared = outreach_services.loop_prepare_from_activity(since=None)
    assert prepared == outreach_services.Prepared(drafts=3, skipped=0)
    assert {m.trigger for m in LoopMessage.objects.all()} == {"stage:generally_available"}


# Sending from a background job -------------------------------------------------------------


class BrokenBackend:
    """An e-mail backend whose server refuses one address."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        for message in messages:
            if "tom@acme.com" in message.to:
                raise ConnectionRefusedError("SMTP server refused tom@acme.com")
            mail.outbox.append(message)
        return len(messages)


def test_send_queues_a_job_that_sends_each_message_once(
    editor, asked, django_capture_on_commit_callbacks
):
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    send = outreach_services.loop_send(
        actor=editor, feature=asked
    )  # not committed: nothing runs yet
    assert not mail.outbox
    assert set(send.messages.values_list("status", flat=True)) == {LoopStatus.QUEUED}
    # The job runs twice (a retried task, a second worker): each message goes out once.
    assert outreach_services.loop_send_run(send_id=send.pk) == 3
    assert outreach_services.loop_send_run(send_id=send.pk) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(_by_email(asked))
    assert set(send.messages.values_list("status", flat=True)) == {LoopStatus.SENT}
    send.refresh_from_db()
    assert send.finished_at is not None
    told = Activity.objects.filter(verb="told customers")
    assert told.count() == 1 and told.get().payload["messages"] == 3


def test_a_message_claimed_by_another_run_is_not_sent_again(
    editor, asked, django_capture_on_commit_callbacks
):
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    send = outreach_services.loop_send(actor=editor, feature=asked)
    jane = _by_email(asked)["jane@acme.com"]
    # Another run took Jane's message between this run's listing and its claim.
    LoopMessage.objects.filter(pk=jane.pk).update(status=LoopStatus.SENDING)
    assert outreach_services.loop_send_run(send_id=send.pk) == 2
    assert "jane@acme.com" not in [m.to[0] for m in mail.outbox]
    send.refresh_from_db()
    assert send.finished_at is None  # the other run finishes the job


def test_a_message_left_sending_by_a_stopped_worker_is_released_for_a_retry(
    editor, asked, django_capture_on_commit_callbacks
):
    import datetime as dt

    from wavelength.core import clock
    from wavelength.outreach import tasks

    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    send = outreach_services.loop_send(actor=editor, feature=asked)
    by_email = _by_email(asked)
    jane, tom = by_email["jane@acme.com"], by_email["tom@acme.com"]
    # A worker took Jane's message 20 minutes ago and stopped; another took Tom's just now.
    long_ago = clock.now() - dt.timedelta(minutes=20)
    LoopMessage.objects.filter(pk=jane.pk).update(status=LoopStatus.SENDING, claimed_at=long_ago)
    LoopMessage.objects.filter(pk=tom.pk).update(status=LoopStatus.SENDING, claimed_at=clock.now())
    assert outreach_services.loop_send_run(send_id=send.pk) == 1
    assert tasks.release_interrupted_sends() == 1
    jane.refresh_from_db()
    tom.refresh_from_db()
    assert jane.status == LoopStatus.FAILED and "interrupted" in jane.error
    assert tom.status == LoopStatus.SENDING  # still in the hands of a live worker
    LoopMessage.objects.filter(pk=tom.pk).update(status=LoopStatus.SENT)
    assert outreach_services.loop_release_interrupted() == 0
    with django_capture_on_commit_callbacks(execute=True):
        outreach_services.loop_send(actor=editor, feature=asked, retry=True)
    jane.refresh_from_db()
    assert jane.status == LoopStatus.SENT and jane.error == ""
    assert [m.to[0] for m in mail.outbox].count("jane@acme.com") == 1


def test_concurrent_runs_send_each_message_once(
    editor, asked, django_capture_on_commit_callbacks, monkeypatch
):
    from wavelength.outreach.services import sending as loop_services

    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    send = outreach_services.loop_send(actor=editor, feature=asked)
    real_claim, nested = loop_services._take, {}

    def claim_while_another_run_starts(pk):
        if "sent" not in nested:  # a second run starts as the first claims its first message
            nested["sent"] = None
            nested["sent"] = outreach_services.loop_send_run(send_id=send.pk)
        return real_claim(pk)

    monkeypatch.setattr(loop_services, "_take", claim_while_another_run_starts)
    first = outreach_services.loop_send_run(send_id=send.pk)
    assert nested["sent"] == 3 and first == 0 and len(mail.outbox) == 3
    assert len({m.to[0] for m in mail.outbox}) == 3


def test_a_failing_backend_records_the_reason_and_can_be_retried(
    editor, editor_client, asked, settings, django_capture_on_commit_callbacks
):
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "tests.outreach.test_loop.BrokenBackend"
    url = reverse("outreach:loop", args=[asked.pk])
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("outreach:loop-send", args=[asked.pk]))
    tom = _by_email(asked)["tom@acme.com"]
    assert tom.status == LoopStatus.FAILED and "refused tom@acme.com" in tom.error
    assert len(mail.outbox) == 2
    page = editor_client.get(url).content.decode()
    assert "Sent 2 of 3; 1 failed." in page and "SMTP server refused tom@acme.com" in page
    assert "Retry 1 failed message" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("outreach:loop-send", args=[asked.pk]), {"retry": "1"})
    tom.refresh_from_db()
    assert tom.status == LoopStatus.SENT and tom.error == ""
    assert [m.to[0] for m in mail.outbox].count("tom@acme.com") == 1 and len(mail.outbox) == 3
    page = editor_client.get(url).content.decode()
    assert "Sent 1 of 1." in page and "Retry" not in page


def test_the_page_polls_the_progress_while_the_job_runs(
    editor, editor_client, asked, django_capture_on_commit_callbacks
):
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    send = outreach_services.loop_send(actor=editor, feature=asked)  # queued, the job not run yet
    page = editor_client.get(reverse("outreach:loop", args=[asked.pk])).content.decode()
    progress = reverse("outreach:loop-progress", args=[asked.pk])
    assert "3 messages wait to be sent." in page and f'hx-get="{progress}"' in page
    jane = _by_email(asked)["jane@acme.com"]
    LoopMessage.objects.filter(pk=jane.pk).update(status=LoopStatus.SENT)
    LoopMessage.objects.filter(feature=asked, status=LoopStatus.QUEUED).exclude(
        contact__email="tom@acme.com"
    ).update(status=LoopStatus.SENDING)
    polled = editor_client.get(progress, **HTMX)
    assert "Sent 1 of 3…" in polled.content.decode() and "HX-Refresh" not in polled
    LoopMessage.objects.filter(feature=asked, status=LoopStatus.SENDING).update(
        status=LoopStatus.QUEUED
    )
    outreach_services.loop_send_run(send_id=send.pk)
    done = editor_client.get(progress, **HTMX)
    assert "Sent 3 of 3." in done.content.decode() and done["HX-Refresh"] == "true"
    assert "hx-trigger" not in done.content.decode()


def test_viewer_cannot_send_or_retry(
    viewer, viewer_client, asked, django_capture_on_commit_callbacks, editor
):
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        outreach_services.loop_send(actor=viewer, feature=asked)
    response = viewer_client.post(reverse("outreach:loop-send", args=[asked.pk]), {"retry": "1"})
    assert response.status_code == 403
    assert viewer_client.get(reverse("outreach:loop-progress", args=[asked.pk])).status_code == 200
    assert not LoopSend.objects.exists()


def test_a_job_that_cannot_be_queued_fails_its_messages_for_a_retry(
    editor, asked, monkeypatch, django_capture_on_commit_callbacks
):
    from wavelength.outreach import tasks

    _to_beta(editor, asked, django_capture_on_commit_callbacks)

    def no_broker(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.send_loop_messages, "delay", no_broker)
    with django_capture_on_commit_callbacks(execute=True):
        outreach_services.loop_send(actor=editor, feature=asked)
    statuses = {m.status for m in LoopMessage.objects.filter(feature=asked)}
    assert statuses == {LoopStatus.FAILED} and not mail.outbox
    assert "broker unreachable" in LoopMessage.objects.first().error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        outreach_services.loop_send(actor=editor, feature=asked, retry=True)
    assert len(mail.outbox) == 3


def test_feature_page_shows_failed_messages(
    editor, viewer_client, asked, settings, django_capture_on_commit_callbacks
):
    _to_beta(editor, asked, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "tests.outreach.test_loop.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        outreach_services.loop_send(actor=editor, feature=asked)
    section = (
        viewer_client.get(asked.get_absolute_url()).content.decode().split("Customers told")[1]
    )
    assert "Failed" in section.split("Latest told")[0]
