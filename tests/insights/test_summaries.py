"""The dashboard's summaries (feedback per day, arrivals in general availability) and the
demand figures kept per feature always equal a recount from the rows, whatever the services
wrote, deleted or merged since."""

from wavelength.catalog import services as catalog
from wavelength.catalog.models import Feature, Stage
from wavelength.feedback import services as feedback_services
from wavelength.feedback.models import Company, FeatureDemand, Feedback, FeedbackLink
from wavelength.insights import selectors, summaries
from wavelength.insights.models import (
    FeedbackDaily,
    LeadTime,
    StaleDay,
    StaleFeature,
)
from wavelength.insights.scopes import DashboardFilter

from .conftest import days_ago


def _summaries() -> tuple[list, list]:
    days = FeedbackDaily.objects.values_list("day", "product_id", "team_id", "dimension",
                                             "value", "count")  # fmt: skip
    asked = FeatureDemand.objects.exclude(items=0, votes=0)  # a recount keeps no zero rows
    revenue = asked.values_list("feature_id", *FeatureDemand.FIGURES)
    fields = ["feature_id", "reached_at", "lead_days", *map(LeadTime.days_in, LeadTime.STAGES)]
    arrivals = LeadTime.objects.values_list(*fields)
    return sorted(days), sorted(revenue), sorted(arrivals)


def assert_equal_to_a_recount():
    summaries.refresh()
    assert not StaleDay.objects.exists() and not StaleFeature.objects.exists()
    kept = _summaries()
    summaries.rebuild()
    assert kept == _summaries()


def test_summaries_equal_a_recount_after_writes_deletes_and_merges(world, admin, other_team):
    offline = Feature.objects.get(title="Offline mode")
    export = Feature.objects.get(title="CSV export")
    acme = Company.objects.get(name="Acme")
    assert_equal_to_a_recount()
    # Writes: a new item, linked; another moved to an earlier day; a segment and a revenue.
    item = feedback_services.feedback_create(actor=admin, text="Offline on the train",
                                             source="email", company=acme,
                                             received_at=days_ago(7))  # fmt: skip
    feedback_services.feedback_link(actor=admin, feedback=item, feature=offline)
    moved = Feedback.objects.get(text="Nice app")
    moved.received_at = days_ago(40)
    moved.save()
    feedback_services.company_update(actor=admin, company=acme, segment="mid_market",
                                     arr=750_000)  # fmt: skip
    catalog.feature_update(actor=admin, feature=offline, owner_team=other_team)
    assert_equal_to_a_recount()
    # Deletes: a link goes.
    link = FeedbackLink.objects.get(feedback__text="Export to CSV")
    feedback_services.feedback_unlink(actor=admin, link=link)
    assert_equal_to_a_recount()
    # Merges: an item into another (its links copied), then undone; two companies.
    survivor = Feedback.objects.get(text="Webhooks!")
    duplicate = Feedback.objects.get(text="Offline again")
    merge = feedback_services.feedback_merge(actor=admin, survivor=survivor, duplicate=duplicate)
    assert_equal_to_a_recount()
    feedback_services.feedback_merge_undo(actor=admin, merge=merge)
    assert_equal_to_a_recount()
    tiny = Company.objects.get(name="Tiny")
    feedback_services.company_merge(actor=admin, target=acme, source=tiny)
    assert_equal_to_a_recount()
    # An import: items inserted in bulk.
    feedback_services.feedback_bulk_create(actor=admin, items=[
        {"text": f"Imported {i}", "source": "csv", "external_id": f"i{i}",
         "received_at": days_ago(n)} for i, n in enumerate((2, 9, 9))
    ])  # fmt: skip
    assert StaleDay.objects.count() == 2
    assert_equal_to_a_recount()
    # And the figure reads them: Offline mode is asked for by Acme only now, at its revenue.
    board = selectors.dashboard(user=admin, filters=DashboardFilter())
    assert board.figure("demand").rows[0] == offline
    assert FeatureDemand.objects.get(feature=offline).revenue == 750_000
    assert not FeatureDemand.objects.filter(feature=export, companies__gt=0).exists()


def test_the_figures_read_the_summaries_for_a_team(world, admin, product_team, other_team):
    """A feature changing teams moves its items' counts from one team's figures to the
    other's."""
    offline = Feature.objects.get(title="Offline mode")
    before = selectors.figure("feedback-channel", DashboardFilter(team=other_team.slug),
                              user=admin)  # fmt: skip
    catalog.feature_update(actor=admin, feature=offline, owner_team=other_team)
    after = selectors.figure("feedback-channel", DashboardFilter(team=other_team.slug),
                             user=admin)  # fmt: skip
    total = lambda fig: sum(c.value for c in fig.counters)  # noqa: E731
    assert total(after) == total(before) + 2  # the two items asking for it in the period
    mine = selectors.figure("feedback-channel", DashboardFilter(team=product_team.slug),
                            user=admin)  # fmt: skip
    assert mine.empty


def lead_time(admin) -> dict:
    figure = selectors.figure("lead-time", DashboardFilter(), user=admin)
    return {str(c.label): c.value for c in figure.counters}


def test_arrivals_in_general_availability_follow_moves_shipping_and_requests(world, admin,
                                                                            product):  # fmt: skip
    offline = Feature.objects.get(title="Offline mode")
    export = Feature.objects.get(title="CSV export")
    assert lead_time(admin) == {"Features that reached general availability": 1,
                                "Median days from the first request": 180}  # fmt: skip
    assert_equal_to_a_recount()
    # Its first request turns out older: the lead time grows by as much.
    oldest = Feedback.objects.get(text="Old request")
    oldest.received_at = days_ago(300)
    oldest.save()
    assert lead_time(admin)["Median days from the first request"] == 280
    assert_equal_to_a_recount()
    # Shipping moves the release's features on in bulk: the arrival is counted too.
    release = catalog.release_create(actor=admin, product=product, version="2.0",
                                     features=[export])  # fmt: skip
    catalog.release_ship(actor=admin, release=release, features_to="generally_available",
                         override_reason="Tested by hand")  # fmt: skip
    assert StaleFeature.objects.filter(feature_id=export.pk).exists()
    assert lead_time(admin)["Features that reached general availability"] == 2
    assert round(LeadTime.objects.get(feature=export).lead_days) == 5  # asked five days ago
    assert_equal_to_a_recount()
    # A feature deprecated and then generally available again counts once in the period,
    # from its first arrival in it; an entry removed is forgotten.
    catalog.feature_move_stage(actor=admin, feature=offline, stage="deprecated")
    catalog.feature_move_stage(actor=admin, feature=offline, stage="generally_available")
    assert lead_time(admin)["Features that reached general availability"] == 2
    assert LeadTime.objects.filter(feature=offline).count() == 2
    offline.stage_entries.filter(stage="deprecated").delete()
    assert_equal_to_a_recount()


def test_an_arrival_keeps_the_days_of_every_stage_a_feature_can_leave_before_it():
    assert set(LeadTime.STAGES) == set(Stage.values) - {Stage.RETIRED}
    for stage in LeadTime.STAGES:
        assert LeadTime._meta.get_field(LeadTime.days_in(stage)).null
