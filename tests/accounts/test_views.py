"""Sign-in, people, teams and tokens pages: what each role can see and do."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import FeatureFactory, UserFactory
from wavelength.accounts.models import ApiToken, Membership, Role, Team, User
from wavelength.core.models import Activity

# Sign in and out ----------------------------------------------------------------------------


def test_login_page_renders_for_anonymous_people(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="email" name="username"' in html and 'type="password"' in html


def test_sign_in_with_email_in_any_case(client, viewer):
    response = client.post(
        reverse("accounts:login"), {"username": "Carol@Example.com", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


def test_wrong_password_shows_an_error(client, viewer):
    response = client.post(
        reverse("accounts:login"), {"username": viewer.email, "password": "nope-nope-nope"}
    )
    assert response.status_code == 200
    assert "This e-mail and password don’t match" in response.content.decode()


def test_sign_in_goes_back_to_the_page_asked_for(client, viewer):
    page = reverse("accounts:team-list")
    response = client.post(
        reverse("accounts:login") + f"?next={page}",
        {"username": viewer.email, "password": PASSWORD, "next": page},
    )
    assert response.url == page


def test_sign_out_is_a_post(viewer_client):
    assert viewer_client.get(reverse("accounts:logout")).status_code == 405
    response = viewer_client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert viewer_client.get(reverse("core:home")).status_code == 302


@pytest.mark.parametrize(
    "name,args",
    [
        ("accounts:user-list", []),
        ("accounts:team-list", []),
        ("accounts:team-detail", ["product"]),
        ("accounts:token-list", []),
        ("accounts:team-create", []),
    ],
)
def test_anonymous_people_are_sent_to_sign_in(client, product_team, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# Reading as a member --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("accounts:user-list", []),
        ("accounts:team-list", []),
        ("accounts:team-detail", ["product"]),
        ("accounts:token-list", []),
    ],
)
def test_member_pages_open_for_viewers(viewer_client, name, args):
    assert viewer_client.get(reverse(name, args=args)).status_code == 200


def test_team_list_shows_counts(viewer_client, product_team, editor):
    FeatureFactory(owner_team=product_team)
    html = viewer_client.get(reverse("accounts:team-list")).content.decode()
    assert reverse("accounts:team-detail", args=["product"]) in html
    assert "2 members" in html and "1 feature<" in html
    assert reverse("accounts:team-create") not in html  # viewers get no "New team"


def test_team_detail_shows_members_and_owned_features(viewer_client, product_team, editor):
    feature = FeatureFactory(owner_team=product_team, title="Dark mode", stage="beta")
    FeatureFactory(title="Someone else's")

    html = viewer_client.get(reverse("accounts:team-detail", args=["product"])).content.decode()

    assert "Bob Editor" in html and "Carol Viewer" in html
    assert feature.get_absolute_url() in html and "Dark mode" in html
    assert 'class="badge stage-beta"' in html
    assert "Someone else" not in html
    assert "Remove" not in html and reverse("accounts:team-edit", args=["product"]) not in html


def test_people_list_shows_roles_without_forms_for_viewers(viewer_client, admin, editor):
    html = viewer_client.get(reverse("accounts:user-list")).content.decode()
    assert "Alice Admin" in html and 'class="badge role-admin"' in html
    assert reverse("accounts:user-create") not in html and "<select" not in html


# Admin-only actions refuse viewers and write nothing -------------------------------------------


def _snapshot():
    return (
        Team.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        list(User.objects.values_list("role", flat=True).order_by("pk")),
        list(Team.objects.values_list("name", flat=True).order_by("pk")),
        Activity.objects.count(),
    )


@pytest.mark.parametrize(
    "method,name,args,data",
    [
        ("get", "accounts:team-create", [], {}),
        ("post", "accounts:team-create", [], {"name": "Growth"}),
        ("get", "accounts:team-edit", ["product"], {}),
        ("post", "accounts:team-edit", ["product"], {"name": "Renamed"}),
        ("post", "accounts:team-member-add", ["product"], {"user": "OTHER"}),
        ("post", "accounts:team-member-remove", ["product", "EDITOR"], {}),
        ("post", "accounts:user-create", [], {"email": "x@example.com", "password": "pass-0123"}),
        ("post", "accounts:user-role", ["VIEWER"], {"role": "admin"}),
    ],
)
def test_viewers_get_403_on_admin_actions_and_nothing_is_written(
    viewer_client, viewer, editor, outsider, method, name, args, data
):
    ids = {"EDITOR": editor.pk, "VIEWER": viewer.pk, "OTHER": outsider.pk}
    args = [ids.get(a, a) for a in args]
    data = {k: ids.get(v, v) for k, v in data.items()}
    before = _snapshot()

    response = getattr(viewer_client, method)(reverse(name, args=args), data)

    assert response.status_code == 403
    assert "Only an administrator can do this." in response.content.decode()
    assert _snapshot() == before


def test_editors_cannot_create_teams_either(editor_client):
    assert editor_client.post(reverse("accounts:team-create"), {"name": "X"}).status_code == 403
    assert not Team.objects.filter(name="X").exists()


# Teams as an admin ------------------------------------------------------------------------------


def test_admin_creates_a_team(admin_client):
    response = admin_client.post(
        reverse("accounts:team-create"), {"name": "Growth", "description": "Grows things."}
    )
    team = Team.objects.get(name="Growth")
    assert response.status_code == 302 and response.url == reverse(
        "accounts:team-detail", args=[team.slug]
    )
    assert "Team “Growth” created." in admin_client.get(response.url).content.decode()


def test_duplicate_team_name_shows_the_error_on_the_field_and_writes_nothing(
    admin_client, product_team
):
    before = _snapshot()

    response = admin_client.post(reverse("accounts:team-create"), {"name": "PRODUCT"})

    assert response.status_code == 422
    html = response.content.decode()
    assert "field--invalid" in html
    assert (
        '<div id="id_name_error"><p class="field-error">A team with this name already exists.</p>'
        in html
    )
    assert 'value="PRODUCT"' in html
    assert _snapshot() == before


def test_blank_team_name_is_refused_by_the_form(admin_client):
    response = admin_client.post(reverse("accounts:team-create"), {"name": "  "})
    assert response.status_code == 422
    assert Team.objects.filter(name="").count() == 0


def test_admin_edits_a_team(admin_client, product_team, other_team):
    url = reverse("accounts:team-edit", args=["product"])
    assert 'value="Product"' in admin_client.get(url).content.decode()

    clash = admin_client.post(url, {"name": "sales"})
    assert clash.status_code == 422 and "already exists" in clash.content.decode()

    response = admin_client.post(url, {"name": "Product management", "description": "PM"})
    assert response.status_code == 302
    product_team.refresh_from_db()
    assert product_team.name == "Product management" and product_team.description == "PM"


def test_admin_adds_and_removes_a_member(admin_client, product_team, outsider):
    detail = reverse("accounts:team-detail", args=["product"])
    assert "Dave Outsider" in admin_client.get(detail).content.decode()  # offered in the select

    response = admin_client.post(
        reverse("accounts:team-member-add", args=["product"]), {"user": outsider.pk}
    )
    assert response.status_code == 302
    assert product_team.members.filter(pk=outsider.pk).exists()

    response = admin_client.post(
        reverse("accounts:team-member-remove", args=["product", outsider.pk])
    )
    assert response.status_code == 302
    assert not product_team.members.filter(pk=outsider.pk).exists()
    verbs = list(Activity.objects.values_list("verb", flat=True).order_by("id"))
    assert verbs[-2:] == ["member_added", "member_removed"]


def test_adding_a_member_without_choosing_shows_the_error(admin_client, product_team):
    response = admin_client.post(reverse("accounts:team-member-add", args=["product"]), {})
    assert response.status_code == 422
    assert "field--invalid" in response.content.decode()


# People as an admin -----------------------------------------------------------------------------


def test_admin_adds_a_person_who_can_sign_in(admin_client, client):
    response = admin_client.post(
        reverse("accounts:user-create"),
        {"email": "Eve@Example.com", "name": "Eve", "role": "editor", "password": "a-long-secret"},
    )
    assert response.status_code == 302
    eve = User.objects.get(email="eve@example.com")
    assert eve.role == Role.EDITOR
    signed_in = client.post(
        reverse("accounts:login"), {"username": "eve@example.com", "password": "a-long-secret"}
    )
    assert signed_in.status_code == 302 and client.session.get("_auth_user_id") == str(eve.pk)


def test_duplicate_email_and_weak_password_show_inline_errors(admin_client, viewer):
    before = _snapshot()
    response = admin_client.post(
        reverse("accounts:user-create"),
        {"email": viewer.email, "role": "viewer", "password": "a-long-secret"},
    )
    assert response.status_code == 422
    assert "A person with this e-mail already exists." in response.content.decode()

    response = admin_client.post(
        reverse("accounts:user-create"),
        {"email": "new@example.com", "role": "viewer", "password": "short"},
    )
    assert response.status_code == 422 and 'id="id_password_error"' in response.content.decode()
    assert _snapshot() == before


def test_admin_changes_a_role(admin_client, viewer):
    response = admin_client.post(
        reverse("accounts:user-role", args=[viewer.pk]), {"role": "editor"}
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.role == Role.EDITOR
    assert "Carol Viewer is now editor." in admin_client.get(response.url).content.decode()


# Tokens -------------------------------------------------------------------------------------


def test_new_token_is_shown_once(viewer_client, viewer):
    response = viewer_client.post(reverse("accounts:token-list"), {"name": "CI script"})

    assert response.status_code == 200
    raw = response.context["raw_token"]
    html = response.content.decode()
    assert raw.startswith("wl_") and raw in html and "shown only once" in html
    assert response.headers["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=viewer)
    assert token.name == "CI script" and raw not in token.key_hash

    later = viewer_client.get(reverse("accounts:token-list")).content.decode()
    assert raw not in later and "CI script" in later and f"{token.prefix}…" in later


def test_token_needs_a_name(viewer_client, viewer):
    response = viewer_client.post(reverse("accounts:token-list"), {"name": " "})
    assert response.status_code == 422 and "field--invalid" in response.content.decode()
    assert not ApiToken.objects.filter(user=viewer).exists()


def test_revoke_a_token(viewer_client, viewer):
    viewer_client.post(reverse("accounts:token-list"), {"name": "Old"})
    token = ApiToken.objects.get(user=viewer)

    response = viewer_client.post(reverse("accounts:token-revoke", args=[token.pk]))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    html = viewer_client.get(response.url).content.decode()
    assert "Revoked" in html and reverse("accounts:token-revoke", args=[token.pk]) not in html


def test_revoke_needs_post(viewer_client, viewer):
    viewer_client.post(reverse("accounts:token-list"), {"name": "Keep"})
    token = ApiToken.objects.get(user=viewer)
    assert viewer_client.get(reverse("accounts:token-revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_nobody_revokes_someone_elses_token(viewer_client, editor_client, editor):
    editor_client.post(reverse("accounts:token-list"), {"name": "Bob's"})
    token = ApiToken.objects.get(user=editor)

    response = viewer_client.post(reverse("accounts:token-revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_list_shows_only_my_tokens(viewer_client, editor_client):
    editor_client.post(reverse("accounts:token-list"), {"name": "Bob's secret script"})
    assert (
        "Bob's secret script"
        not in viewer_client.get(reverse("accounts:token-list")).content.decode()
    )


def test_people_list_does_not_query_per_person(
    admin_client, django_assert_max_num_queries, product_team
):
    for n in range(15):
        person = UserFactory(email=f"p{n}@example.com")
        Membership.objects.create(team=product_team, user=person)
    # 14: the page, plus the sign-in policy read once per session every few minutes
    with django_assert_max_num_queries(14):
        assert admin_client.get(reverse("accounts:user-list")).status_code == 200


def test_admins_do_not_get_a_role_select_for_themselves(admin_client, admin, viewer):
    html = admin_client.get(reverse("accounts:user-list")).content.decode()
    assert reverse("accounts:user-role", args=[viewer.pk]) in html
    assert reverse("accounts:user-role", args=[admin.pk]) not in html
