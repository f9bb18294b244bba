import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import ProductFactory
from wavelength.catalog import selectors, services
from wavelength.catalog.models import Stage
from wavelength.core import clock

pytestmark = pytest.mark.django_db


def test_anonymous_cannot_list(product):
    with pytest.raises(PermissionDenied):
        selectors.feature_list(user=AnonymousUser())


def test_feature_filters(editor, product, product_team):
    a = services.feature_create(actor=editor, product=product, title="A", owner_team=product_team)
    b = services.feature_create(actor=editor, product=product, title="B", tags=["mobile"])
    services.feature_create(actor=editor, product=ProductFactory(), title="C")
    f = selectors.FeatureFilter
    assert list(selectors.feature_list(user=editor, filters=f(team="product"))) == [a]
    assert list(selectors.feature_list(user=editor, filters=f(tag="Mobile"))) == [b]
    assert set(selectors.feature_list(user=editor, filters=f(product="orbit"))) == {a, b}
    services.feature_move_stage(actor=editor, feature=b, stage=Stage.DISCOVERY)
    assert list(selectors.feature_list(user=editor, filters=f(stage="discovery"))) == [b]


def test_board_groups_by_stage_in_lifecycle_order(editor, product):
    feature = services.feature_create(actor=editor, product=product, title="A")
    services.feature_move_stage(actor=editor, feature=feature, stage=Stage.DISCOVERY)
    board = selectors.product_board(user=editor, product=product)
    assert [column.stage for column in board] == list(Stage.values)
    assert [f.pk for f in board[1].features] == [feature.pk] and board[1].count == 1


def test_board_columns_are_capped_but_counted(editor, product):
    for n in range(5):
        services.feature_create(actor=editor, product=product, title=f"F{n}")
    idea = selectors.product_board(user=editor, product=product, per_column=3)[0]
    assert [f.title for f in idea.features] == ["F4", "F3", "F2"]
    assert (idea.count, idea.hidden) == (5, 2)


def test_recent_changes_only_this_week(editor, product):
    with clock.travel(timezone.now() - dt.timedelta(days=30)):
        services.feature_create(actor=editor, product=product, title="Old")
    services.feature_create(actor=editor, product=product, title="New")
    week_ago = timezone.now() - dt.timedelta(days=7)
    assert [a.target_repr for a in selectors.recent_changes(user=editor, since=week_ago)] == ["New"]


def test_product_timeline_covers_features_and_releases(editor):
    product = services.product_create(actor=editor, name="Nebula")
    services.feature_create(actor=editor, product=product, title="A")
    services.release_create(actor=editor, product=product, version="1.0")
    verbs = [
        (a.target_type.model, a.verb)
        for a in selectors.product_timeline(user=editor, product=product)
    ]
    assert verbs == [("release", "created"), ("feature", "created"), ("product", "created")]
