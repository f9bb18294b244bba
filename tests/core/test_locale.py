"""The French catalogue is complete: every message has a translation and none is fuzzy."""

import re
from pathlib import Path

import wavelength

PO = Path(wavelength.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if "\nmsgid " in f"\n{block}"]


def test_every_message_is_translated():
    untranslated = []
    for block in _entries(PO.read_text()):
        if re.search(r'^msgid ""\nmsgstr ""\n"Project-Id', block, re.M):
            continue  # the header
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", re.M)
        if not strings or any(s.strip() == '""' for s in strings):
            untranslated.append(block.splitlines()[-1])
    assert untranslated == []


def test_no_fuzzy_translation():
    assert "#, fuzzy" not in PO.read_text().split("\n\n", 1)[1]
