import pytest

from tests.factories import FeatureFactory, ReleaseFactory, TeamFactory
from wavelength.catalog.models import Stage
from wavelength.planning import selectors, services
from wavelength.planning.selectors import RoadmapFilter


def test_the_timeline_orders_by_target_date_and_marks_late(editor, feature, releases):
    services.roadmap_move(actor=editor, feature=feature, release=releases["late"])
    lanes = selectors.timeline(user=editor, filters=RoadmapFilter()).lanes
    rows = lanes[0].releases
    assert [r.release.version for r in rows] == ["2.0", "2.1"]  # the shipped one is off
    assert [r.late for r in rows] == [True, False]
    assert [f.pk for f in rows[0].features] == [feature.pk]


def test_filters_narrow_the_releases_to_those_with_matching_features(
    editor, feature, releases, objective, product
):
    services.roadmap_move(actor=editor, feature=feature, release=releases["next"])
    lanes = selectors.timeline(user=editor, filters=RoadmapFilter(objective=objective.pk)).lanes
    assert [r.release.version for lane in lanes for r in lane.releases] == ["2.1"]
    assert selectors.timeline(user=editor, filters=RoadmapFilter(tag="nothing")).lanes == []


@pytest.mark.parametrize("group", ["team", "objective"])
def test_group_by_team_or_objective(editor, feature, releases, objective, group, product):
    other = FeatureFactory(product=product, title="Other", owner_team=TeamFactory(name="Zeta"))
    services.roadmap_move(actor=editor, feature=feature, release=releases["next"])
    services.roadmap_move(actor=editor, feature=other, release=releases["next"])
    lanes = selectors.timeline(user=editor, filters=RoadmapFilter(group=group)).lanes
    labels = [lane.label for lane in lanes]
    # The late release ships nothing yet: it sits in the "No team" or "No objective" lane.
    expected = (
        ["Product", "Zeta", "No team"] if group == "team" else [objective.title, "No objective"]
    )
    assert labels == expected


def test_the_board_puts_features_by_stage_unless_placed(editor, product):
    idea = FeatureFactory(product=product, title="Idea", stage=Stage.IDEA)
    beta = FeatureFactory(product=product, title="Beta", stage=Stage.BETA)
    FeatureFactory(product=product, title="Shipped", stage=Stage.GENERALLY_AVAILABLE)
    services.roadmap_move(actor=editor, feature=idea, column="next")
    board = {c.column: [f.title for f in c.features] for c in
             selectors.board(user=editor, filters=RoadmapFilter())}  # fmt: skip
    assert board == {"now": ["Beta"], "next": ["Idea"], "later": []}
    assert beta.pk  # in development and beta features are Now


def test_the_timeline_reads_in_a_fixed_number_of_queries(
    editor, product, releases, django_assert_max_num_queries
):
    for n in range(30):
        f = FeatureFactory(product=product, title=f"F{n}", stage=Stage.PLANNED)
        f.tags.create(name=f"t{n}")
        releases["next"].features.add(f)
    with django_assert_max_num_queries(6):  # count, releases, cards, tags, objectives, targets
        found = selectors.timeline(user=editor, filters=RoadmapFilter(group="objective"),
                                   targets=True)  # fmt: skip
        lanes = found.lanes
        for lane in lanes:
            for row in lane.releases:
                for feature in row.features:  # what a card reads
                    assert [t.name for t in feature.card_tags] == [f"t{feature.title[1:]}"]
                    assert feature.card_objectives == []
    (row,) = [r for lane in lanes for r in lane.releases if r.release.pk == releases["next"].pk]
    assert len(row.features) == selectors.FEATURES_PER_RELEASE and row.total == 30
    assert row.hidden == 30 - selectors.FEATURES_PER_RELEASE
    # The first by title, as a card shows them; the move targets are the product's open ones.
    assert [f.title for f in row.features] == sorted(f"F{n}" for n in range(30))[:12]
    assert [t.version for t in found.targets[product.pk]] == ["2.0", "2.1"]


def test_more_releases_than_a_page(editor, product):
    for n in range(selectors.RELEASES_PER_PAGE + 3):
        ReleaseFactory(product=product, version=f"5.{n}")
    page = selectors.timeline(user=editor, filters=RoadmapFilter(), page=2).page
    assert page.number == 2 and len(page.object_list) == 3


def test_a_page_past_the_end_or_not_a_number_falls_back(editor, product):
    for n in range(selectors.RELEASES_PER_PAGE + 3):
        ReleaseFactory(product=product, version=f"5.{n}")
    last = selectors.timeline(user=editor, filters=RoadmapFilter(), page=99).page
    assert last.number == 2 and last.paginator.count == selectors.RELEASES_PER_PAGE + 3
    first = selectors.timeline(user=editor, filters=RoadmapFilter(), page="x").page
    assert first.number == 1 and len(first.object_list) == selectors.RELEASES_PER_PAGE
    assert first.has_next() and first.paginator.num_pages == 2
