"""The demo company: built through the services, a year of history, and only once."""

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.utils import timezone

from wavelength.accounts.models import User
from wavelength.catalog import selectors
from wavelength.catalog.demo import DEMO_EMAIL, DEMO_PASSWORD, _Builder, build_demo
from wavelength.catalog.models import (
    TRANSITIONS,
    ChangelogEntry,
    Feature,
    Product,
    Release,
    ReleaseStatus,
    Stage,
    StageEntry,
    Visibility,
)
from wavelength.core import search
from wavelength.core.models import Activity

pytestmark = pytest.mark.django_db


def test_demo_builds_three_products_with_features_in_every_stage(demo):
    assert demo.summary["created"] is True
    assert Product.objects.count() == 3
    assert Feature.objects.count() >= 55
    assert set(Feature.objects.values_list("stage", flat=True)) == set(Stage.values)
    for product in Product.objects.all():
        assert product.areas.count() >= 4
        assert product.features.values("stage").distinct().count() >= 6
    assert not Feature.objects.filter(owner=None).exists()
    assert not Feature.objects.filter(owner_team=None).exists()
    assert Feature.objects.filter(tags__isnull=False).distinct().count() == Feature.objects.count()
    assert Feature.objects.filter(description__contains="| Account |").exists()  # tables too


def test_demo_has_people_in_the_default_teams(demo):
    people = User.objects.exclude(email=DEMO_EMAIL)
    assert 12 <= people.count() <= 20
    assert all(" " in p.name for p in people)  # first and last names
    assert {"product", "engineering", "qa", "design", "support"} <= set(
        people.values_list("teams__slug", flat=True)
    )


def test_demo_releases_have_statuses_dates_and_changelog(demo):
    releases = list(Release.objects.all())
    assert len(releases) == 8
    statuses = Counter(r.status for r in releases)
    assert statuses[ReleaseStatus.RELEASED] >= 3
    assert statuses[ReleaseStatus.CANCELLED] == 1
    assert statuses[ReleaseStatus.PLANNED] >= 1 and statuses[ReleaseStatus.IN_PROGRESS] >= 1
    today = timezone.now().date()
    for release in releases:
        assert release.changelog.exists(), release
        if release.status == ReleaseStatus.RELEASED:
            assert release.released_on <= today
            shipped = set(release.features.values_list("stage", flat=True))
            assert shipped <= {Stage.GENERALLY_AVAILABLE, Stage.BETA}, release
        elif release.status != ReleaseStatus.CANCELLED:
            assert release.released_on is None and release.target_date > today
    public = ChangelogEntry.objects.filter(visibility=Visibility.PUBLIC)
    assert public.exists() and ChangelogEntry.objects.filter(visibility="internal").exists()
    assert set(public.values_list("release__status", flat=True)) == {ReleaseStatus.RELEASED}


def test_demo_user_signs_in_as_admin(demo):
    request = RequestFactory().post("/accounts/login/")
    user = authenticate(request, username=DEMO_EMAIL, password=DEMO_PASSWORD)
    assert user is not None and user.is_admin
    assert user.name == "Dana Demo"


def test_demo_history_spans_a_year_with_activity_this_week(demo):
    first = Activity.objects.order_by("created_at").first().created_at
    last = Activity.objects.order_by("created_at").last().created_at
    now = timezone.now()
    assert (now - first).days >= 300
    assert last <= now
    user = User.objects.get(email=DEMO_EMAIL)
    this_week = selectors.recent_changes(user=user, since=now - dt.timedelta(days=7))
    assert this_week.filter(verb="stage_changed").count() >= 3
    assert this_week.count() >= 10
    entries = StageEntry.objects.order_by("entered_at")
    assert (entries.last().entered_at - entries.first().entered_at).days >= 300


def test_demo_features_walk_the_lifecycle_along_allowed_moves(demo):
    moves = 0
    for feature in Feature.objects.prefetch_related("stage_entries"):
        walk = [e for e in feature.stage_entries.all()]
        for old, new in zip(walk, walk[1:], strict=False):
            assert new.stage in TRANSITIONS[old.stage], feature
            assert new.entered_at > old.entered_at
            moves += 1
        assert walk[-1].stage == feature.stage
        assert walk[-1].entered_at == feature.stage_entered_at
    assert moves == Activity.objects.filter(verb="stage_changed").count() >= 100


def test_demo_is_searchable(demo):
    hits = search.query("snowflake")
    assert any(h.kind == "feature" and h.title == "Snowflake connector" for h in hits)


def test_running_the_demo_twice_adds_nothing(demo):
    before = (Activity.objects.count(), Feature.objects.count(), User.objects.count())
    again = build_demo()
    assert again["created"] is False
    assert (Activity.objects.count(), Feature.objects.count(), User.objects.count()) == before
    assert again["features"] == demo.summary["features"]


def test_demo_plan_is_deterministic():
    now = dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC)

    def plan(seed):
        builder = _Builder(seed=seed, now=now)
        builder.plan()
        return [event.when for event in sorted(builder.events)]

    assert plan(7) == plan(7)
    assert plan(7) != plan(8)
    assert max(plan(7)) < now
