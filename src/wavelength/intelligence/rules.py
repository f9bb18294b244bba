"""The defaults before any training: cue-pattern type rules and a lexicon sentiment.

Both work on accent-folded text with English and French cues, so neither needs to know the
language first.
"""

import functools
import math
import re

from .lexicons import INTENSIFIERS, NEGATORS, SENTIMENT_WORDS, TYPE_PATTERNS
from .text import fold, tokens

TYPES = ("bug", "feature_request", "improvement", "question", "praise", "complaint")
SENTIMENTS = ("negative", "neutral", "positive")
FALLBACK_TYPE = "feature_request"

_COMPILED = {
    label: [(re.compile(pattern), weight) for pattern, weight in patterns]
    for label, patterns in TYPE_PATTERNS.items()
}
# One search tells whether a type has any cue at all; most texts have cues of one or two.
_ANY_CUE = {
    label: re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _weight in patterns))
    for label, patterns in _COMPILED.items()
}
_NEGATION_WINDOW = 3
_NEUTRAL_BAND = 0.15


def rule_type_scores(text: str) -> dict[str, float]:
    """Sum of the weights of the cue patterns found, per type."""
    folded = fold(text).strip()
    return {
        label: sum(weight for pattern, weight in patterns if pattern.search(folded))
        if _ANY_CUE[label].search(folded)
        else 0
        for label, patterns in _COMPILED.items()
    }


def rule_type_cues(text: str, label: str) -> list[str]:
    """The words of ``text`` that matched ``label``'s cue patterns, strongest first."""
    folded = fold(text).strip()
    found: list[str] = []
    for pattern, _weight in sorted(_COMPILED.get(label, []), key=lambda p: -p[1]):
        for match in pattern.finditer(folded):
            cue = match.group(0).strip()
            if cue and cue not in found:
                found.append(cue)
    return found


def sentiment_words(text: str) -> list[str]:
    """The lexicon's words found in ``text``, negated ones shown with their negator."""
    found, negated_until, negator = [], -1, ""
    for i, word in enumerate(tokens(text)):
        if word in NEGATORS:
            negated_until, negator = i + _NEGATION_WINDOW, word
            continue
        if word in SENTIMENT_WORDS:
            found.append(f"{negator} … {word}" if i <= negated_until else word)
    return list(dict.fromkeys(found))


@functools.lru_cache(maxsize=4096)
def cue_vector(text: str) -> tuple[float, ...]:
    """What the rules see in ``text``, as numbers a model can weigh: each type's cue weight,
    the lexicon's positive and negative evidence after negation, its score, a negation, a
    closing question mark and exclamation marks. Remembered for the last few thousand texts:
    the type and the sentiment models both ask, one after the other."""
    scores = rule_type_scores(text)
    words = tokens(text)
    positive = negative = 0.0
    negated_until, negations = -1, 0
    for i, word in enumerate(words):
        if word in NEGATORS:
            negated_until, negations = i + _NEGATION_WINDOW, negations + 1
            continue
        value = SENTIMENT_WORDS.get(word, 0.0) * (-1.0 if i <= negated_until else 1.0)
        positive, negative = positive + max(value, 0.0), negative + max(-value, 0.0)
    score = round(_lexicon_score(words), 3)
    stripped = text.strip()
    return (
        *(min(scores[label], 6.0) / 3 for label in TYPES),
        min(positive, 4.0) / 2,
        min(negative, 4.0) / 2,
        score,
        min(negations, 2) / 2,
        float(stripped.endswith("?")),
        min(stripped.count("!"), 3) / 3,
    )


def rule_type(text: str) -> tuple[str, float]:
    """The type whose cues weigh most, and a confidence: its share of the cue weight.

    Without any cue, a clearly negative text is a complaint and a clearly positive one
    praise; otherwise the fallback is a feature request, the commonest kind of unprompted
    product feedback, at the confidence of a guess.
    """
    scores = rule_type_scores(text)
    best = max(TYPES, key=lambda label: scores[label])
    if scores[best] == 0:
        sentiment, _ = lexicon_sentiment(text)
        fallback = {"negative": "complaint", "positive": "praise"}.get(sentiment, FALLBACK_TYPE)
        return fallback, round(1 / len(TYPES), 3)
    share = scores[best] / (sum(scores.values()) + 1.0)
    return best, round(max(share, 1 / len(TYPES)), 3)


def lexicon_sentiment(text: str) -> tuple[str, float]:
    """Sentiment label and a score in [-1, 1] from the word lexicon.

    A negator ("not", "never", "pas", "jamais", the "n" of "n'est") flips the polarity of
    the sentiment words in the next few tokens; an intensifier scales the next word.
    """
    score = _lexicon_score(tokens(text))
    return sentiment_label(score), round(score, 3)


def _lexicon_score(words: list[str]) -> float:
    total, hits = 0.0, 0
    negated_until, boost = -1, 1.0
    for i, word in enumerate(words):
        if word in NEGATORS:
            negated_until = i + _NEGATION_WINDOW
            continue
        if word in INTENSIFIERS:
            boost = INTENSIFIERS[word]
            continue
        value = SENTIMENT_WORDS.get(word)
        if value is not None:
            total += value * boost * (-1.0 if i <= negated_until else 1.0)
            hits += 1
        boost = 1.0
    return math.tanh(total / 2.0) if hits else 0.0


def sentiment_label(score: float) -> str:
    if score <= -_NEUTRAL_BAND:
        return "negative"
    if score >= _NEUTRAL_BAND:
        return "positive"
    return "neutral"
