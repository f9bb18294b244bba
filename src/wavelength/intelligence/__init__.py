"""Triage intelligence: pure Python over strings and arrays, no Django, no network.

Language detection, type and sentiment (rules by default, models once trained), near-duplicate
search, theme discovery and feature suggestions. Everything is deterministic. Themes, duplicates
and suggestions run on the process's text engine (``engines.text_engine``): TF-IDF by default,
sentence embeddings when the ``embeddings`` extra is installed or ``embeddings-onnx`` is chosen.
"""

from .classifier import TextClassifier
from .duplicates import DuplicateIndex, Match
from .engine import (
    ENGINE_VERSION,
    Example,
    Explanation,
    IncompatibleEngineError,
    Reason,
    TriageEngine,
    TriageResult,
)
from .engines import (
    DefaultEngine,
    EmbeddingEngine,
    select,
    set_text_engine,
    text_engine,
)
from .language import detect_language
from .rules import SENTIMENTS, TYPES, lexicon_sentiment, rule_type
from .seed import seed_rows
from .suggestions import FeatureDoc, FeatureSuggester, Suggestion, suggest_features
from .themes import Themes, discover_themes

__all__ = [
    "ENGINE_VERSION",
    "DefaultEngine",
    "EmbeddingEngine",
    "SENTIMENTS",
    "TYPES",
    "DuplicateIndex",
    "Example",
    "Explanation",
    "Reason",
    "FeatureDoc",
    "FeatureSuggester",
    "IncompatibleEngineError",
    "Match",
    "Suggestion",
    "TextClassifier",
    "Themes",
    "TriageEngine",
    "TriageResult",
    "detect_language",
    "discover_themes",
    "lexicon_sentiment",
    "rule_type",
    "seed_rows",
    "select",
    "set_text_engine",
    "suggest_features",
    "text_engine",
]
