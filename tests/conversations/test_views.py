"""Comments on the objects' pages: the feature's section, the panel of pages, defects, test
runs and playbook runs, the edit page, following, preferences and the bell."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.processes.conftest import make_playbook
from wavelength.conversations import services
from wavelength.conversations.models import Comment, DigestSchedule, Follow, Preference
from wavelength.core import versioning
from wavelength.core.models import Notification
from wavelength.processes import services as processes
from wavelength.quality import services as quality

pytestmark = pytest.mark.django_db


def _comment(actor, obj, body="First", kind="feature", **kwargs):
    return services.comment_create(actor=actor, kind=kind, object_id=obj.pk, body=body, **kwargs)


def _list_url(kind, obj):
    return reverse("conversations:comment-list", args=[kind, obj.pk])


def test_feature_page_shows_threads_with_markdown_and_links(
    editor, viewer, editor_client, feature, release, django_assert_max_num_queries
):
    thread = _comment(editor, feature, "See [[release:Orbit 2.0]] and <script>x</script> **now**")
    _comment(viewer, feature, "Reply", parent_id=thread.pk)
    html = editor_client.get(feature.get_absolute_url()).content.decode()
    assert f'id="comment-{thread.pk}"' in html
    assert f'href="{release.get_absolute_url()}"' in html
    assert "<strong>now</strong>" in html and "<script>x" not in html
    assert "New comment" in html and "Following" in html  # the author of the feature follows


def test_feature_page_queries_do_not_grow_with_comments(
    editor, viewer, editor_client, feature, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the view's own queries (tests/core/test_pagecache.py)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            editor_client.get(feature.get_absolute_url())
        return len(ctx)

    thread = _comment(editor, feature, "@carol [[feature:Export to CSV]]")
    _comment(viewer, feature, "Reply [[feature:Export to CSV]]", parent_id=thread.pk)
    before = count()
    for n in range(5):
        _comment(viewer, feature, f"Reply {n} [[feature:Export to CSV]]", parent_id=thread.pk)
        _comment(editor, feature, f"@carol thread {n}")
    assert count() == before


def test_post_a_comment_from_the_page(editor_client, feature):
    response = editor_client.post(_list_url("feature", feature), {"body": "From the page"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{feature.get_absolute_url()}#comment-{comment.pk}"


def test_an_empty_comment_is_refused_on_the_form(editor_client, feature):
    response = editor_client.post(_list_url("feature", feature), {"body": "  "})
    assert response.status_code == 422
    assert not Comment.objects.exists()


def test_the_form_says_whom_a_mention_did_not_reach(editor, outsider, secret_page):
    client = client_for(editor)
    response = client.post(
        _list_url("page", secret_page), {"body": "@dave have a look"}, follow=True
    )
    html = response.content.decode()
    assert "Dave Outsider cannot see this, so they were not told." in html
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_knowledge_page_has_the_panel_and_outsiders_get_404(editor, outsider, secret_page):
    _comment(editor, secret_page, "Numbers are final", kind="page")
    html = client_for(editor).get(secret_page.get_absolute_url()).content.decode()
    assert "Numbers are final" in html
    outsider_client = client_for(outsider)
    assert outsider_client.get(_list_url("page", secret_page)).status_code == 404
    response = outsider_client.post(_list_url("page", secret_page), {"body": "hi"})
    assert response.status_code == 404
    assert Comment.objects.count() == 1


def test_defect_test_run_and_playbook_run_pages_have_the_panel(editor, editor_client, product):
    from wavelength.catalog import services as catalog

    release = catalog.release_create(actor=editor, product=product, version="3.0")
    defect = quality.defect_create(actor=editor, product=product, title="Crash on export")
    suite = quality.suite_create(actor=editor, product=product, name="Exports")
    case = quality.case_create(actor=editor, suite=suite, title="Export a chart")
    plan = quality.plan_create(actor=editor, release=release, name="Smoke", cases=[case])
    test_run = quality.run_create(actor=editor, plan=plan, build="3.0.0")
    run = processes.run_start(actor=editor, playbook=make_playbook(editor))
    for kind, obj in (("defect", defect), ("test_run", test_run), ("playbook_run", run)):
        _comment(editor, obj, f"About this {kind}", kind=kind)
        html = editor_client.get(obj.get_absolute_url()).content.decode()
        assert f"About this {kind}" in html, kind
        assert 'id="section-comments"' in html


def test_edit_page_saves_and_refuses_a_stale_version(editor, editor_client, feature):
    comment = _comment(editor, feature)
    edit_url = reverse("conversations:comment-edit", args=[comment.pk])
    page = editor_client.get(edit_url)
    assert page.status_code == 200 and b'name="edit_version"' in page.content
    seen = versioning.version_of(comment)
    saved = editor_client.post(edit_url, {"body": "Second thoughts", "edit_version": seen})
    assert saved.status_code == 302
    stale = editor_client.post(edit_url, {"body": "Third", "edit_version": seen})
    assert stale.status_code == 422
    assert "Someone else saved this" in stale.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Second thoughts"
    html = editor_client.get(feature.get_absolute_url()).content.decode()
    assert "edited" in html


def test_someone_else_cannot_edit(editor, viewer_client, feature):
    comment = _comment(editor, feature)
    edit_url = reverse("conversations:comment-edit", args=[comment.pk])
    assert viewer_client.post(edit_url, {"body": "Mine"}).status_code == 403


def test_deleted_comment_leaves_a_stub(editor, viewer, editor_client, feature):
    thread = _comment(editor, feature, "To be removed")
    _comment(viewer, feature, "A reply that stays", parent_id=thread.pk)
    editor_client.post(reverse("conversations:comment-delete", args=[thread.pk]))
    html = editor_client.get(feature.get_absolute_url()).content.decode()
    assert "Comment deleted" in html and "A reply that stays" in html
    assert "To be removed" not in html


def test_resolve_from_the_page_and_viewer_forbidden(editor, editor_client, viewer_client, feature):
    thread = _comment(editor, feature)
    resolve_url = reverse("conversations:thread-resolve", args=[thread.pk])
    assert viewer_client.post(resolve_url).status_code == 403
    editor_client.post(resolve_url)
    thread.refresh_from_db()
    assert thread.is_resolved
    editor_client.post(resolve_url, {"reopen": "1"})
    thread.refresh_from_db()
    assert not thread.is_resolved


def test_follow_button(viewer, viewer_client, feature):
    follow_url = reverse("conversations:follow-toggle", args=["feature", feature.pk])
    viewer_client.post(follow_url, {"follow": "1"})
    assert Follow.objects.filter(user=viewer).count() == 1
    viewer_client.post(follow_url, {"follow": "0"})
    assert not Follow.objects.filter(user=viewer).exists()


def test_anonymous_is_sent_to_sign_in(client, feature):
    response = client.get(_list_url("feature", feature))
    assert response.status_code == 302 and "login" in response["Location"]


def test_preferences_page(viewer, viewer_client):
    prefs_url = reverse("conversations:preferences")
    page = viewer_client.get(prefs_url).content.decode()
    assert "Someone mentions me or my team" in page
    chosen = {
        "mention": "in_app",
        "comment": "off",
        "change": "weekly",
        "shipped": "daily",
        "gate": "in_app",
        "edit": "off",
        "hour": "7",
        "weekday": "4",
        "time_zone": "Europe/Paris",
    }
    response = viewer_client.post(prefs_url, chosen)
    assert response.status_code == 302
    assert Preference.objects.get(user=viewer, event="comment").channel == "off"
    assert Preference.objects.get(user=viewer, event="change").channel == "weekly"
    schedule = DigestSchedule.objects.get(user=viewer)
    assert (schedule.hour, schedule.weekday, schedule.time_zone) == (7, 4, "Europe/Paris")
    bad = viewer_client.post(prefs_url, {**chosen, "mention": "pigeon", "time_zone": "Mars/Base"})
    assert bad.status_code == 422
    assert "time_zone" in bad.context["form"].errors
    assert Preference.objects.get(user=viewer, event="mention").channel == "in_app"


def test_mention_suggestions_endpoint(editor_client, colleague):
    response = editor_client.get(reverse("conversations:mention-suggestions") + "?q=may")
    assert response.json()["items"][0]["handle"] == "maya"


def test_bell_lists_unread_mentions_first(
    editor, colleague, editor_client, feature, django_capture_on_commit_callbacks
):
    services.follow_create(actor=colleague, kind="feature", object_id=feature.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _comment(editor, feature, "@maya first a mention")
    with django_capture_on_commit_callbacks(execute=True):
        _comment(editor, feature, "then a plain comment")
    html = client_for(colleague).get(reverse("core:notification-list")).content.decode()
    assert html.index("mentioned you") < html.index("commented on")


@pytest.mark.parametrize(
    "path",
    [
        "/comments/planet/1/",
        "/comments/feature/99999999999999999999/",
        "/comments/99999999999999999999/edit/",
        "/comments/12345/edit/",
    ],
)
def test_bad_urls_are_404_never_500(editor_client, path):
    assert editor_client.get(path).status_code == 404


def test_suggestions_about_a_restricted_page_say_who_cannot_see_it(
    editor_client, outsider, viewer, secret_page
):
    path = reverse("conversations:mention-suggestions")
    query = f"?kind=page&object_id={secret_page.pk}&q="
    seen = {
        i["handle"]: i["can_see"] for i in editor_client.get(path + query + "dave").json()["items"]
    }
    assert seen == {"dave": False}
    seen = {
        i["handle"]: i["can_see"] for i in editor_client.get(path + query + "carol").json()["items"]
    }
    assert seen == {"carol": True}


def test_outsider_cannot_probe_a_restricted_page_through_suggestions(outsider, secret_page):
    path = reverse("conversations:mention-suggestions")
    response = client_for(outsider).get(f"{path}?kind=page&object_id={secret_page.pk}&q=a")
    assert response.status_code == 404


def test_the_timeline_tells_of_comments_in_english_and_french(editor, viewer, feature):
    thread = _comment(editor, feature)
    services.thread_resolve(actor=editor, comment=thread)
    html = client_for(viewer).get(feature.get_absolute_url()).content.decode()
    assert "commented on feature" in html and "resolved a thread on feature" in html
    viewer.language = "fr"
    viewer.save()
    client = client_for(viewer)
    client.cookies["django_language"] = "fr"
    html = client.get(feature.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "a commenté" in html and "a résolu une discussion" in html


def test_only_the_author_opens_the_edit_page(editor, viewer_client, admin, feature):
    comment = _comment(editor, feature)
    edit_url = reverse("conversations:comment-edit", args=[comment.pk])
    assert viewer_client.get(edit_url).status_code == 403
    assert client_for(admin).get(edit_url).status_code == 403


def test_threads_beyond_the_first_page_are_a_link_away(editor, editor_client, feature, monkeypatch):
    from wavelength.conversations import selectors

    monkeypatch.setattr(selectors, "THREADS_PER_PAGE", 2)
    for n in range(3):
        _comment(editor, feature, f"Thread number {n}")
    html = editor_client.get(feature.get_absolute_url()).content.decode()
    assert "Thread number 1" in html and "Thread number 2" not in html
    more = editor_client.get(_list_url("feature", feature) + "?page=2").content.decode()
    assert "Thread number 2" in more
