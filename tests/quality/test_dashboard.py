"""Quality on the feature page and the dashboard: cases with their latest outcome, open
defects, pass rate per release, coverage, defects by severity and those customers reported
after a release shipped."""

import datetime as dt

import pytest
from django.urls import reverse

from wavelength.core import clock
from wavelength.feedback import services as feedback
from wavelength.quality import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def ran(editor, release, case):
    plan = services.plan_create(actor=editor, release=release, name="Smoke", cases=[case])
    run = services.run_create(actor=editor, plan=plan, build="2.0.0")
    return services.result_record(actor=editor, result=run.results.get(), status="failed")


def test_feature_page_shows_cases_last_results_and_open_defects(
    editor, viewer_client, feature, ran
):
    services.defect_from_result(actor=editor, result=ran, severity="critical")
    page = viewer_client.get(feature.get_absolute_url())
    assert page.status_code == 200
    assert "Export a chart" in page.text and "qa-status-failed" in page.text
    assert "Open defects" in page.text and "Fails: Export a chart" in page.text


def test_feature_section_reads_in_a_fixed_number_of_queries(
    editor, viewer, suite, feature, django_assert_max_num_queries
):
    for n in range(10):
        services.case_create(actor=editor, suite=suite, title=f"C{n}", features=[feature])
    with django_assert_max_num_queries(2):
        cases = selectors.feature_cases(user=viewer, feature=feature)
        assert len(cases) == 10 and {c.suite.name for c in cases} == {"Exports"}


def test_dashboard_figures(editor, viewer, product, release, feature, other_feature, ran):
    services.defect_create(actor=editor, product=product, title="Typo", severity="trivial")
    board = selectors.dashboard(user=viewer, product=product)
    assert board.pass_rates["labels"] == ["2.0"] and board.pass_rates["values"] == [0.0]
    assert board.coverage["values"] == [1, 1]  # Export to CSV has a case, SSO has none
    assert [f.title for f in board.uncovered] == ["Single sign-on"]
    assert board.severity["values"] == [0, 0, 0, 1]


def test_dashboard_counts_defects_customers_reported_after_release(
    editor, viewer, product, release
):
    # Shipped on 10 January (set directly: the release gate is not what is tested here).
    release.status, release.released_on = "released", dt.date(2026, 1, 10)
    release.save()
    item = feedback.feedback_create(actor=editor, text="Exports are broken since 2.0")
    with clock.travel(dt.datetime(2026, 1, 20, tzinfo=dt.UTC)):
        late = services.defect_create(actor=editor, product=product, title="Late", release=release)
    services.defect_link(actor=editor, defect=late, kind="feedback", object_id=item.pk)
    with clock.travel(dt.datetime(2026, 1, 5, tzinfo=dt.UTC)):
        early = services.defect_create(
            actor=editor, product=product, title="Early", release=release
        )
    services.defect_link(actor=editor, defect=early, kind="feedback", object_id=item.pk)
    board = selectors.dashboard(user=viewer, product=product)
    assert [d.title for d in board.customer_defects] == ["Late"]
    assert board.after_release["labels"] == ["2.0"] and board.after_release["values"] == [1]


def test_dashboard_page_draws_charts(viewer_client, ran):
    page = viewer_client.get(reverse("quality:dashboard", args=["orbit"]))
    assert page.status_code == 200
    for chart in ("pass-rate-data", "coverage-data", "severity-data"):
        assert f'data-chart="{chart}"' in page.text and f'id="{chart}"' in page.text
