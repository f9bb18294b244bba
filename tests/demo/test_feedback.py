"""The demo's customers and feedback: built once with the catalog demo, through the services."""

import pytest

from wavelength.accounts.models import User
from wavelength.catalog.demo import build_demo
from wavelength.feedback import selectors
from wavelength.feedback.demo import build_feedback_demo
from wavelength.feedback.models import Company, Feedback, FeedbackLink, Source, Status, TriageModel
from wavelength.prioritisation.models import FeatureScore

pytestmark = pytest.mark.django_db


def test_demo_has_customers_and_feedback_in_two_languages(demo):
    assert Company.objects.count() == 200
    # The feedback demo's own items (the surveys' demo adds their open-text answers, the
    # research demo its highlights linked to features and mentions of competitors).
    own = (
        Feedback.objects.exclude(external_id__startswith="survey:")
        .exclude(external_id__startswith="research:")
        .exclude(source="research")
    )
    assert own.count() == 1500
    assert set(Feedback.objects.values_list("source", flat=True)) == set(Source.values)
    assert set(Feedback.objects.values_list("status", flat=True)) == set(Status.values)
    french = Feedback.objects.filter(language="fr").count()
    assert 300 < french < 600
    quoted = FeedbackLink.objects.exclude(quote="").select_related("feedback")
    assert quoted.count() > 200
    assert all(
        link.feedback.text[link.quote_start : link.quote_end] == link.quote for link in quoted
    )
    viewer = User.objects.get(email="demo@wavelength.local")
    demand = selectors.feature_demand(user=viewer, feature=FeedbackLink.objects.first().feature)
    assert demand.feedback_count > 0 and demand.revenue > 0
    assert FeatureScore.objects.count() > 15  # the prioritisation table ranks something
    assert TriageModel.objects.get().trained  # learnt from the demo's triage decisions
    # Running it again adds nothing.
    assert build_feedback_demo() == {"created": False}
    assert build_demo()["created"] is False
    assert own.count() == 1500
