"""Triage intelligence: pure Python over strings and arrays, no Django, no network.

Language detection, type and sentiment (rules by default, models once trained), near-duplicate
search, theme discovery and feature suggestions. Everything is deterministic.
"""

from .classifier import TextClassifier
from .duplicates import DuplicateIndex, Match
from .engine import (
    ENGINE_VERSION,
    Example,
    IncompatibleEngineError,
    TriageEngine,
    TriageResult,
)
from .language import detect_language
from .rules import SENTIMENTS, TYPES, lexicon_sentiment, rule_type
from .suggestions import FeatureDoc, FeatureSuggester, Suggestion, suggest_features
from .themes import Themes, discover_themes

__all__ = [
    "ENGINE_VERSION",
    "SENTIMENTS",
    "TYPES",
    "DuplicateIndex",
    "Example",
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
    "suggest_features",
]
