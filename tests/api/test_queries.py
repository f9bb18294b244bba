"""Lists cost the same number of SQL queries whatever the page size (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.utils import url
from tests.factories import ProductFactory, TeamFactory, UserFactory
from wavelength.accounts.models import Membership
from wavelength.accounts.services import token_create
from wavelength.catalog import services

pytestmark = pytest.mark.django_db

ROWS = 55  # more than the larger page, so both pages are full


def _features(editor, product, team):
    area = services.area_create(actor=editor, product=product, name="Core")
    return [
        services.feature_create(
            actor=editor,
            product=product,
            area=area,
            title=f"Feature {n}",
            description=f"Feature number *{n}*.",
            owner_team=team,
            owner=editor,
            tags=[f"tag{n}", "shared"],
        )
        for n in range(ROWS)
    ]


def _releases(editor, product, team):
    features = _features(editor, product, team)
    return [
        services.release_create(
            actor=editor, product=product, version=f"1.{n}", features=features[n : n + 2]
        )
        for n in range(ROWS)
    ]


def build_products(editor, product, team):
    for n in range(ROWS):
        services.product_create(actor=editor, name=f"Product {n}", description=f"**{n}**")
    return ()


def build_features(editor, product, team):
    _features(editor, product, team)
    return ()


def build_releases(editor, product, team):
    _releases(editor, product, team)
    return ()


def build_changelog(editor, product, team):
    release = services.release_create(actor=editor, product=product, version="1.0")
    for n in range(ROWS):
        services.changelog_entry_create(actor=editor, release=release, title=f"Change {n}")
    return ()


def build_history(editor, product, team):
    _features(editor, product, team)
    return ()


def build_product_history(editor, product, team):
    _features(editor, product, team)
    return (product.slug,)


def build_feature_history(editor, product, team):
    feature = services.feature_create(actor=editor, product=product, title="Busy")
    for n in range(ROWS):
        services.feature_update(actor=editor, feature=feature, title=f"Busy {n}")
    return (feature.pk,)


def build_release_history(editor, product, team):
    release = services.release_create(actor=editor, product=product, version="1.0")
    for n in range(ROWS):
        services.release_update(actor=editor, release=release, name=f"Name {n}")
    return (release.pk,)


def build_users(editor, product, team):
    other = TeamFactory(name="Other", slug="other")
    for n in range(ROWS):
        person = UserFactory(email=f"p{n}@example.com")
        Membership.objects.create(team=team, user=person)
        Membership.objects.create(team=other, user=person)
    return ()


def build_teams(editor, product, team):
    for n in range(ROWS):
        Membership.objects.create(team=TeamFactory(name=f"Squad {n}"), user=editor)
    return ()


def build_tokens(editor, product, team):
    for n in range(ROWS):
        token_create(actor=editor, user=editor, name=f"token {n}")
    return ()


LISTS = [
    ("product-list", build_products),
    ("feature-list", build_features),
    ("release-list", build_releases),
    ("changelog-list", build_changelog),
    ("history", build_history),
    ("product-history", build_product_history),
    ("feature-history", build_feature_history),
    ("release-history", build_release_history),
    ("user-list", build_users),
    ("team-list", build_teams),
    ("token-list", build_tokens),
]


def _queries(client, path: str) -> tuple[int, int]:
    """How many SQL queries the request took, and how many items it answered."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["items"])


@pytest.mark.parametrize(("name", "build"), LISTS, ids=[name for name, _ in LISTS])
def test_query_count_does_not_grow_with_page_size(editor_api, editor, product_team, name, build):
    args = build(editor, ProductFactory(name="Bulk", slug="bulk"), product_team)
    editor_api.get(url(name, *args, limit=1))  # warm caches (content types, token stamp)

    small, small_rows = _queries(editor_api, url(name, *args, limit=5))
    large, large_rows = _queries(editor_api, url(name, *args, limit=50))

    assert (small_rows, large_rows) == (5, 50)
    assert small == large


def test_feature_list_filters_do_not_add_queries_per_row(editor_api, editor, product_team):
    bulk = ProductFactory(name="Bulk", slug="bulk")
    build_features(editor, bulk, product_team)
    query = {"product": "bulk", "team": "product", "tag": "shared", "owner": editor.email}
    editor_api.get(url("feature-list", limit=1, **query))

    small, _ = _queries(editor_api, url("feature-list", limit=5, **query))
    large, rows = _queries(editor_api, url("feature-list", limit=50, **query))

    assert rows == 50
    assert small == large
