import pytest

from wavelength.intelligence import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "The export button does not work on my phone since the update",
        "Could you add a way to share the roadmap with our customers?",
    ],
)
def test_english_sentences_are_english(text):
    language, confidence = detect_language(text)
    assert language == "en"
    assert confidence > 0.3


@pytest.mark.parametrize(
    "text",
    [
        "Le bouton d'export ne fonctionne plus sur mon téléphone depuis la mise à jour",
        "Pourriez-vous ajouter un moyen de partager la feuille de route avec nos clients ?",
        "Très déçu par la lenteur de l'application",
    ],
)
def test_french_sentences_are_french(text):
    language, confidence = detect_language(text)
    assert language == "fr"
    assert confidence > 0.3


@pytest.mark.parametrize(
    ("text", "expected"), [("Great app, thanks", "en"), ("Merci beaucoup, super appli", "fr")]
)
def test_short_feedback_is_recognised(text, expected):
    assert detect_language(text)[0] == expected


@pytest.mark.parametrize("text", ["", "ok", "👍", "12345"])
def test_too_short_or_unknown_text_is_undetermined(text):
    assert detect_language(text) == ("und", 0.0)
