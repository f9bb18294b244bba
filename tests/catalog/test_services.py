import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import AreaFactory, ProductFactory
from wavelength.catalog import services
from wavelength.catalog.models import ChangelogEntry, Feature, Release, ReleaseStatus, Stage
from wavelength.core import activity, clock, search
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity

pytestmark = pytest.mark.django_db


def make_feature(actor, product, **kwargs):
    kwargs.setdefault("title", "Dark mode")
    return services.feature_create(actor=actor, product=product, **kwargs)


def walk(actor, feature, *stages):
    for stage in stages:
        feature = services.feature_move_stage(actor=actor, feature=feature, stage=stage)
    return feature


def test_product_create_records_activity_and_search(editor):
    product = services.product_create(actor=editor, name="Nebula", description="Billing")
    assert product.slug == "nebula"
    (row,) = Activity.objects.for_target(product)
    assert row.verb == "created" and row.actor == editor
    assert row.payload["snapshot"]["name"] == "Nebula"
    assert [h.title for h in search.query("nebula")] == ["Nebula"]


def test_product_name_must_be_unique(editor, product):
    with pytest.raises(DomainError) as err:
        services.product_create(actor=editor, name="orbit")
    assert "name" in err.value.errors


def test_viewer_cannot_create_product(viewer):
    with pytest.raises(PermissionDenied):
        services.product_create(actor=viewer, name="Nebula")
    assert not Activity.objects.exists()


def test_anonymous_cannot_create_feature(product):
    with pytest.raises(PermissionDenied):
        services.feature_create(actor=None, product=product, title="X")


def test_feature_create_with_tags_and_stage_entry(editor, product, product_team):
    feature = make_feature(editor, product, tags=["UI", "ui ", "themes"], owner_team=product_team)
    assert sorted(feature.tags.values_list("name", flat=True)) == ["themes", "ui"]
    assert list(feature.stage_entries.values_list("stage", flat=True)) == [Stage.IDEA]
    snap = Activity.objects.for_target(feature).get().payload["snapshot"]
    assert snap["tags"] == ["themes", "ui"] and snap["owner_team"] == product_team.pk


def test_feature_title_required_and_nothing_written(editor, product):
    with pytest.raises(DomainError) as err:
        make_feature(editor, product, title="   ")
    assert err.value.errors == {"title": "This field is required."}
    assert not Feature.objects.exists() and not Activity.objects.exists()


def test_feature_unknown_stage_refused(editor, product):
    with pytest.raises(DomainError) as err:
        make_feature(editor, product, stage="shipped")
    assert "stage" in err.value.errors


def test_area_must_belong_to_product(editor, product):
    other_area = AreaFactory(product=ProductFactory())
    with pytest.raises(DomainError) as err:
        make_feature(editor, product, area=other_area)
    assert "area" in err.value.errors


def test_feature_update_records_field_diff(editor, product):
    feature = make_feature(editor, product, description="old")
    services.feature_update(actor=editor, feature=feature, title="Night mode", tags=["ui"])
    row = Activity.objects.for_target(feature).last()
    assert row.verb == "updated"
    assert row.changes == {"title": ["Dark mode", "Night mode"], "tags": [[], ["ui"]]}


def test_feature_update_without_change_records_nothing(editor, product):
    feature = make_feature(editor, product)
    services.feature_update(actor=editor, feature=feature, title="Dark mode")
    assert Activity.objects.for_target(feature).count() == 1


def test_move_stage_follows_lifecycle(editor, product):
    feature = make_feature(editor, product)
    feature = walk(
        editor, feature, Stage.DISCOVERY, Stage.PLANNED, Stage.IN_DEVELOPMENT, Stage.BETA
    )
    assert feature.stage == Stage.BETA
    assert list(feature.stage_entries.values_list("stage", flat=True)) == [
        "idea", "discovery", "planned", "in_development", "beta",
    ]  # fmt: skip
    last = Activity.objects.for_target(feature).last()
    assert last.verb == "stage_changed" and last.changes == {"stage": ["in_development", "beta"]}


def test_illegal_move_refused_and_nothing_written(editor, product):
    feature = make_feature(editor, product)
    with pytest.raises(DomainError) as err:
        services.feature_move_stage(actor=editor, feature=feature, stage=Stage.BETA)
    assert "cannot move" in err.value.errors["stage"]
    feature.refresh_from_db()
    assert feature.stage == Stage.IDEA
    assert Activity.objects.for_target(feature).count() == 1


def test_retired_is_final(editor, product):
    feature = walk(editor, make_feature(editor, product), Stage.RETIRED)
    with pytest.raises(DomainError):
        services.feature_move_stage(actor=editor, feature=feature, stage=Stage.IDEA)


def test_viewer_cannot_move_stage(viewer, editor, product):
    feature = make_feature(editor, product)
    with pytest.raises(PermissionDenied):
        services.feature_move_stage(actor=viewer, feature=feature, stage=Stage.DISCOVERY)
    feature.refresh_from_db()
    assert feature.stage == Stage.IDEA


def test_stage_dates_follow_the_clock(editor, product):
    start = timezone.now() - dt.timedelta(days=200)
    with clock.travel(start):
        feature = make_feature(editor, product)
    with clock.travel(start + dt.timedelta(days=30)):
        feature = walk(editor, feature, Stage.DISCOVERY)
    assert feature.stage_entered_at == start + dt.timedelta(days=30)
    assert Activity.objects.for_target(feature).first().created_at == start


def test_state_at_rebuilds_the_past(editor, product):
    start = timezone.now() - dt.timedelta(days=10)
    with clock.travel(start):
        feature = make_feature(editor, product)
    with clock.travel(start + dt.timedelta(days=2)):
        services.feature_update(actor=editor, feature=feature, title="Night mode")
    with clock.travel(start + dt.timedelta(days=4)):
        walk(editor, feature, Stage.DISCOVERY)
    assert activity.state_at(feature, start - dt.timedelta(days=1)) is None
    assert activity.state_at(feature, start + dt.timedelta(days=1))["title"] == "Dark mode"
    day3 = activity.state_at(feature, start + dt.timedelta(days=3))
    assert (day3["title"], day3["stage"]) == ("Night mode", "idea")
    assert activity.state_at(feature, timezone.now())["stage"] == "discovery"


def test_release_create_and_ship(editor, product):
    feature = make_feature(editor, product)
    release = services.release_create(
        actor=editor, product=product, version="2.0", features=[feature]
    )
    shipped = services.release_ship(actor=editor, release=release, released_on=dt.date(2026, 5, 1))
    assert shipped.status == ReleaseStatus.RELEASED and shipped.released_on == dt.date(2026, 5, 1)
    row = Activity.objects.for_target(release).last()
    assert row.verb == "released"
    assert row.changes["status"] == ["planned", "released"]
    with pytest.raises(DomainError):
        services.release_ship(actor=editor, release=shipped)


def test_release_version_unique_per_product(editor, product):
    services.release_create(actor=editor, product=product, version="1.0")
    with pytest.raises(DomainError) as err:
        services.release_create(actor=editor, product=product, version="1.0")
    assert "version" in err.value.errors
    services.release_create(actor=editor, product=ProductFactory(), version="1.0")


def test_release_cannot_ship_other_products_features(editor, product):
    foreign = make_feature(editor, ProductFactory())
    with pytest.raises(DomainError) as err:
        services.release_create(actor=editor, product=product, version="1.0", features=[foreign])
    assert "features" in err.value.errors
    assert not Release.objects.exists()


def test_release_update_to_released_ships_it(editor, product):
    release = services.release_create(actor=editor, product=product, version="1.0")
    release = services.release_update(actor=editor, release=release, status="released")
    assert release.status == ReleaseStatus.RELEASED and release.released_on is not None


def test_cancelled_release_cannot_ship(editor, product):
    release = services.release_create(actor=editor, product=product, version="1.0")
    release = services.release_update(actor=editor, release=release, status="cancelled")
    with pytest.raises(DomainError):
        services.release_ship(actor=editor, release=release)


def test_changelog_entry_lifecycle(editor, product):
    release = services.release_create(actor=editor, product=product, version="1.0")
    entry = services.changelog_entry_create(
        actor=editor, release=release, title="Faster exports", body="**2x**", visibility="public"
    )
    assert [h.kind for h in search.query("exports")] == ["changelog"]
    services.changelog_entry_update(actor=editor, entry=entry, visibility="internal")
    assert Activity.objects.for_target(entry).last().changes == {
        "visibility": ["public", "internal"]
    }
    with pytest.raises(DomainError):
        services.changelog_entry_update(actor=editor, entry=entry, visibility="secret")
    services.changelog_entry_delete(actor=editor, entry=entry)
    assert not ChangelogEntry.objects.exists() and search.query("exports") == []
