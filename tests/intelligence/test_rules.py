import pytest

from wavelength.intelligence import TriageEngine, lexicon_sentiment, rule_type


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The app crashes every time I open a PDF", "bug"),
        ("L'application plante à chaque ouverture d'un PDF", "bug"),
        ("Login doesn't work anymore", "bug"),
        ("La synchronisation ne marche plus", "bug"),
        ("Please add a dark mode", "feature_request"),
        ("Ce serait génial d'avoir un mode sombre", "feature_request"),
        ("Search could be faster and simpler", "improvement"),
        ("La recherche devrait être plus rapide", "improvement"),
        ("How do I export my data", "question"),
        ("Comment exporter mes données ?", "question"),
        ("Love it, thank you so much", "praise"),
        ("J'adore, bravo à l'équipe", "praise"),
        ("Terrible service, I want a refund", "complaint"),
        ("Inacceptable, je demande un remboursement", "complaint"),
    ],
)
def test_default_type_rules_in_english_and_french(text, expected):
    label, confidence = rule_type(text)
    assert label == expected
    assert 0 < confidence <= 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I love this app, it is fast and reliable", "positive"),
        ("J'adore cette application, elle est rapide et fiable", "positive"),
        ("This is terrible, it crashes all the time", "negative"),
        ("C'est horrible, ça plante tout le temps", "negative"),
        ("The report lists the invoices of March", "neutral"),
        ("Le rapport liste les factures de mars", "neutral"),
    ],
)
def test_default_sentiment_in_english_and_french(text, expected):
    assert lexicon_sentiment(text)[0] == expected


@pytest.mark.parametrize(
    "text", ["This is not good", "It doesn't work", "Ce n'est pas bon", "Je n'aime pas du tout"]
)
def test_negation_turns_sentiment_negative(text):
    label, score = lexicon_sentiment(text)
    assert label == "negative"
    assert score < 0


def test_untrained_engine_triages_with_the_rules():
    result = TriageEngine().triage("L'application plante au démarrage, c'est horrible")
    assert (result.language, result.type, result.sentiment) == ("fr", "bug", "negative")
    assert result.sentiment_score < 0
