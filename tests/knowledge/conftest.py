"""Spaces and pages for the knowledge tests: an open space, and a space only the product team
(the editor and the viewer) can see; the outsider is an editor of another team."""

import pytest

from tests.factories import FeatureFactory
from wavelength.knowledge import services
from wavelength.knowledge.models import Space, SpaceVisibility


@pytest.fixture
def space(db):
    return Space.objects.get(slug="procedures")


@pytest.fixture
def team_space(admin, product_team):
    return services.space_create(
        actor=admin,
        name="Product secrets",
        visibility=SpaceVisibility.TEAMS,
        teams=[product_team],
    )


@pytest.fixture
def page(editor, space):
    return services.page_create(
        actor=editor, space=space, title="Deploy procedure", body="Run the deploy script."
    )


@pytest.fixture
def secret_page(editor, team_space):
    return services.page_create(
        actor=editor, space=team_space, title="Pricing plan", body="Confidential pricing for Orbit."
    )


@pytest.fixture
def feature(product):
    return FeatureFactory(product=product, title="Smart alerts", stage="planned")
