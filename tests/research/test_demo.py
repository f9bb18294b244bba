"""The demo's surveys tell their story on any date: a quarterly NPS answered every quarter of
the past year, and a CSAT after a shipped feature shown as that feature's measured outcome."""

import datetime as dt

import pytest
import time_machine

from wavelength.accounts.models import User
from wavelength.catalog.demo import DEMO_EMAIL, build_demo
from wavelength.research import selectors
from wavelength.research.models import Survey


@pytest.mark.django_db
def test_demo_has_a_year_of_nps_and_a_csat_after_shipping():
    with time_machine.travel(dt.datetime(2027, 2, 28, 23, 30, tzinfo=dt.UTC), tick=True):
        build_demo()
        reader = User.objects.get(email=DEMO_EMAIL)
        nps = Survey.objects.get(title="Quarterly NPS")
        results = selectors.results(user=reader, survey=nps)
        assert results.responses > 200 and results.nps.n == results.responses
        assert len(results.trend) >= 11  # a year of months
        assert 30 < results.response_rate < 70
        assert {r["segment"] for r in results.segments} >= {"enterprise", "smb"}
        csat = Survey.objects.get(feature__isnull=False)
        assert csat.follow_up_sent_at is not None and csat.feature.stage == "generally_available"
        outcome = selectors.feature_outcome(user=reader, feature=csat.feature)
        assert outcome[0]["n"] > 5 and 3 < outcome[0]["average"] <= 5
