import datetime as dt

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from wavelength.catalog import services as catalog
from wavelength.core import clock
from wavelength.core.conditions import evaluate
from wavelength.core.models import Notification
from wavelength.knowledge import services
from wavelength.knowledge.models import PageStatus


def _about(editor, space, feature, title="Alerts spec"):
    return services.page_create(
        actor=editor, space=space, title=title, body=f"About [[feature:{feature.title}]]."
    )


def test_a_page_goes_stale_when_its_feature_changes_stage(
    django_capture_on_commit_callbacks, editor, space, feature
):
    page = _about(editor, space, feature)
    with django_capture_on_commit_callbacks(execute=True):
        catalog.feature_move_stage(actor=editor, feature=feature, stage="in_development")
    page.refresh_from_db()
    assert page.is_stale()
    assert "Smart alerts" in page.stale_reason and "In development" in page.stale_reason


def test_a_page_goes_stale_when_its_release_ships(
    django_capture_on_commit_callbacks, editor, space, product
):
    release = catalog.release_create(actor=editor, product=product, version="2.4")
    page = services.page_create(
        actor=editor, space=space, title="Notes", body="[[release:Orbit 2.4]]"
    )
    with django_capture_on_commit_callbacks(execute=True):
        catalog.release_ship(actor=editor, release=release)
    page.refresh_from_db()
    assert page.stale_reason == "Orbit 2.4 shipped."


def test_stale_page_shows_a_banner_and_is_on_the_owners_list(editor_client, editor, page):
    page.review_due_on = clock.now().date() - dt.timedelta(days=1)
    page.save()
    shown = editor_client.get(page.get_absolute_url()).content.decode()
    assert "This page may be out of date." in shown and "has passed" in shown
    assert (
        "Deploy procedure" in editor_client.get(reverse("knowledge:review-list")).content.decode()
    )


def test_verifying_clears_staleness_and_restarts_the_clock(editor, admin, page):
    page.stale_since, page.stale_reason = clock.now(), "x moved"
    page.save()
    page = services.page_verify(actor=admin, page=page)
    assert not page.is_stale()
    assert (page.verified_by, page.verified_version) == (admin, 1)
    assert page.review_due_on == clock.now().date() + dt.timedelta(days=180)


def test_reminders_notify_owners_once_a_week(django_capture_on_commit_callbacks, editor, page):
    page.review_due_on = clock.now().date() - dt.timedelta(days=1)
    page.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("knowledge-remind")
    assert Notification.objects.filter(recipient=editor, verb="pages_to_review").count() == 1
    assert len(mail.outbox) == 1
    assert services.review_reminders_send() == 0  # not again within the week


def test_pages_published_condition(editor, space, feature):
    assert evaluate("knowledge.pages_published", target=feature).ok  # no page about it
    page = _about(editor, space, feature)
    result = evaluate("knowledge.pages_published", target=feature)
    assert not result.ok
    assert result.missing == [("Alerts spec", page.get_absolute_url())]
    services.page_set_status(actor=editor, page=page, status=PageStatus.PUBLISHED)
    assert evaluate("knowledge.pages_published", target=feature).ok


def test_page_read_condition(editor, viewer, page):
    params = {"page": page.pk}
    assert not evaluate("knowledge.page_read", target=None, subject=viewer, params=params).ok
    services.page_mark_read(actor=viewer, page=page)
    assert evaluate("knowledge.page_read", target=None, subject=viewer, params=params).ok
    services.page_update(actor=editor, page=page, base_version=1, title=page.title, body="new")
    page.refresh_from_db()
    assert not evaluate("knowledge.page_read", target=None, subject=viewer, params=params).ok


def test_page_read_choices_hide_team_pages(outsider, viewer, page, secret_page):
    from wavelength.core.conditions import get_condition

    choices = get_condition("knowledge.page_read").choices
    assert str(secret_page.pk) not in [v for v, _l in choices(user=outsider)]
    assert str(secret_page.pk) in [v for v, _l in choices(user=viewer)]


def test_feature_page_lists_pages_about_it_without_team_pages(
    editor, outsider, space, team_space, feature, django_assert_max_num_queries
):
    from tests.conftest import client_for

    _about(editor, space, feature, "Open spec")
    _about(editor, team_space, feature, "Secret spec")
    outsider_view = client_for(outsider).get(feature.get_absolute_url()).content.decode()
    assert "Pages about this feature" in outsider_view
    assert "Open spec" in outsider_view and "Secret spec" not in outsider_view
    assert "Secret spec" in client_for(editor).get(feature.get_absolute_url()).content.decode()


def test_page_view_reads_in_a_fixed_number_of_queries(
    editor, editor_client, space, page, django_assert_max_num_queries
):
    for n in range(5):
        services.page_create(
            actor=editor, space=space, title=f"Ref {n}", body="[[Deploy procedure]]"
        )
    editor_client.get(page.get_absolute_url())
    with django_assert_max_num_queries(30):
        editor_client.get(page.get_absolute_url())
    for n in range(10):
        services.page_create(
            actor=editor, space=space, title=f"More {n}", body="[[Deploy procedure]]"
        )
    with django_assert_max_num_queries(30) as queries:
        editor_client.get(page.get_absolute_url())
    assert len(queries) <= 30


def test_outsider_cannot_download_a_team_page_attachment(editor, outsider, secret_page):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import client_for

    attachment = services.attachment_add(
        actor=editor,
        page=secret_page,
        upload=SimpleUploadedFile("plan.png", b"\x89PNG", content_type="image/png"),
    )
    assert client_for(outsider).get(attachment.get_absolute_url()).status_code == 404
    response = client_for(editor).get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG"
