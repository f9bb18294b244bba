import pytest
from django.core.exceptions import PermissionDenied

from wavelength.accounts import services
from wavelength.accounts.models import ApiToken, Membership, Team, User
from wavelength.core.exceptions import DomainError, NotFound

pytestmark = pytest.mark.django_db


def test_default_teams_exist():
    slugs = set(Team.objects.values_list("slug", flat=True))
    assert {"product", "engineering", "qa", "design", "marketing", "sales", "support",
            "operations"} <= slugs  # fmt: skip


def test_admin_creates_person(admin):
    user = services.user_create(
        actor=admin, email=" Eve@Example.com ", password="long-enough-pw", role="editor"
    )
    assert user.email == "eve@example.com" and user.check_password("long-enough-pw")
    assert user.can_edit and not user.is_admin


def test_editor_cannot_create_person(editor):
    with pytest.raises(PermissionDenied):
        services.user_create(actor=editor, email="x@example.com", password="pw-pw-pw-pw")
    assert not User.objects.filter(email="x@example.com").exists()


@pytest.mark.parametrize(
    ("email", "role", "field"),
    [("not-an-email", "viewer", "email"), ("ok@example.com", "owner", "role")],
)
def test_user_create_bad_input(admin, email, role, field):
    with pytest.raises(DomainError) as err:
        services.user_create(actor=admin, email=email, password="pw", role=role)
    assert field in err.value.errors


def test_duplicate_email_refused(admin, editor):
    with pytest.raises(DomainError):
        services.user_create(actor=admin, email="BOB@example.com", password="pw")


def test_team_crud_and_membership(admin, editor):
    team = services.team_create(actor=admin, name="Customer Success")
    assert team.slug == "customer-success"
    with pytest.raises(DomainError):
        services.team_create(actor=admin, name="customer success")
    services.team_update(actor=admin, team=team, name="CS", description="Happy customers")
    services.membership_add(actor=admin, team=team, user=editor)
    services.membership_add(actor=admin, team=team, user=editor)
    assert Membership.objects.filter(team=team).count() == 1
    services.membership_remove(actor=admin, team=team, user=editor)
    assert not team.members.exists()
    services.team_delete(actor=admin, team=team)
    assert not Team.objects.filter(slug="customer-success").exists()


def test_editor_cannot_manage_teams(editor, product_team):
    with pytest.raises(PermissionDenied):
        services.team_update(actor=editor, team=product_team, name="Renamed")
    product_team.refresh_from_db()
    assert product_team.name == "Product"


def test_token_is_hashed_shown_once_and_revocable(editor):
    token, raw = services.token_create(actor=editor, user=editor, name="CI")
    assert raw.startswith("wl_") and raw not in token.key_hash and len(token.key_hash) == 64
    assert services.token_authenticate(raw) == editor
    token.refresh_from_db()
    assert token.last_used_at is not None
    services.token_revoke(actor=editor, token=token)
    assert services.token_authenticate(raw) is None


def test_token_of_inactive_user_fails(editor):
    _token, raw = services.token_create(actor=editor, user=editor, name="CI")
    editor.is_active = False
    editor.save()
    assert services.token_authenticate(raw) is None


def test_bad_tokens_fail(editor):
    assert services.token_authenticate("") is None
    assert services.token_authenticate("wl_nope") is None
    assert services.token_authenticate("Bearer x") is None


def test_cannot_create_token_for_someone_else(editor, viewer):
    with pytest.raises(PermissionDenied):
        services.token_create(actor=editor, user=viewer, name="sneaky")
    assert not ApiToken.objects.exists()


def test_cannot_revoke_someone_elses_token(editor, viewer):
    token, _raw = services.token_create(actor=viewer, user=viewer, name="mine")
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=editor, token=token)


def test_user_get_by_email(editor):
    assert services.user_get_by_email("BOB@example.com") == editor
    with pytest.raises(NotFound):
        services.user_get_by_email("nobody@example.com")


def test_last_admin_cannot_be_demoted(admin):
    with pytest.raises(DomainError) as err:
        services.user_set_role(actor=admin, user=admin, role="editor")
    assert "role" in err.value.errors
    admin.refresh_from_db()
    assert admin.is_admin


def test_admin_can_be_demoted_when_another_remains(admin, editor):
    services.user_set_role(actor=admin, user=editor, role="admin")
    services.user_set_role(actor=editor, user=admin, role="viewer")
    admin.refresh_from_db()
    assert admin.role == "viewer"


def test_team_named_new_is_refused(admin):
    with pytest.raises(DomainError) as err:
        services.team_create(actor=admin, name="New")
    assert "name" in err.value.errors
