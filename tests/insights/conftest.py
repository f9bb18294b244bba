"""Insights fixtures: a frozen clock and a small company whose every figure is known by hand.

The period is the default (the last 90 days to Wednesday 13 May 2026); ``world`` holds what
each figure should count, made straight in the models so the dashboard is checked against
data no insights code wrote.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from tests.conftest import client_for
from tests.factories import FeatureFactory, ReleaseFactory
from wavelength.catalog.models import ReleaseStatus, Stage, StageEntry
from wavelength.core import clock
from wavelength.feedback.models import Company, Feedback, FeedbackLink
from wavelength.knowledge.models import Page, PageLink, Space, SpaceVisibility
from wavelength.quality.models import Defect, DefectLink
from wavelength.research.models import Question, Response, Survey
from wavelength.training.models import Assignment, Course

NOW = dt.datetime(2026, 5, 13, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def days_ago(n: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=n), dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def now(db):
    with time_machine.travel(NOW, tick=False), clock.travel(NOW):
        yield NOW


@pytest.fixture
def admin_client(admin):
    return client_for(admin)


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


@pytest.fixture
def viewer_client(viewer):
    return client_for(viewer)


@pytest.fixture
def outsider_client(outsider):
    return client_for(outsider)


def feedback(text, *, days, source="web", sentiment="", company=None, feature=None):
    item = Feedback.objects.create(text=text, source=source, sentiment=sentiment,
                                   company=company, received_at=days_ago(days))  # fmt: skip
    if feature is not None:
        FeedbackLink.objects.create(feedback=item, feature=feature)
    return item


@pytest.fixture
def world(now, product, product_team, other_team, editor, viewer, outsider, admin):
    """Two features of the product team, feedback, releases, defects, pages, training and
    an NPS survey, with what the dashboard must find."""
    from tests.factories import ProductFactory

    other_product = ProductFactory(name="Relay", slug="relay")
    acme = Company.objects.create(name="Acme", segment="enterprise", arr=500_000)
    tiny = Company.objects.create(name="Tiny", segment="startup", arr=10_000)
    offline = FeatureFactory(product=product, title="Offline mode", owner_team=product_team,
                             stage=Stage.GENERALLY_AVAILABLE)  # fmt: skip
    export = FeatureFactory(product=product, title="CSV export", owner_team=other_team,
                            stage=Stage.PLANNED)  # fmt: skip
    elsewhere = FeatureFactory(product=other_product, title="Webhooks", stage=Stage.BETA)
    # Feedback: five in the period (three linked to the product), one too old.
    feedback("Offline please", days=80, source="support", sentiment="negative", company=acme,
             feature=offline)  # fmt: skip
    feedback("Offline again", days=10, source="portal", sentiment="negative", company=tiny,
             feature=offline)  # fmt: skip
    feedback("Export to CSV", days=5, source="portal", sentiment="positive", company=acme,
             feature=export)  # fmt: skip
    feedback("Webhooks!", days=3, source="email", sentiment="neutral", feature=elsewhere)
    feedback("Nice app", days=1, source="web")
    feedback("Old request", days=200, source="web", company=acme, feature=offline)
    # The lifecycle of the feature that reached general availability 20 days ago.
    for stage, ago in [("idea", 300), ("planned", 120), ("in_development", 60),
                       ("generally_available", 20)]:  # fmt: skip
        StageEntry.objects.create(feature=offline, stage=stage, entered_at=days_ago(ago))
    # Releases: one on time, one late, one open and late, one shipped before the period.
    on_time = ReleaseFactory(product=product, version="1.0", status=ReleaseStatus.RELEASED,
                             target_date=TODAY - dt.timedelta(days=30),
                             released_on=TODAY - dt.timedelta(days=31))  # fmt: skip
    late = ReleaseFactory(product=product, version="1.1", status=ReleaseStatus.RELEASED,
                          target_date=TODAY - dt.timedelta(days=20),
                          released_on=TODAY - dt.timedelta(days=15))  # fmt: skip
    late.features.add(offline)
    open_late = ReleaseFactory(product=other_product, version="2.0",
                               target_date=TODAY - dt.timedelta(days=2))  # fmt: skip
    ReleaseFactory(product=product, version="0.9", status=ReleaseStatus.RELEASED,
                   target_date=TODAY - dt.timedelta(days=200),
                   released_on=TODAY - dt.timedelta(days=200))  # fmt: skip
    # Defects: two open (one major reported by a customer), one fixed.
    major = Defect.objects.create(product=product, title="Crash on sync", severity="major")
    major.features.add(offline)
    fb_type = ContentType.objects.get_by_natural_key("feedback", "feedback")
    first = Feedback.objects.first().pk
    DefectLink.objects.create(defect=major, target_type=fb_type, target_id=first,
                              target_repr="Offline")  # fmt: skip
    Defect.objects.create(product=other_product, title="Typo", severity="trivial")
    Defect.objects.create(product=product, title="Fixed one", severity="critical",
                          status="fixed", resolved_at=days_ago(3))  # fmt: skip
    # Knowledge: an open space and a space for the sales team only.
    open_space = Space.objects.create(name="Handbook", slug="handbook")
    sales_space = Space.objects.create(name="Deals", slug="deals",
                                       visibility=SpaceVisibility.TEAMS)  # fmt: skip
    sales_space.teams.add(other_team)
    yesterday = TODAY - dt.timedelta(days=1)
    stale = Page.objects.create(space=open_space, title="Offline guide", slug="offline-guide",
                                owner=editor, review_due_on=yesterday)  # fmt: skip
    PageLink.objects.create(page=stale, kind="feature", target_id=offline.pk, key=offline.title)
    Page.objects.create(space=open_space, title="No owner", slug="no-owner",
                        review_due_on=TODAY + dt.timedelta(days=30))  # fmt: skip
    Page.objects.create(space=sales_space, title="Secret pricing", slug="pricing",
                        review_due_on=TODAY - dt.timedelta(days=5))  # fmt: skip
    # Training: the viewer's own assignments (one done, one overdue) and the outsider's.
    course = Course.objects.create(title="Offline mode for support", owner=admin,
                                   status="published")  # fmt: skip
    course.features.add(offline)
    other_course = Course.objects.create(title="Selling", owner=admin, status="published")
    Assignment.objects.create(course=course, user=viewer, due_on=TODAY + dt.timedelta(days=5),
                              completed_at=days_ago(2))  # fmt: skip
    Assignment.objects.create(course=other_course, user=viewer,
                              due_on=TODAY - dt.timedelta(days=1))  # fmt: skip
    Assignment.objects.create(course=course, user=outsider, due_on=TODAY + dt.timedelta(days=9))
    # An NPS survey: 10, 10, 9, 7, 0 in the period (NPS 40), one answer before it.
    survey = Survey.objects.create(title="Quarterly NPS", product=product, status="open")
    Question.objects.create(survey=survey, position=1, kind="nps", text="Recommend us?")
    for score, ago in [(10, 3), (10, 40), (9, 41), (7, 70), (0, 85), (2, 150)]:
        at = days_ago(ago)
        Response.objects.create(survey=survey, score=score, submitted_at=at,
                                month=at.date().replace(day=1))  # fmt: skip
    return {
        "offline": offline, "export": export, "elsewhere": elsewhere, "acme": acme,
        "on_time": on_time, "late": late, "open_late": open_late, "major": major,
        "stale": stale, "course": course, "survey": survey, "other_product": other_product,
    }  # fmt: skip
