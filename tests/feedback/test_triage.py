"""Triage intelligence in the workspace: predictions on arrival, learning from corrections,
suggested features and likely duplicates on every door."""

import pytest
from django.urls import reverse

from tests.api.conftest import bearer_client
from wavelength import intelligence
from wavelength.feedback import services, triage
from wavelength.feedback.models import Feedback, TriageModel

pytestmark = pytest.mark.django_db

BUGS = [
    "The app crashes when I open the settings page",
    "Error 500 every time I upload a file",
    "Export button is broken, nothing happens",
    "Login fails with a blank screen since the update",
    "The dashboard does not load, it keeps spinning",
    "Sync stopped working and data is missing",
]
REQUESTS = [
    "Please add a dark mode to the dashboard",
    "It would be great to export reports to PDF",
    "Could you add single sign-on with Okta",
    "We need an API endpoint to list invoices",
    "Add a way to schedule reports every Monday",
    "I wish we could tag customers in bulk",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    triage._cache.clear()
    yield
    triage._cache.clear()


def test_new_feedback_is_triaged_on_arrival(editor):
    item = services.feedback_create(actor=editor, text="L'application plante à chaque export.")
    assert item.language == "fr"
    assert item.type and item.type_confidence is not None
    assert item.sentiment == "negative"


def test_given_fields_are_kept(editor):
    item = services.feedback_create(
        actor=editor, text="Please add dark mode", type="praise", sentiment="neutral", language="de"
    )
    assert (item.type, item.sentiment, item.language, item.type_confidence) == (
        "praise", "neutral", "de", None,
    )  # fmt: skip


def test_bulk_items_are_triaged_in_one_batch(editor):
    result = services.feedback_bulk_create(
        actor=editor,
        items=[{"text": "Please add a dark mode"}, {"text": "It crashes", "type": "bug"}],
    )
    first, second = result["created"]
    assert first.type and first.type_confidence is not None
    assert (second.type, second.type_confidence) == ("bug", None)


def test_a_correction_is_a_decision_and_retrains(editor, django_capture_on_commit_callbacks):
    item = services.feedback_create(actor=editor, text="Please add a dark mode")
    with django_capture_on_commit_callbacks(execute=True):
        item = services.feedback_update(actor=editor, feedback=item, type="feature_request")
    assert item.type_confidence is None
    assert TriageModel.objects.count() == 1


def test_retrain_learns_the_workspace_labels(editor):
    for n in range(3):
        for text in BUGS:
            services.feedback_create(actor=editor, text=f"{text} ({n})", type="bug")
        for text in REQUESTS:
            services.feedback_create(actor=editor, text=f"{text} ({n})", type="feature_request")
    model = triage.retrain()
    assert model.trained and model.examples == 36
    item = services.feedback_create(actor=editor, text="The upload page crashes with an error")
    assert item.type == "bug" and item.type_confidence > 0.5


def test_retrain_without_enough_decisions_keeps_the_rules(editor):
    services.feedback_create(actor=editor, text="It crashes", type="bug")
    model = triage.retrain()
    assert not model.trained and model.examples == 1
    assert services.feedback_create(actor=editor, text="Please add dark mode").type


def test_suggested_features_rank_the_matching_one_first(editor, feature, other_feature):
    item = services.feedback_create(actor=editor, text="Can we export the table to a CSV file?")
    suggested = triage.suggested_features(item)
    assert suggested[0].feature == feature
    services.feedback_link(actor=editor, feedback=item, feature=feature)
    assert feature not in [s.feature for s in triage.suggested_features(item)]


def test_likely_duplicates_find_the_rephrasing(editor):
    first = services.feedback_create(actor=editor, text="Exporting the dashboard to CSV fails")
    services.feedback_create(actor=editor, text="Please add single sign-on with Okta")
    again = services.feedback_create(actor=editor, text="Export of the dashboard to CSV fails!")
    found = triage.likely_duplicates(again)
    assert found and found[0].feedback == first
    assert again not in [d.feedback for d in found]


def test_item_page_shows_suggestions_and_confidence(editor_client, editor, feature):
    item = services.feedback_create(actor=editor, text="Export to CSV please, every week")
    html = editor_client.get(item.get_absolute_url()).content.decode()
    assert "Suggested features" in html and feature.title in html
    assert "suggested by the triage model" in html
    assert "Likely duplicates" in html


def test_item_page_says_why_a_label_was_chosen(editor_client, editor):
    item = services.feedback_create(
        actor=editor, text="The app crashes on every export. Unacceptable."
    )
    confidence = round(item.type_confidence * 100)
    html = editor_client.get(item.get_absolute_url()).content.decode()
    kind = item.get_type_display()
    assert f"Type “{kind}” suggested by the triage model ({confidence}% sure)" in html
    assert "learnt from Wavelength’s own examples" in html
    assert "Sentiment “Negative” from the triage model" in html
    assert "Telling words:" in html and "<q>crashes</q>" in html


def test_item_page_names_the_rules_when_they_decided(editor_client, editor, monkeypatch):
    monkeypatch.setattr(intelligence.TriageEngine, "shipped", classmethod(lambda cls: cls()))
    item = services.feedback_create(actor=editor, text="The app crashes on every export.")
    html = editor_client.get(item.get_absolute_url()).content.decode()
    assert "“Bug” suggested by the built-in rules" in html and "<q>crashes</q>" in html
    assert "from the built-in word list" in html


def test_a_decided_type_needs_no_reason(editor_client, editor):
    item = services.feedback_create(actor=editor, text="It crashes", type="bug")
    html = editor_client.get(item.get_absolute_url()).content.decode()
    assert "Telling words" not in html and "suggested by" not in html


def test_viewer_sees_why_too(viewer_client, editor):
    item = services.feedback_create(actor=editor, text="Love the new dark mode!")
    html = viewer_client.get(item.get_absolute_url()).content.decode()
    assert "“Praise” suggested by the triage model" in html


def test_viewer_sees_suggestions_without_link_buttons(viewer_client, editor, feature):
    item = services.feedback_create(actor=editor, text="Export to CSV please")
    html = viewer_client.get(item.get_absolute_url()).content.decode()
    assert feature.title in html and ">Link</button>" not in html


def test_suggestions_api(editor, viewer, feature):
    item = services.feedback_create(actor=editor, text="Export to CSV please")
    twin = services.feedback_create(actor=editor, text="Export to CSV, please!")
    url = reverse("api:feedback-suggestions", args=[item.pk])
    body = bearer_client(viewer).get(url).json()
    assert body["features"][0]["id"] == feature.pk
    assert body["duplicates"][0]["id"] == twin.pk
    assert (
        bearer_client(viewer).get(reverse("api:feedback-suggestions", args=[999])).status_code
        == 404
    )


def test_stored_engine_of_another_version_falls_back_to_rules(editor):
    TriageModel.objects.create(data=b"not an engine", examples=0)
    item = services.feedback_create(actor=editor, text="Please add a dark mode")
    assert item.type and Feedback.objects.count() == 1


def test_the_reason_reads_in_french(editor_client, editor):
    item = services.feedback_create(actor=editor, text="L'application plante à chaque export.")
    html = editor_client.get(item.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "suggéré par le modèle de tri" in html and "Mots révélateurs\u00a0:" in html
