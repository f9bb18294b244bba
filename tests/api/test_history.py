import datetime as dt

import pytest
from django.utils import timezone

from tests.api.utils import errors, url
from tests.factories import ProductFactory
from wavelength.catalog import services
from wavelength.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(editor, product):
    """A product made a week ago, a feature yesterday, and another product's feature today."""
    now = timezone.now()
    with clock.travel(now - dt.timedelta(days=7)):
        services.area_create(actor=editor, product=product, name="Old area")
    with clock.travel(now - dt.timedelta(days=1)):
        services.feature_create(actor=editor, product=product, title="Yesterday")
    other = ProductFactory(name="Nebula", slug="nebula")
    services.feature_create(actor=editor, product=other, title="Today")
    return now


def _reprs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["target_repr"] for item in response.json()["items"]]


def test_history_is_the_catalog_log_newest_first(viewer_api, timeline, editor):
    response = viewer_api.get(url("history"))

    assert _reprs(response) == ["Today", "Yesterday", "Old area"]
    latest = response.json()["items"][0]
    assert (latest["verb"], latest["actor"]["id"]) == ("created", editor.pk)
    assert latest["snapshot"]["title"] == "Today"


def test_since_keeps_what_changed_after_it(viewer_api, timeline):
    since = (timeline - dt.timedelta(days=2)).isoformat()
    assert _reprs(viewer_api.get(url("history", since=since))) == ["Today", "Yesterday"]


@pytest.mark.parametrize("key", ["orbit", "id"])
def test_product_keeps_one_products_history(viewer_api, timeline, product, key):
    value = product.pk if key == "id" else key
    assert _reprs(viewer_api.get(url("history", product=value))) == ["Yesterday", "Old area"]


def test_product_and_since_combine(viewer_api, timeline):
    since = (timeline - dt.timedelta(days=2)).isoformat()
    assert _reprs(viewer_api.get(url("history", product="orbit", since=since))) == ["Yesterday"]


def test_history_leaves_out_non_catalog_activity(viewer_api, timeline, admin):
    from wavelength.accounts.services import team_create

    team_create(actor=admin, name="Research")
    assert "Research" not in _reprs(viewer_api.get(url("history")))


@pytest.mark.parametrize(
    ("query", "field"), [({"since": "last week"}, "since"), ({"product": "nope"}, "product")]
)
def test_bad_history_filters_are_422(viewer_api, timeline, query, field):
    response = viewer_api.get(url("history", **query))
    assert response.status_code == 422
    assert list(errors(response)) == [field]
