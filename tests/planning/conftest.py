import datetime as dt

import pytest

from tests.factories import FeatureFactory, ReleaseFactory
from wavelength.catalog.models import ReleaseStatus, Stage
from wavelength.core import clock
from wavelength.planning import services

NOW = dt.datetime(2026, 5, 12, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture
def now():
    with clock.travel(NOW):
        yield NOW


@pytest.fixture
def releases(now, product):
    """A late one (target passed, still planned), a next one, and a shipped one."""
    return {
        "late": ReleaseFactory(product=product, version="2.0", target_date=dt.date(2026, 5, 1)),
        "next": ReleaseFactory(product=product, version="2.1", target_date=dt.date(2026, 6, 30),
                               status=ReleaseStatus.IN_PROGRESS),  # fmt: skip
        "shipped": ReleaseFactory(product=product, version="1.9", target_date=dt.date(2026, 4, 1),
                                  status=ReleaseStatus.RELEASED, released_on=dt.date(2026, 4, 1)),
    }  # fmt: skip


@pytest.fixture
def feature(now, product, product_team):
    return FeatureFactory(product=product, title="Offline mode", stage=Stage.PLANNED,
                          owner_team=product_team)  # fmt: skip


def make_objective(actor, *, product=None, features=(), **kwargs):
    data = services.ObjectiveData(
        title=kwargs.pop("title", "Win enterprise accounts"),
        owner=kwargs.pop("owner", actor),
        period_start=kwargs.pop("period_start", dt.date(2026, 4, 1)),
        period_end=kwargs.pop("period_end", dt.date(2026, 6, 30)),
        product=product,
        features=list(features),
        **kwargs,
    )
    return services.objective_create(actor=actor, data=data)


@pytest.fixture
def objective(now, editor, product, feature):
    return make_objective(editor, product=product, features=[feature])
