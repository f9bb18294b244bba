"""Triage intelligence: pure Python over strings and arrays, no Django, no network.

Language detection, type and sentiment (rules by default, models once trained), near-duplicate
search, theme discovery and feature suggestions. Everything is deterministic. Themes, duplicates
and suggestions run on the process's text engine (``engines.text_engine``): sentence embeddings
(ONNX, in the normal install) by default, TF-IDF when they cannot load or ``default`` is chosen.
"""

import importlib

# Each public name and the module that defines it. The modules load on first use (PEP 562), so
# that starting Django, a command or a worker does not import scikit-learn and SciPy (about
# two seconds) until something is triaged; a server loads them all before it freezes what it
# loaded (``load``, called by ``core/startup.py``).
_WHERE = {
    "TextClassifier": "classifier",
    "DuplicateIndex": "duplicates", "Match": "duplicates",
    "ENGINE_VERSION": "engine", "Example": "engine", "Explanation": "engine",
    "IncompatibleEngineError": "engine", "Reason": "engine", "TriageEngine": "engine",
    "TriageResult": "engine",
    "DefaultEngine": "engines", "EmbeddingEngine": "engines", "select": "engines",
    "set_text_engine": "engines", "text_engine": "engines", "set_vector_store": "vectors",
    "embeddings_wanted": "engines",
    "detect_language": "language",
    "SENTIMENTS": "rules", "TYPES": "rules", "lexicon_sentiment": "rules", "rule_type": "rules",
    "seed_rows": "seed",
    "FeatureDoc": "suggestions", "FeatureSuggester": "suggestions", "Suggestion": "suggestions",
    "suggest_features": "suggestions",
    "Themes": "themes", "discover_themes": "themes",
}  # fmt: skip


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value  # found once, then an ordinary attribute
    return value


def load() -> None:
    """Import every module now (a long-running process, before it freezes what it loaded)."""
    for module in set(_WHERE.values()):
        importlib.import_module(f".{module}", __name__)


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
    "embeddings_wanted",
    "lexicon_sentiment",
    "rule_type",
    "seed_rows",
    "select",
    "set_text_engine",
    "set_vector_store",
    "suggest_features",
    "text_engine",
]
