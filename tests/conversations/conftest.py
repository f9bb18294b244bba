"""Things to comment on, made through their apps' services: a feature owned by the product
team, an open knowledge page and one in a space only the product team (editor and viewer)
reads. The outsider is an editor of the sales team; ``colleague`` is a second product editor."""

import pytest

from tests.api.utils import bearer_client
from tests.factories import UserFactory
from wavelength.accounts.models import Membership, Role
from wavelength.catalog import services as catalog
from wavelength.knowledge import services as knowledge
from wavelength.knowledge.models import Space, SpaceVisibility


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture
def colleague(product_team):
    user = UserFactory(email="maya@example.com", name="Maya Okafor", role=Role.EDITOR)
    Membership.objects.create(team=product_team, user=user)
    return user


@pytest.fixture
def feature(editor, product, product_team):
    return catalog.feature_create(
        actor=editor, product=product, title="Export to CSV", owner_team=product_team
    )


@pytest.fixture
def release(editor, product, feature):
    return catalog.release_create(actor=editor, product=product, version="2.0", features=[feature])


@pytest.fixture
def open_page(editor):
    return knowledge.page_create(
        actor=editor,
        space=Space.objects.get(slug="procedures"),
        title="Deploy procedure",
        body="Run the deploy script.",
    )


@pytest.fixture
def team_space(admin, product_team):
    return knowledge.space_create(
        actor=admin, name="Product secrets", visibility=SpaceVisibility.TEAMS, teams=[product_team]
    )


@pytest.fixture
def secret_page(editor, team_space):
    return knowledge.page_create(
        actor=editor, space=team_space, title="Pricing plan", body="Confidential pricing."
    )


@pytest.fixture
def editor_api(editor):
    return bearer_client(editor)


@pytest.fixture
def viewer_api(viewer):
    return bearer_client(viewer)


@pytest.fixture
def outsider_api(outsider):
    return bearer_client(outsider)


@pytest.fixture
def admin_api(admin):
    return bearer_client(admin)
