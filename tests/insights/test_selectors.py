"""Every figure of the dashboard against counts made by hand on a small company, with the
filters narrowing them, and each reader seeing only what they may see."""

import datetime as dt

from wavelength.core import activity
from wavelength.insights import lists, selectors
from wavelength.insights.scopes import DashboardFilter

from .conftest import TODAY


def counters(figure) -> dict:
    return {str(c.label): c.value for c in figure.counters}


def test_feedback_by_channel_sentiment_and_segment_in_the_period(world, editor):
    f = DashboardFilter()
    assert f.since == TODAY - dt.timedelta(days=89)
    channel = counters(selectors.figure("feedback-channel", f, user=editor))
    assert channel == {"Web form": 1, "Portal": 2, "E-mail": 1, "Support ticket": 1}
    sentiment = counters(selectors.figure("feedback-sentiment", f, user=editor))
    assert sentiment == {"Negative": 2, "Neutral": 1, "Positive": 1, "Not set": 1}
    segment = counters(selectors.figure("feedback-segment", f, user=editor))
    assert segment == {"Start-up": 1, "Enterprise": 2, "No segment": 2}


def test_the_chart_of_a_channel_spreads_its_items_over_the_weeks(world, editor):
    figure = selectors.figure("feedback-channel", DashboardFilter(), user=editor)
    portal = next(s for s in figure.chart["datasets"] if s["key"] == "ins-portal")
    assert sum(portal["values"]) == 2 and len(portal["values"]) == len(figure.chart["labels"])
    assert figure.chart["stacked"] is True and len(figure.chart["labels"]) == 14  # weeks


def test_a_product_or_a_team_counts_the_feedback_linked_to_its_features(world, editor):
    by_product = counters(selectors.figure("feedback-channel", DashboardFilter(product="orbit"),
                                           user=editor))  # fmt: skip
    assert sum(by_product.values()) == 3
    by_team = counters(selectors.figure("feedback-channel", DashboardFilter(team="product"),
                                        user=editor))  # fmt: skip
    assert by_team == {"Portal": 1, "Support ticket": 1}


def test_a_longer_period_counts_older_items_in_months(world, editor):
    figure = selectors.figure("feedback-channel", DashboardFilter(period=365), user=editor)
    assert sum(counters(figure).values()) == 6
    assert len(figure.chart["labels"]) == 13  # May 2025 to May 2026


def test_most_asked_for_features_by_revenue(world, editor):
    figure = selectors.figure("demand", DashboardFilter(), user=editor)
    assert [f.title for f in figure.rows] == ["Offline mode", "CSV export"]
    assert figure.rows[0].revenue == 510_000 and figure.rows[0].unique_companies == 2
    assert figure.chart["keys"] == ["generally_available", "planned"]


def test_lead_time_and_time_in_each_stage(world, editor):
    figure = selectors.figure("lead-time", DashboardFilter(), user=editor)
    assert counters(figure) == {"Features that reached general availability": 1,
                                "Median days from the first request": 180}  # fmt: skip
    assert figure.chart["labels"] == ["Idea", "Planned", "In development"]
    assert figure.chart["values"] == [180.0, 60.0, 40.0]


def test_releases_on_time_late_and_late_not_shipped(world, editor):
    assert selectors.figure("releases", DashboardFilter(), user=editor).chart["values"] == [
        1, 1, 1
    ]  # fmt: skip
    assert selectors.figure("releases", DashboardFilter(product="orbit"),
                            user=editor).chart["values"] == [1, 1, 0]  # fmt: skip
    assert selectors.figure("releases", DashboardFilter(team="product"),
                            user=editor).chart["values"] == [0, 1, 0]  # fmt: skip


def test_gate_failures_are_read_from_the_verdict_kept_when_it_shipped(world, admin, editor):
    activity.record(actor=admin, verb="released", target=world["late"],
                    gate=[{"key": "pass_rate", "label": "Pass rate", "ok": False},
                          {"key": "defects", "label": "Open defects", "ok": True}],
                    override_reason="Customer deadline")  # fmt: skip
    activity.record(actor=admin, verb="released", target=world["on_time"],
                    gate=[{"key": "pass_rate", "label": "Pass rate", "ok": True}])  # fmt: skip
    figure = selectors.figure("pass-rate", DashboardFilter(), user=editor)
    assert [(g.release, g.failing, g.reason) for g in figure.rows] == [
        (world["late"], ["Pass rate"], "Customer deadline")
    ]
    assert counters(figure)["Releases shipped past a failing gate"] == 1


def test_open_defects_by_severity_and_those_customers_reported(world, editor):
    figure = selectors.figure("defects", DashboardFilter(), user=editor)
    assert figure.chart["values"] == [0, 1, 0, 1]  # critical, major, minor, trivial
    assert counters(figure)["Reported by customers"] == 1
    rows = lists.figure_rows(user=editor, key="customer-defects", filters=DashboardFilter(),
                             params={})  # fmt: skip
    assert list(rows) == [world["major"]]
    product = selectors.figure("defects", DashboardFilter(product="orbit"), user=editor)
    assert product.chart["values"] == [0, 1, 0, 0]


def test_knowledge_counts_only_pages_the_reader_may_read(world, editor, outsider):
    mine = counters(selectors.figure("knowledge", DashboardFilter(), user=editor))
    assert mine == {"Pages": 2, "Stale pages": 1, "Pages without an owner": 1}
    theirs = counters(selectors.figure("knowledge", DashboardFilter(), user=outsider))
    assert theirs == {"Pages": 3, "Stale pages": 2, "Pages without an owner": 2}
    about = counters(selectors.figure("knowledge", DashboardFilter(product="orbit"), user=editor))
    assert about["Pages"] == 1


def test_training_counts_only_the_progress_the_reader_may_see(world, viewer, admin):
    mine = counters(selectors.figure("training", DashboardFilter(), user=viewer))
    assert mine == {"Completion": "50 %", "Completed": 1, "In progress": 0, "Overdue": 1}
    everyone = counters(selectors.figure("training", DashboardFilter(), user=admin))
    assert everyone == {"Completion": "33 %", "Completed": 1, "In progress": 1, "Overdue": 1}
    about = counters(selectors.figure("training", DashboardFilter(product="orbit"), user=admin))
    assert about["Completed"] + about["In progress"] + about["Overdue"] == 2


def test_nps_by_hand(world, editor):
    figure = selectors.figure("surveys", DashboardFilter(), user=editor)
    values = counters(figure)
    # 10, 10, 9 promoters, 7 passive, 0 detractor: 100 × (3 − 1) / 5.
    assert values["NPS"] == 40 and values["NPS responses"] == 5
    assert values["CSAT responses"] == 0 and values["Average CSAT (1–5)"] == "—"
    nps = figure.chart["datasets"][0]
    assert nps["values"][-1] == 100  # May: one 10
    assert selectors.nps_of(4, 1, 2) == -25


def test_another_product_has_no_survey_scores(world, editor):
    figure = selectors.figure("surveys", DashboardFilter(product="relay"), user=editor)
    assert counters(figure)["NPS responses"] == 0 and figure.empty


def test_every_counter_agrees_with_its_list(world, editor, viewer, outsider):
    for user in (editor, viewer, outsider):
        for f in (DashboardFilter(), DashboardFilter(product="orbit", period=365),
                  DashboardFilter(team="product", period=30)):  # fmt: skip
            for figure in selectors.dashboard(user=user, filters=f).figures:
                for c in figure.counters:
                    if c.counts:
                        rows = lists.figure_rows(user=user, key=c.list, filters=f,
                                                 params=c.params)  # fmt: skip
                        assert rows.count() == c.value, (figure.key, c.label)


def test_the_dashboard_reads_in_a_fixed_number_of_queries(
    world, editor, django_assert_max_num_queries
):
    with django_assert_max_num_queries(60):
        selectors.dashboard(user=editor, filters=DashboardFilter(period=365))


def test_filters_from_a_query_string_drop_what_does_not_parse():
    f = DashboardFilter.from_params({"product": " orbit ", "period": "12", "team": ""})
    assert f == DashboardFilter(product="orbit") and f.as_dict() == {"product": "orbit"}
    assert DashboardFilter.from_params({"period": "365"}).as_dict() == {"period": 365}
