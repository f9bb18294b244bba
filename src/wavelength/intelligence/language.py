"""Language detection from stopwords and accented letters: English, French, Spanish, German."""

from .lexicons import FRENCH_MARKS, LANGUAGE_HINTS, STOPWORDS
from .text import tokens

UNDETERMINED = "und"
_MIN_TOKENS = 2
# Which languages each word counts for (a stopword or a hint): one look-up per word.
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _lang, _stop in STOPWORDS.items():
    for _word in _stop | LANGUAGE_HINTS.get(_lang, frozenset()):
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _lang)


def detect_language(text: str) -> tuple[str, float]:
    """Return an ISO 639-1 code and a confidence in [0, 1]; ``"und"`` when unsure.

    Each language scores the words that are its stopwords or frequent feedback words; French
    also scores its accented letters, which tell short French text from English.
    """
    words = tokens(text)
    if len(words) < _MIN_TOKENS:
        return UNDETERMINED, 0.0
    scores = dict.fromkeys(STOPWORDS, 0)
    for word in words:
        for lang in _LANGUAGES_OF.get(word, ()):
            scores[lang] += 1
    if not text.isascii():  # the marks are all accented letters
        scores["fr"] += min(3, sum(c in FRENCH_MARKS for c in text.lower()))
    total = sum(scores.values())
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    if scores[best] == 0:
        return UNDETERMINED, 0.0
    share = scores[best] / total
    coverage = min(1.0, scores[best] / max(2.0, len(words) * 0.25))
    return best, round(share * coverage, 3)
