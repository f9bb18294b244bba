"""The demo's surveys tell their story on any date: a quarterly NPS answered every quarter of
the past year, and a CSAT after a shipped feature shown as that feature's measured outcome."""

import datetime as dt

import pytest
import time_machine

from wavelength.accounts.models import User
from wavelength.catalog.demo import DEMO_EMAIL, build_demo
from wavelength.research import selectors
from wavelength.research.models import Competitor, Highlight, Persona, Study, Survey


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
        csat = Survey.objects.get(feature__isnull=False, release=None)
        assert csat.follow_up_sent_at is not None and csat.feature.stage == "generally_available"
        outcome = selectors.feature_outcome(user=reader, feature=csat.feature)
        assert outcome[0]["n"] > 5 and 3 < outcome[0]["average"] <= 5
        _repository_story(reader)


def _repository_story(reader):
    """The repository: interview highlights counted as evidence of the features they name,
    two personas, three competitors each named in feedback, a release's follow-ups."""
    study = Study.objects.get(title="Why the weekly review takes so long")
    assert study.notes.count() == 3 and study.participants.count() == 4
    linked = Highlight.objects.filter(note__study=study, feedback__links__isnull=False)
    assert linked.count() >= 6
    feature = linked.first().feedback.links.first().feature
    assert selectors.feature_research(user=reader, feature=feature)
    assert Persona.objects.count() == 2
    for competitor in Competitor.objects.all():
        assert len(selectors.competitor_mentions(user=reader, competitor=competitor)) >= 2
    scheduled = Survey.objects.filter(release__isnull=False)
    assert scheduled.exists() and all(s.follow_up_days == 14 for s in scheduled)
