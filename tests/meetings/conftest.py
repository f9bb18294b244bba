import datetime as dt

import pytest

from wavelength.core import clock
from wavelength.meetings import recurrence, services

# A Monday in winter (Paris is UTC+1), before the change to summer time on 2026-03-29.
NOW = dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.UTC)


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
