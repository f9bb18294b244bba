"""The demo's customers: varied messages, and a triage engine that stays trustworthy after it
learnt from their decisions (the golden set's floors, the symptoms people first met)."""

import random
from collections import Counter

import pytest

from tests.intelligence.golden.scoring import (
    DEMO_SENTIMENT_FLOORS,
    DEMO_TYPE_FLOORS,
    check_floors,
)
from wavelength.catalog.demo.content import FEATURES
from wavelength.feedback.demo_text import OPENERS, write_feedback
from wavelength.intelligence import DefaultEngine, Example, TriageEngine, discover_themes
from wavelength.intelligence.text import tokens


def demo_items(n=1500, seed=7):
    rng = random.Random(seed)
    return [
        write_feedback(rng, title=f.title, area=f.area, french=rng.random() < 0.3)
        for f in (rng.choice(FEATURES) for _ in range(n))
    ]


@pytest.fixture(scope="module")
def retrained():
    """The engine after learning from the demo's decisions (80 % of the labels set, as the
    demo does), compared with the shipped engine it replaces."""
    rng = random.Random(1)
    decisions = [
        Example(
            w.text,
            w.type if rng.random() < 0.8 else None,
            w.sentiment if rng.random() < 0.8 else None,
        )
        for w in demo_items()
    ]
    return TriageEngine().fit(decisions, current=TriageEngine.shipped())


def test_demo_messages_are_varied():
    items = demo_items()
    assert len({w.text for w in items}) > 0.98 * len(items)
    # No sentence template dominates: after the greeting, the commonest first three words
    # open few messages.
    greetings = tuple(g.lower() for g in OPENERS["en"] + OPENERS["fr"] if g)
    openings = Counter(
        " ".join(
            w.text.lower()
            .removeprefix(next((g for g in greetings if w.text.lower().startswith(g)), ""))
            .split()[:3]
        )
        for w in items
    )
    assert openings.most_common(1)[0][1] < 0.05 * len(items)
    assert set(Counter(w.type for w in items)) == {
        "bug", "feature_request", "improvement", "question", "praise", "complaint",
    }  # fmt: skip
    assert 0.2 < Counter(w.language for w in items)["fr"] / len(items) < 0.4
    lengths = sorted(len(w.text.split()) for w in items)
    assert lengths[len(lengths) // 10] < 12 and lengths[-len(lengths) // 10] > 25


def test_demo_is_the_same_every_time():
    assert demo_items(50) == demo_items(50)


def test_retrained_on_the_demo_the_engine_keeps_the_golden_floors(retrained):
    assert retrained.trained
    check_floors(retrained, DEMO_TYPE_FLOORS, DEMO_SENTIMENT_FLOORS)


@pytest.mark.parametrize(
    ("text", "kind", "mood"),
    [
        ("App crashes every time I open a report… unacceptable", {"bug", "complaint"}, "negative"),
        ("Love the new dark mode", {"praise"}, "positive"),
        ("How do I reset my password?", {"question"}, "neutral"),
        ("The dashboard is far too slow to load", {"improvement", "bug", "complaint"}, "negative"),
        ("Could you add SSO with Google?", {"feature_request"}, "neutral"),
        ("Merci pour la mise à jour, c'est parfait", {"praise"}, "positive"),
        ("Comment ajouter un collègue ?", {"question"}, "neutral"),
    ],
)
def test_what_a_new_user_types_after_the_demo_retrained(retrained, text, kind, mood):
    result = retrained.triage(text)
    assert result.type in kind and result.sentiment == mood


def test_retraining_on_the_demo_does_not_make_everything_a_request(retrained):
    texts = [
        "The export button does nothing since this morning",
        "Please add a calendar view",
        "Is there an API for invoices?",
        "Fantastic support, thank you!",
        "Way too expensive, we are cancelling",
        "The settings page could be clearer",
    ]
    assert len({r.type for r in retrained.triage_many(texts)}) >= 5


def demo_messages(n: int = 900) -> list[tuple[str, str]]:
    """``n`` demo messages as the demo writes them, 30 % in French, with their feature."""
    rng = random.Random(7)
    items = []
    for _ in range(n):
        feature = rng.choice(FEATURES)
        items.append((feature.title, write_feedback(
            rng, title=feature.title, area=feature.area, french=rng.random() < 0.3
        ).text))  # fmt: skip
    return items


def named_as_a_person_would(items: list[tuple[str, str]], themes) -> int:
    """How many of the ten largest themes gather mostly one feature's messages and carry
    one of that feature's words in their name."""
    named = 0
    for theme in sorted(range(len(themes.names)), key=lambda t: -themes.sizes[t])[:10]:
        assigned = zip(items, themes.assignments, strict=True)
        titles = Counter(title for (title, _), a in assigned if a == theme)
        title, count = titles.most_common(1)[0]
        words = {w for w in tokens(title) if len(w) > 3}
        named += count >= themes.sizes[theme] / 2 and bool(words & set(tokens(themes.names[theme])))
    return named


def test_themes_found_in_the_demo_are_named_as_a_person_would():
    # Discovery as the inbox runs it (the engine chooses how many) on 900 demo messages: the
    # largest themes each gather one feature's messages and carry that feature's words.
    items = demo_messages()
    themes = discover_themes([text for _, text in items], engine=DefaultEngine())
    assert 8 <= len(themes.names) < 300
    assert named_as_a_person_would(items, themes) >= 7
