"""The demo tells the same story whatever the date and time it is loaded at.

The demo replays a year of history backwards from the day it is loaded. Each case below
freezes the clock at a date where calendars are awkward (month ends, a leap day, New Year's
Eve late at night in UTC, a year from now) and checks the facts the demo tour relies on,
surveys and research included.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from wavelength.accounts.models import User
from wavelength.catalog import gates, selectors
from wavelength.catalog.demo import DEMO_EMAIL, build_demo, story_end
from wavelength.catalog.models import Feature, Product, Release, ReleaseStatus, Stage
from wavelength.conversations.models import Comment
from wavelength.knowledge.models import Page
from wavelength.meetings.models import ActionItem, Decision, MeetingSeries
from wavelength.processes.selectors import overdue_steps
from wavelength.research import selectors as research
from wavelength.research.models import Competitor, Highlight, Persona, Study, Survey
from wavelength.training.models import Assignment, Attempt, Course, Grant

UTC = dt.UTC
DATES = [
    dt.datetime(2027, 2, 28, 23, 30, tzinfo=UTC),  # a month's last day, late at night
    dt.datetime(2028, 2, 29, 8, 0, tzinfo=UTC),  # a leap day, early morning
    dt.datetime(2026, 12, 31, 23, 45, tzinfo=UTC),  # New Year's Eve, late at night
    dt.datetime(2027, 4, 30, 17, 59, tzinfo=UTC),  # a minute before the story's daily end
    dt.datetime(2027, 8, 1, 18, 0, tzinfo=UTC),  # a Sunday, at the story's daily end
    (timezone.now() + dt.timedelta(days=365)).replace(microsecond=0),  # a year from now
]


@pytest.mark.parametrize("when", DATES, ids=lambda d: d.strftime("%Y-%m-%d_%H%M"))
@pytest.mark.django_db
def test_demo_keeps_its_promises_on_any_date(when):
    with time_machine.travel(when, tick=True):
        assert build_demo()["created"] is True
        today = timezone.now().date()
        admin = User.objects.get(email=DEMO_EMAIL)

        # Every stage has features; shipped releases are in the past, planned ones ahead.
        assert set(Feature.objects.values_list("stage", flat=True)) == set(Stage.values)
        for release in Release.objects.all():
            if release.status == ReleaseStatus.RELEASED:
                assert release.released_on <= today, release
            elif release.status != ReleaseStatus.CANCELLED:
                assert release.target_date > today, release

        # "What changed this week" on the home page.
        week = selectors.recent_changes(user=admin, since=timezone.now() - dt.timedelta(days=7))
        assert week.count() >= 10

        # A page outdated by its feature, and one overdue for review.
        assert Page.objects.filter(stale_since__isnull=False).exists()
        assert Page.objects.filter(review_due_on__lt=today).exists()

        # Overdue playbook steps.
        assert overdue_steps(user=admin).exists()

        # A release in flight blocked by its product's strict quality gate.
        strict = Product.objects.get(quality_gate__min_pass_rate=95)
        in_flight = strict.releases.filter(
            status__in=[ReleaseStatus.PLANNED, ReleaseStatus.IN_PROGRESS]
        )
        assert any(not gates.passes(gates.evaluate(r)) for r in in_flight)

        # Conversations on features, a page, a defect and a company, replies after what they
        # answer.
        kinds = set(Comment.objects.values_list("kind", flat=True))
        assert {"feature", "page", "defect", "company"} <= kinds
        for reply in Comment.objects.filter(parent__isnull=False).select_related("parent"):
            assert reply.parent.created_at <= reply.created_at <= timezone.now()
        # Two meeting series with past meetings, a decision on a feature, overdue action items
        # and the next sync's agenda ready.
        assert MeetingSeries.objects.count() == 2
        assert Decision.objects.filter(features__isnull=False).exists()
        assert ActionItem.objects.overdue(today).exists()
        sync = MeetingSeries.objects.get(name="Weekly product sync")
        following = sync.occurrences.filter(starts_at__gt=timezone.now()).first()
        assert following.items.filter(kind="actions").exists()
        # Training: courses assigned across teams, some overdue; attempts failed and passed; a
        # yearly certification whose holder was asked to renew.
        assert Course.objects.filter(status="published").count() >= 2
        assert Assignment.objects.overdue(today).exists()
        assert Assignment.objects.filter(completed_at__isnull=False).exists()
        assert {True, False} <= set(Attempt.objects.values_list("passed", flat=True))
        assert Grant.objects.filter(warned_at__isnull=False).exists()
        _research_story(admin)


def _research_story(reader):
    """Surveys: a quarterly NPS answered every quarter of the past year, and a CSAT after a
    shipped feature shown as that feature's measured outcome. The repository: interview
    highlights counted as evidence of the features they name, two personas, three competitors
    each named in feedback, a release's follow-ups."""
    nps = Survey.objects.get(title="Quarterly NPS")
    results = research.results(user=reader, survey=nps)
    assert results.responses > 200 and results.nps.n == results.responses
    assert len(results.trend) >= 11  # a year of months
    assert 30 < results.response_rate < 70
    assert {r["segment"] for r in results.segments} >= {"enterprise", "smb"}
    csat = Survey.objects.get(feature__isnull=False, release=None)
    assert csat.follow_up_sent_at is not None and csat.feature.stage == "generally_available"
    outcome = research.feature_outcome(user=reader, feature=csat.feature)
    assert outcome[0]["n"] > 5 and 3 < outcome[0]["average"] <= 5

    study = Study.objects.get(title="Why the weekly review takes so long")
    assert study.notes.count() == 3 and study.participants.count() == 4
    linked = Highlight.objects.filter(note__study=study, feedback__links__isnull=False)
    assert linked.count() >= 6
    feature = linked.first().feedback.links.first().feature
    assert research.feature_research(user=reader, feature=feature)
    assert Persona.objects.count() == 2
    for competitor in Competitor.objects.all():
        assert len(research.competitor_mentions(user=reader, competitor=competitor)) >= 2
    scheduled = Survey.objects.filter(release__isnull=False)
    assert scheduled.exists() and all(s.follow_up_days == 14 for s in scheduled)


def test_the_story_ends_at_the_last_six_pm_utc():
    assert story_end(dt.datetime(2027, 3, 1, 17, 59, tzinfo=UTC)) == dt.datetime(
        2027, 2, 28, 18, 0, tzinfo=UTC
    )
    assert story_end(dt.datetime(2027, 3, 1, 18, 0, tzinfo=UTC)) == dt.datetime(
        2027, 3, 1, 18, 0, tzinfo=UTC
    )
    paris = dt.timezone(dt.timedelta(hours=1))
    assert story_end(dt.datetime(2027, 1, 1, 0, 30, tzinfo=paris)) == dt.datetime(
        2026, 12, 31, 18, 0, tzinfo=UTC
    )
