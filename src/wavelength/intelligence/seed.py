"""The project's own training items: what the engine knows before a workspace decides anything.

``data/seed_feedback.csv`` holds a few hundred feedback items in English and French written for
Wavelength (never taken from a public dataset), each with a type and a sentiment. Every engine
learns from them, and from the workspace's decisions once there are enough of those.
"""

import csv
import functools
from importlib import resources

from .rules import SENTIMENTS, TYPES

SEED_FILE = "seed_feedback.csv"


@functools.cache
def seed_rows() -> tuple[tuple[str, str, str], ...]:
    """``(text, type, sentiment)`` for every shipped training item."""
    with resources.files(__package__).joinpath("data", SEED_FILE).open(encoding="utf-8") as f:
        rows = tuple(
            (row["text"], row["type"], row["sentiment"])
            for row in csv.DictReader(f)
            if row["type"] in TYPES and row["sentiment"] in SENTIMENTS
        )
    return rows
