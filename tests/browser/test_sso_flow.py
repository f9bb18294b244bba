"""Single sign-on as a person meets it: "Sign in with …" on the sign-in page, the identity
provider (running on 127.0.0.1), and back in Wavelength, in the team of their group."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.accounts.oidc_provider import Provider
from wavelength.accounts.models import Role, Team, User

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(settings):
    with Provider() as running:
        settings.OIDC_ISSUER = running.issuer
        settings.OIDC_RP_CLIENT_ID = running.client_id
        settings.OIDC_RP_CLIENT_SECRET = running.client_secret
        settings.OIDC_PROVIDER_NAME = "Acme ID"
        settings.OIDC_ROLE_GROUPS = "wl-editors=editor"
        settings.OIDC_TEAM_GROUPS = "support-agents=support"
        cache.clear()
        yield running
        cache.clear()


def test_sign_in_through_the_provider_and_land_in_the_right_team(page, provider):
    support, _new = Team.objects.get_or_create(slug="support", defaults={"name": "Support"})
    provider.sign_in_as("maya@acme.test", name="Maya Lin", groups=["support-agents", "wl-editors"])
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Acme ID").click()
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    maya = User.objects.get(email="maya@acme.test")
    assert maya.role == Role.EDITOR
    page.goto(f"/accounts/teams/{support.slug}/")
    expect(page.locator("main")).to_contain_text("Maya Lin")
