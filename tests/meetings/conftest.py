import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import FeatureFactory, ReleaseFactory
from wavelength.catalog import services as catalog
from wavelength.core import clock
from wavelength.feedback.models import Company, Feedback, FeedbackLink
from wavelength.knowledge.models import Page, PageLink, Space, SpaceVisibility
from wavelength.meetings import recurrence, services
from wavelength.quality.models import Defect

# A Monday in winter (Paris is UTC+1), before the change to summer time on 2026-03-29.
NOW = dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.UTC)
WEEK_AGO = NOW - dt.timedelta(days=7)


@pytest.fixture
def now():
    with clock.travel(NOW):
        yield NOW


def make_series(actor, *, products=(), attendees=(), **kwargs):
    data = services.SeriesData(
        name=kwargs.pop("name", "Product sync"),
        owner=kwargs.pop("owner", actor),
        start_date=kwargs.pop("start_date", dt.date(2026, 3, 2)),
        start_time=kwargs.pop("start_time", dt.time(10, 0)),
        rrule=kwargs.pop("rrule", recurrence.weekly(weekday=0)),
        time_zone=kwargs.pop("time_zone", "Europe/Paris"),
        products=list(products),
        attendees=list(attendees),
        **kwargs,
    )
    return services.series_create(actor=actor, data=data)


@pytest.fixture
def series(now, editor, viewer, product):
    return make_series(editor, products=[product], attendees=[viewer])


@pytest.fixture
def world(db, editor, product, other_team):
    """Between last Monday's meeting and this one: feedback from two companies, a feature that
    moved, a release due next week, a critical defect and a stale page only Sales may read."""
    feature = FeatureFactory(product=product, title="Dark mode", stage="idea")
    elsewhere = FeatureFactory(title="Other product's feature")
    with clock.travel(WEEK_AGO + dt.timedelta(days=1)):
        catalog.feature_move_stage(actor=editor, feature=feature, stage="discovery")
        for name, arr in (("Small Co", 1_000), ("Big Co", 900_000)):
            company = Company.objects.create(name=name, arr=Decimal(arr))
            item = Feedback.objects.create(text=f"{name} wants dark mode", company=company)
            FeedbackLink.objects.create(feedback=item, feature=feature)
        other = Feedback.objects.create(text="Not ours", company=company)
        FeedbackLink.objects.create(feedback=other, feature=elsewhere)
    ReleaseFactory(product=product, version="2.0", target_date=NOW.date() + dt.timedelta(days=7))
    ReleaseFactory(product=product, version="3.0", target_date=NOW.date() + dt.timedelta(days=60))
    Defect.objects.create(product=product, title="Data loss on save", severity="critical")
    Defect.objects.create(product=product, title="Typo", severity="minor")
    space = Space.objects.create(name="Sales", slug="sales", visibility=SpaceVisibility.TEAMS)
    space.teams.add(other_team)
    page = Page.objects.create(
        space=space, title="Pricing FAQ", slug="pricing-faq", stale_since=WEEK_AGO
    )
    PageLink.objects.create(page=page, kind="product", target_id=product.pk, key=product.slug)
    return {"feature": feature, "page": page}


@pytest.fixture
def meeting(world, editor, viewer, outsider, product):
    with clock.travel(WEEK_AGO - dt.timedelta(hours=3)):
        series = make_series(
            editor, products=[product], attendees=[viewer, outsider], start_date=dt.date(2026, 3, 9)
        )
    previous, current = series.occurrences.order_by("starts_at")[:2]
    return previous, current
