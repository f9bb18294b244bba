"""Comment services: threads, edits, deletes, resolving, mentions, following, preferences."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from wavelength.conversations import services
from wavelength.conversations.models import Comment, Follow, Preference
from wavelength.core import versioning
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity, Notification

pytestmark = pytest.mark.django_db


def _comment(actor, obj, body="Looks good", kind="feature", **kwargs):
    return services.comment_create(actor=actor, kind=kind, object_id=obj.pk, body=body, **kwargs)


def test_comment_is_recorded_on_the_objects_timeline(editor, feature):
    comment = _comment(editor, feature, "  Ship it?  ")
    assert comment.body == "Ship it?"
    row = Activity.objects.for_target(feature).get(verb="commented")
    assert row.actor == editor
    assert row.payload["comment"] == comment.pk
    assert row.scope == f"catalog.product:{feature.product_id}"


def test_a_reply_to_a_reply_joins_the_thread(editor, viewer, feature):
    thread = _comment(editor, feature)
    reply = _comment(viewer, feature, "Agreed", parent_id=thread.pk)
    again = _comment(editor, feature, "Thanks", parent_id=reply.pk)
    assert reply.parent == thread and again.parent == thread
    assert Activity.objects.filter(verb="replied").count() == 2


def test_reply_to_a_comment_of_another_object_is_refused(editor, feature, release):
    other = _comment(editor, release, kind="release")
    with pytest.raises(DomainError) as exc:
        _comment(editor, feature, parent_id=other.pk)
    assert "parent" in exc.value.errors
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_empty_or_too_long_comment_is_refused(editor, feature, body):
    with pytest.raises(DomainError) as exc:
        _comment(editor, feature, body)
    assert "body" in exc.value.errors
    assert not Comment.objects.exists()


def test_unknown_kind_names_the_field(editor, feature):
    with pytest.raises(DomainError) as exc:
        services.comment_create(actor=editor, kind="planet", object_id=1, body="Hi")
    assert "kind" in exc.value.errors


def test_outsider_cannot_comment_on_a_restricted_page(outsider, secret_page):
    with pytest.raises(Http404):
        _comment(outsider, secret_page, kind="page")
    assert not Comment.objects.exists()


def test_anonymous_cannot_comment(feature):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        _comment(AnonymousUser(), feature)


def test_viewer_may_comment_and_follows_what_they_comment_on(viewer, feature):
    _comment(viewer, feature)
    assert Follow.objects.filter(user=viewer, kind="feature", object_id=feature.pk).exists()


def test_creator_and_owner_follow_what_they_create(editor, colleague, product):
    from wavelength.catalog import services as catalog

    feature = catalog.feature_create(
        actor=editor, product=product, title="Dark mode", owner=colleague
    )
    followers = set(
        Follow.objects.filter(kind="feature", object_id=feature.pk).values_list("user", flat=True)
    )
    assert followers == {editor.pk, colleague.pk}


def test_author_edits_and_the_comment_shows_edited(editor, feature):
    comment = _comment(editor, feature)
    saved = services.comment_edit(actor=editor, comment=comment, body="Ship it now")
    assert saved.body == "Ship it now" and saved.edited_at is not None
    assert Activity.objects.filter(verb="comment_edited").count() == 1


def test_only_the_author_edits(editor, admin, feature):
    comment = _comment(editor, feature)
    with pytest.raises(PermissionDenied):
        services.comment_edit(actor=admin, comment=comment, body="Mine now")
    comment.refresh_from_db()
    assert comment.body == "Looks good"


def test_stale_edit_is_refused(editor, feature):
    comment = _comment(editor, feature)
    seen = versioning.version_of(comment)
    services.comment_edit(actor=editor, comment=comment, body="First edit")
    with pytest.raises(versioning.StaleVersion):
        services.comment_edit(actor=editor, comment=comment, body="Second", if_version=seen)
    comment.refresh_from_db()
    assert comment.body == "First edit"


def test_delete_leaves_a_stub_that_keeps_its_replies(editor, viewer, feature):
    thread = _comment(editor, feature)
    _comment(viewer, feature, "A reply", parent_id=thread.pk)
    services.comment_delete(actor=editor, comment=thread)
    thread.refresh_from_db()
    assert thread.is_deleted and thread.body == ""
    assert thread.replies.count() == 1
    assert Activity.objects.filter(verb="comment_deleted").count() == 1


def test_others_cannot_delete_but_an_admin_can(editor, viewer, admin, feature):
    comment = _comment(editor, feature)
    with pytest.raises(PermissionDenied):
        services.comment_delete(actor=viewer, comment=comment)
    services.comment_delete(actor=admin, comment=comment)
    comment.refresh_from_db()
    assert comment.is_deleted


def test_deleted_comment_cannot_be_edited(editor, feature):
    comment = _comment(editor, feature)
    services.comment_delete(actor=editor, comment=comment)
    with pytest.raises(DomainError):
        services.comment_edit(actor=editor, comment=comment, body="Back")


def test_resolve_and_reopen_a_thread(editor, viewer, feature):
    thread = _comment(viewer, feature)
    services.thread_resolve(actor=editor, comment=thread)
    thread.refresh_from_db()
    assert thread.is_resolved and thread.resolved_by == editor
    services.thread_reopen(actor=viewer, comment=thread)  # who started it may too
    thread.refresh_from_db()
    assert not thread.is_resolved
    verbs = list(Activity.objects.filter(verb__startswith="thread_").values_list("verb", flat=True))
    assert sorted(verbs) == ["thread_reopened", "thread_resolved"]


def test_viewer_cannot_resolve_someone_elses_thread(editor, viewer, feature):
    thread = _comment(editor, feature)
    with pytest.raises(PermissionDenied):
        services.thread_resolve(actor=viewer, comment=thread)


def test_a_reply_cannot_be_resolved(editor, feature):
    thread = _comment(editor, feature)
    reply = _comment(editor, feature, parent_id=thread.pk)
    with pytest.raises(DomainError):
        services.thread_resolve(actor=editor, comment=reply)


def test_follow_and_unfollow(viewer, feature):
    services.follow_create(actor=viewer, kind="feature", object_id=feature.pk)
    services.follow_create(actor=viewer, kind="feature", object_id=feature.pk)
    assert Follow.objects.filter(user=viewer).count() == 1
    services.follow_delete(actor=viewer, kind="feature", object_id=feature.pk)
    assert not Follow.objects.filter(user=viewer).exists()


def test_outsider_cannot_follow_a_restricted_page(outsider, secret_page):
    with pytest.raises(Http404):
        services.follow_create(actor=outsider, kind="page", object_id=secret_page.pk)


def test_preferences_are_checked_and_kept(viewer):
    got = services.preferences_update(actor=viewer, channels={"comment": "off"})
    assert got == {
        "mention": "email",
        "comment": "off",
        "change": "in_app",
        "shipped": "in_app",
        "gate": "in_app",
        "edit": "in_app",
    }
    with pytest.raises(DomainError) as exc:
        services.preferences_update(actor=viewer, channels={"mention": "pigeon", "nope": "off"})
    assert set(exc.value.errors) == {"mention", "nope"}
    assert Preference.objects.filter(user=viewer).count() == 1


def test_nothing_is_told_before_the_commit(editor, colleague, feature):
    _comment(editor, feature, "@maya please look")
    assert not Notification.objects.exists()


def test_a_new_owner_follows_from_then_on(editor, colleague, feature):
    from wavelength.catalog import services as catalog

    catalog.feature_update(actor=editor, feature=feature, owner=colleague)
    assert Follow.objects.filter(user=colleague, kind="feature", object_id=feature.pk).exists()


def test_test_run_assignees_follow_it(editor, colleague, product):
    from wavelength.catalog import services as catalog
    from wavelength.quality import services as quality

    release = catalog.release_create(actor=editor, product=product, version="3.0")
    suite = quality.suite_create(actor=editor, product=product, name="Exports")
    case = quality.case_create(actor=editor, suite=suite, title="Export a chart")
    plan = quality.plan_create(actor=editor, release=release, name="Smoke", cases=[case])
    run = quality.run_create(actor=editor, plan=plan, build="3.0.0", assignees=[colleague])
    followers = set(
        Follow.objects.filter(kind="test_run", object_id=run.pk).values_list("user", flat=True)
    )
    assert followers == {editor.pk, colleague.pk}


def test_deleting_a_page_takes_its_comments_and_follows(editor, admin, viewer, open_page):
    from wavelength.knowledge import services as knowledge

    thread = _comment(viewer, open_page, "About this page", kind="page")
    _comment(editor, open_page, "Reply", kind="page", parent_id=thread.pk)
    knowledge.page_delete(actor=admin, page=open_page)
    assert not Comment.objects.exists()
    assert not Follow.objects.filter(kind="page").exists()
