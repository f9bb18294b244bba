from django.urls import reverse

from tests.conftest import client_for
from wavelength.knowledge import services
from wavelength.knowledge.models import Page


def test_every_page_of_a_page_renders(editor_client, page, space):
    services.page_update(
        actor=page.owner, page=page, base_version=1, title=page.title, body="Run it twice."
    )
    for url in [
        reverse("knowledge:home"),
        reverse("knowledge:space-detail", args=[space.slug]),
        reverse("knowledge:page-detail", args=[page.pk]),
        reverse("knowledge:page-edit", args=[page.pk]),
        reverse("knowledge:page-history", args=[page.pk]),
        reverse("knowledge:page-diff", args=[page.pk]) + "?a=1&b=2",
        reverse("knowledge:version-detail", args=[page.pk, 1]),
        reverse("knowledge:page-create") + f"?space={space.slug}&template=policy",
        reverse("knowledge:page-create"),
        reverse("knowledge:search") + "?q=deploy",
        reverse("knowledge:review-list"),
        reverse("knowledge:import"),
        reverse("knowledge:space-create"),
    ]:
        response = editor_client.get(url)
        assert response.status_code == 200, url


def test_creating_a_page_from_the_form(editor_client, space):
    response = editor_client.post(
        reverse("knowledge:page-create") + f"?space={space.slug}",
        {
            "space": space.slug,
            "title": "On-call",
            "body": "See [[Deploy procedure]].",
            "review_interval_days": 90,
        },
    )
    page = Page.objects.get(title="On-call")
    assert response.status_code == 302
    assert response["Location"] == page.get_absolute_url()
    shown = editor_client.get(page.get_absolute_url()).content.decode()
    assert "wikilink-missing" in shown  # the target does not exist yet: a "create" link
    assert "title=Deploy+procedure" in shown


def test_backlink_shows_on_the_linked_page(editor_client, editor, space, page):
    services.page_create(
        actor=editor, space=space, title="On-call", body="See [[deploy procedure]]."
    )
    shown = editor_client.get(page.get_absolute_url()).content.decode()
    assert "Linked from" in shown
    assert ">On-call</a>" in shown


def test_stale_save_shows_both_texts_and_keeps_mine(editor_client, admin, page):
    services.page_update(
        actor=admin, page=page, base_version=1, title=page.title, body="Their new text."
    )
    response = editor_client.post(
        reverse("knowledge:page-edit", args=[page.pk]),
        {
            "title": page.title,
            "body": "My new text.",
            "review_interval_days": 180,
            "base_version": 1,
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Their new text." in html and "My new text." in html
    assert 'name="base_version" value="2"' in html
    page.refresh_from_db()
    assert page.body == "Their new text."


def test_viewer_cannot_edit(viewer_client, page):
    assert viewer_client.get(reverse("knowledge:page-edit", args=[page.pk])).status_code == 403


def test_team_space_is_invisible_to_outsiders(outsider, secret_page, team_space):
    client = client_for(outsider)
    assert client.get(secret_page.get_absolute_url()).status_code == 404
    assert client.get(reverse("knowledge:space-detail", args=[team_space.slug])).status_code == 404
    home = client.get(reverse("knowledge:home")).content.decode()
    assert "Product secrets" not in home


def test_broken_markdown_and_scripts_never_break_a_page(editor_client, editor, space):
    page = services.page_create(
        actor=editor,
        space=space,
        title="Messy",
        body="<script>alert(1)</script>\n[[unclosed\n```\nno end\n| a |\n|--\n[x](javascript:1)",
    )
    response = editor_client.get(page.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in html
    assert 'href="javascript' not in html
    # A link outside the unclosed code block is made safe too.
    page = services.page_create(
        actor=editor, space=space, title="Link", body="[x](javascript:alert(1)) <img onerror=x>"
    )
    html = editor_client.get(page.get_absolute_url()).content.decode()
    assert 'href="javascript' not in html and "<img onerror" not in html


def test_only_owners_and_admins_change_a_space(editor_client, admin_client, outsider, team_space):
    url = reverse("knowledge:space-edit", args=[team_space.slug])
    assert editor_client.get(url).status_code == 403  # can see it, does not own it
    assert client_for(outsider).get(url).status_code == 404
    response = admin_client.post(
        url,
        {"name": "Product secrets", "visibility": "teams", "teams": [], "owners": []},
    )
    assert response.status_code == 422  # a team-only space needs a team
    assert "Choose at least one team." in response.content.decode()


def test_outsider_cannot_export_a_team_space(outsider, team_space, secret_page):
    response = client_for(outsider).get(reverse("knowledge:space-export", args=[team_space.slug]))
    assert response.status_code == 404
