"""On the demo (a year of a company's history), every figure of the dashboard agrees with the
list it links to and with a direct computation over the models, for every filter."""

import datetime as dt
import re

import pytest
import time_machine
from django.db.models import F
from django.urls import reverse

from tests.conftest import client_for
from wavelength.accounts.models import User
from wavelength.catalog.demo import DEMO_EMAIL, build_demo
from wavelength.catalog.models import Feature, Product, Release
from wavelength.feedback.models import Feedback, FeedbackLink
from wavelength.insights import lists, selectors
from wavelength.insights.models import ReportSubscription, SavedView, WeeklyReport
from wavelength.insights.scopes import DashboardFilter
from wavelength.quality.models import Defect

NOW = dt.datetime(2027, 2, 24, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def demo(db):
    with time_machine.travel(NOW, tick=False):
        build_demo()
        yield User.objects.get(email=DEMO_EMAIL)


def _agree(user, f: DashboardFilter) -> int:
    """Every counter of the dashboard equals the count of the list it links to."""
    board = selectors.dashboard(user=user, filters=f)
    checked = 0
    for figure in board.figures:
        for counter in figure.counters:
            if not counter.counts:
                continue
            rows = lists.figure_rows(user=user, key=counter.list, filters=f,
                                     params=counter.params)  # fmt: skip
            assert rows.count() == counter.value, (figure.key, counter.label, f)
            checked += 1
    return checked


def _every_counter_agrees_with_its_list_for_every_filter(demo):
    product = Product.objects.order_by("pk").first()
    team = Feature.objects.exclude(owner_team=None).first().owner_team
    checked = 0
    for f in [
        DashboardFilter(),
        DashboardFilter(period=365),
        DashboardFilter(product=product.slug, period=365),
        DashboardFilter(team=team.slug, period=180),
        DashboardFilter(product=product.slug, team=team.slug, period=30),
    ]:
        checked += _agree(demo, f)
    assert checked > 60


def _figures_match_a_direct_computation(demo):
    f = DashboardFilter(period=365)
    board = selectors.dashboard(user=demo, filters=f)
    start, end = f.window()
    received = Feedback.objects.filter(received_at__range=(start, end))
    channel = board.figure("feedback-channel")
    assert sum(c.value for c in channel.counters) == received.count() > 50
    for counter in channel.counters:
        assert counter.value == received.filter(source=counter.params["source"]).count()
    # Every channel's chart series sums to its counter.
    for series, counter in zip(channel.chart["datasets"], channel.counters, strict=True):
        assert sum(series["values"]) == counter.value
    shipped = Release.objects.filter(status="released", released_on__range=(f.since, f.until))
    late = shipped.filter(released_on__gt=F("target_date")).count()
    releases = board.figure("releases")
    assert releases.chart["values"][:2] == [shipped.count() - late, late]
    open_defects = Defect.objects.exclude(status__in=["fixed", "closed", "wont_fix", "duplicate"])
    defects = board.figure("defects")
    assert sum(defects.chart["values"]) == Defect.objects.unresolved().count()
    assert Defect.objects.unresolved().count() <= open_defects.count()
    surveys = board.figure("surveys")
    assert surveys.counters[1].value > 10  # the quarterly NPS answered over the year
    assert -100 <= surveys.counters[0].value <= 100


def _product_filter_counts_only_feedback_linked_to_its_features(demo):
    product = Product.objects.order_by("pk").first()
    f = DashboardFilter(product=product.slug, period=365)
    start, end = f.window()
    linked = FeedbackLink.objects.filter(feature__product=product).values("feedback_id")
    expected = Feedback.objects.filter(pk__in=linked, received_at__range=(start, end)).count()
    channel = selectors.figure("feedback-channel", f, user=demo)
    assert sum(c.value for c in channel.counters) == expected


def _every_page_renders_on_the_demo(demo):
    client = client_for(demo)
    html = client.get(reverse("insights:dashboard") + "?period=365").content.decode()
    for key in selectors.FIGURES:
        assert f'id="figure-{key}"' in html
    links = set(re.findall(r'href="(/insights/lists/[^"]+)"', html))
    assert len(links) > 20
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
    for key in selectors.FIGURES:
        response = client.get(reverse("insights:figure-export", args=[key]) + "?period=365")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).decode().startswith("\ufeffLabel")
    feature = Feature.objects.filter(releases__status="released").first()
    html = client.get(reverse("insights:feature-trace", args=[feature.pk])).content.decode()
    assert feature.title in html and "Measured outcome" in html
    assert client.get(reverse("insights:view-list")).status_code == 200
    assert client.get(reverse("insights:report-list")).status_code == 200


def _demo_has_views_a_subscription_and_four_weekly_reports(demo):
    assert SavedView.objects.filter(owner=demo).count() == 3
    assert SavedView.objects.filter(team__isnull=False).exists()
    assert ReportSubscription.objects.get(user=demo).active
    reports = list(WeeklyReport.objects.filter(user=demo).order_by("week_start"))
    assert len(reports) == 4 and all(r.week_start.weekday() == 0 for r in reports)
    assert reports[-1].week_start == dt.date(2027, 2, 15)
    keys = [fig["key"] for fig in reports[-1].figures["figures"]]
    assert keys == list(selectors.FIGURES)


def test_the_dashboard_on_the_demo(demo):
    """One demo (it takes a while to build) for every check."""
    _every_counter_agrees_with_its_list_for_every_filter(demo)
    _figures_match_a_direct_computation(demo)
    _product_filter_counts_only_feedback_linked_to_its_features(demo)
    _every_page_renders_on_the_demo(demo)
    _demo_has_views_a_subscription_and_four_weekly_reports(demo)
