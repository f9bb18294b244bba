"""Mentions: who a comment names, who is told, and who is not (never anyone who cannot see
the object). Fan-out runs in a task queued at commit."""

from unittest import mock

import pytest
from django.core import mail

from tests.factories import UserFactory
from wavelength.conversations import mentions, services, tasks
from wavelength.conversations.models import Follow
from wavelength.core.models import Notification

pytestmark = pytest.mark.django_db


def _post(actor, obj, body, kind="feature", **kwargs):
    return services.comment_create(actor=actor, kind=kind, object_id=obj.pk, body=body, **kwargs)


def _told(verb=None):
    rows = Notification.objects.all()
    if verb:
        rows = rows.filter(verb=verb)
    return sorted(rows.values_list("recipient__email", flat=True))


def test_handles_skip_code_emails_and_repeat():
    text = "@Maya and @maya, see `@code` or\n```\n@block\n```\nmail bob@example.com @support."
    assert mentions.handles_in(text) == ["maya", "support"]


def test_a_shared_handle_names_nobody(editor):
    UserFactory(email="bob@elsewhere.example")
    found = mentions.resolve(["bob", "ghost"])
    assert found.ambiguous == ["bob"] and found.unknown == ["ghost"] and not found.people


def test_mention_tells_the_person_with_a_link_to_the_comment(
    editor, colleague, feature, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = _post(editor, feature, "@maya can you check the export?")
    (row,) = Notification.objects.filter(verb="mention")
    assert row.recipient == colleague and row.actor == editor
    assert row.url == f"{feature.get_absolute_url()}#comment-{comment.pk}"
    assert "Export to CSV" in row.title
    assert len(mail.outbox) == 1  # mentions are e-mailed at once by default


def test_team_mention_tells_every_member_but_the_author(
    editor, viewer, colleague, outsider, feature, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(editor, feature, "Heads up @product")
    assert _told("mention") == sorted([viewer.email, colleague.email])


def test_mentioning_someone_who_cannot_see_the_page_tells_nobody(
    editor, viewer, outsider, secret_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = _post(editor, secret_page, "@dave and @carol, thoughts?", kind="page")
    assert _told() == [viewer.email]
    assert [str(p) for p in comment.mention_check.cannot_see] == [str(outsider)]
    assert any("Dave Outsider" in w for w in comment.mention_check.warnings)
    assert list(comment.mentioned_users.all()) == [viewer]


def test_team_mention_on_a_restricted_page_skips_members_who_cannot_see_it(
    editor, outsider, secret_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(editor, secret_page, "Asking @sales", kind="page")
    assert _told() == []


def test_followers_hear_of_new_comments_once_and_not_the_author(
    editor, viewer, colleague, feature, django_capture_on_commit_callbacks
):
    services.follow_create(actor=viewer, kind="feature", object_id=feature.pk)
    services.follow_create(actor=colleague, kind="feature", object_id=feature.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _post(editor, feature, "Hello @maya")
    assert _told("mention") == [colleague.email]  # told once, as a mention
    assert _told("comment") == [viewer.email]


def test_a_follower_who_lost_access_is_not_told(
    editor, viewer, secret_page, django_capture_on_commit_callbacks
):
    Follow.objects.create(user=viewer, kind="page", object_id=secret_page.pk)
    viewer.memberships.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        _post(editor, secret_page, "Updated the numbers", kind="page")
    assert _told() == []


def test_preferences_choose_the_channel(
    editor, viewer, colleague, feature, django_capture_on_commit_callbacks
):
    services.preferences_update(actor=colleague, channels={"mention": "in_app"})
    services.preferences_update(actor=viewer, channels={"mention": "off"})
    with django_capture_on_commit_callbacks(execute=True):
        _post(editor, feature, "@maya @carol look")
    assert _told() == [colleague.email]
    assert mail.outbox == []


def test_fan_out_is_one_task_queued_at_commit(
    editor, viewer, colleague, feature, django_capture_on_commit_callbacks
):
    services.follow_create(actor=viewer, kind="feature", object_id=feature.pk)
    services.follow_create(actor=colleague, kind="feature", object_id=feature.pk)
    with mock.patch.object(tasks.comment_fan_out, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            comment = _post(editor, feature, "Two followers")
        assert not Notification.objects.exists()  # nothing in the request itself
    delay.assert_called_once_with(comment.pk, None)
    assert tasks.comment_fan_out(comment.pk) == 2
    assert len(callbacks) >= 1


def test_an_edit_tells_only_the_people_it_newly_mentions(
    editor, viewer, colleague, feature, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = _post(editor, feature, "@carol see this")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_edit(actor=editor, comment=comment, body="@carol and @maya see this")
    assert _told("mention") == sorted([viewer.email, colleague.email])


def test_followers_hear_when_a_feature_moves_stage(
    editor, viewer, feature, django_capture_on_commit_callbacks
):
    from wavelength.catalog import services as catalog

    services.follow_create(actor=viewer, kind="feature", object_id=feature.pk)
    with django_capture_on_commit_callbacks(execute=True):
        catalog.feature_move_stage(actor=editor, feature=feature, stage="discovery")
    assert _told("change") == [viewer.email]


def test_highlight_marks_only_resolved_mentions_outside_code_and_links():
    html = (
        '<p>@maya and @ghost see <code>@maya</code> <a href="/x">@maya</a> '
        "&lt;b&gt;@maya&lt;/b&gt;</p>"
    )
    out = mentions.highlight(html, {"maya"})
    assert out.count('<span class="mention">@maya</span>') == 2
    assert "<code>@maya</code>" in out and '<a href="/x">@maya</a>' in out
    assert "@ghost" in out and '<span class="mention">@ghost' not in out
