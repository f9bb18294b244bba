"""Single sign-on with OpenID Connect, against a provider running on 127.0.0.1."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.accounts.oidc_provider import Provider
from wavelength.accounts.models import AuditEvent, AuditKind, Membership, Role, Team, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    with Provider() as running:
        settings.OIDC_ISSUER = running.issuer
        settings.OIDC_RP_CLIENT_ID = running.client_id
        settings.OIDC_RP_CLIENT_SECRET = running.client_secret
        settings.OIDC_PROVIDER_NAME = "Acme ID"
        settings.OIDC_ROLE_GROUPS = "wl-admins=admin, wl-editors=editor"
        settings.OIDC_TEAM_GROUPS = "product=product, support=support"
        settings.OIDC_CREATE_USERS = True
        cache.clear()  # the discovery document of another test's provider
        yield running
        cache.clear()


@pytest.fixture
def teams(db):
    return {
        slug: Team.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]
        for slug in ("product", "support", "finance")
    }


def sign_in(client: Client, provider: Provider):
    """The browser's round trip: to the provider, back to the callback, then home."""
    start = client.get(reverse("oidc_authentication_init"), {"next": "/features/"})
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    query = parse_qs(urlparse(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"]
    answer = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlparse(answer.headers["Location"])
    return client.get(back.path, parse_qs(back.query))


def test_the_sign_in_page_offers_the_provider_only_when_set_up(client, provider, settings):
    assert "Sign in with Acme ID" in client.get(reverse("accounts:login")).content.decode()
    settings.OIDC_ISSUER = ""
    assert "Sign in with" not in client.get(reverse("accounts:login")).content.decode()
    # Without a provider, the sign-on door sends back to the sign-in page with the reason.
    refused = client.get(reverse("oidc_authentication_init"))
    assert refused.status_code == 302 and refused["Location"].endswith("?sso=failed")
    page = client.get(refused["Location"]).content.decode()
    assert "Single sign-on did not sign you in" in page


def test_a_new_person_is_created_with_the_role_and_teams_of_their_groups(provider, teams):
    provider.sign_in_as("maya@acme.test", name="Maya Lin", groups=["wl-editors", "support"])
    client = Client()
    done = sign_in(client, provider)
    assert done.status_code == 302 and done["Location"] == "/features/"
    maya = User.objects.get(email="maya@acme.test")
    assert (maya.name, maya.role) == ("Maya Lin", Role.EDITOR)
    assert set(Membership.objects.filter(user=maya).values_list("team__slug", flat=True)) == {
        "support"
    }
    assert client.get("/features/").status_code == 200  # signed in
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {AuditKind.PERSON_CREATED, AuditKind.SIGNED_IN, AuditKind.TEAM_CHANGED} <= kinds


def test_each_sign_in_brings_role_and_mapped_teams_in_line_with_the_groups(provider, teams):
    maya = User.objects.create_user(email="maya@acme.test", password=None, role=Role.VIEWER)
    Membership.objects.create(team=teams["product"], user=maya)
    Membership.objects.create(team=teams["finance"], user=maya)  # a team no group maps
    provider.sign_in_as("MAYA@acme.test", groups=["wl-admins", "support"])
    sign_in(Client(), provider)
    maya.refresh_from_db()
    assert maya.role == Role.ADMIN
    assert set(Membership.objects.filter(user=maya).values_list("team__slug", flat=True)) == {
        "support", "finance"
    }  # fmt: skip
    # Left every mapped group: the default role, and out of the mapped teams.
    provider.sign_in_as("maya@acme.test", groups=[])
    User.objects.create_user(email="root@acme.test", password=None, role=Role.ADMIN)
    sign_in(Client(), provider)
    maya.refresh_from_db()
    assert maya.role == Role.VIEWER
    assert list(Membership.objects.filter(user=maya).values_list("team__slug", flat=True)) == [
        "finance"
    ]
    assert AuditEvent.objects.filter(kind=AuditKind.ROLE_CHANGED, target="maya@acme.test").count()


def test_the_last_administrator_keeps_the_role_whatever_the_groups(provider, teams):
    root = User.objects.create_user(email="root@acme.test", password=None, role=Role.ADMIN)
    provider.sign_in_as("root@acme.test", groups=[])
    sign_in(Client(), provider)
    root.refresh_from_db()
    assert root.role == Role.ADMIN


def test_unknown_people_are_refused_when_creating_is_off(provider, settings, teams):
    settings.OIDC_CREATE_USERS = False
    provider.sign_in_as("stranger@acme.test", groups=["wl-admins"])
    client = Client()
    done = sign_in(client, provider)
    assert done["Location"].endswith("?sso=failed")
    assert not User.objects.filter(email="stranger@acme.test").exists()
    assert client.get("/features/").status_code == 302  # still signed out


def test_an_unverified_address_or_a_foreign_token_signs_nobody_in(provider, settings, teams):
    provider.sign_in_as("maya@acme.test", groups=["wl-editors"], verified=False)
    assert sign_in(Client(), provider)["Location"].endswith("?sso=failed")
    # Tokens for another client: the provider's audience is not this workspace.
    provider.sign_in_as("maya@acme.test", groups=["wl-editors"])
    provider.client_id = settings.OIDC_RP_CLIENT_ID = "wavelength"
    original = provider.token

    def foreign(form, auth):
        provider.client_id = "other-app"
        try:
            return original({**form, "client_id": "other-app"}, "")
        finally:
            provider.client_id = "wavelength"

    provider.token = foreign
    provider.client_secret = settings.OIDC_RP_CLIENT_SECRET
    assert sign_in(Client(), provider)["Location"].endswith("?sso=failed")
    assert not User.objects.filter(email="maya@acme.test").exists()


def test_a_wrong_client_secret_is_refused_without_an_error_page(provider, settings, teams):
    settings.OIDC_RP_CLIENT_SECRET = "not-the-secret"
    provider.sign_in_as("maya@acme.test", groups=["wl-editors"])
    assert sign_in(Client(), provider)["Location"].endswith("?sso=failed")


def test_administrators_signed_in_by_the_provider_are_not_asked_for_a_second_code(provider, teams):
    from wavelength.accounts.models import SecurityPolicy

    SecurityPolicy.objects.update_or_create(pk=1, defaults={"admins_need_two_factor": True})
    provider.sign_in_as("root@acme.test", groups=["wl-admins"])
    client = Client()
    sign_in(client, provider)
    assert client.get("/features/").status_code == 200


def test_passwords_still_sign_in_when_the_provider_cannot_be_reached(settings, editor, client):
    from tests.conftest import PASSWORD

    settings.OIDC_ISSUER = "http://127.0.0.1:9/unreachable"
    settings.OIDC_RP_CLIENT_ID = "wavelength"
    cache.clear()
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Sign in with" in page
    signed = client.post(
        reverse("accounts:login"), {"username": editor.email, "password": PASSWORD}
    )
    assert signed.status_code == 302 and client.get("/features/").status_code == 200
    # The single sign-on door itself says it cannot sign in, without an error page.
    refused = Client().get(reverse("oidc_authentication_init"))
    assert refused.status_code == 302 and refused["Location"].endswith("?sso=failed")
