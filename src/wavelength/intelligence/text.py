"""Text helpers shared by every model: normalisation and tokenisation, in English and French."""

import re
import unicodedata

_TOKEN = re.compile(r"[a-z0-9]+")
_NT = re.compile(r"n['’]t\b")
_CAN_NOT = re.compile(r"\b(can|won|ain)not\b")


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Émettre" and "emettre" meet."""
    if text.isascii():  # most feedback: nothing to decompose (and fold runs on every model)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Folded word tokens; English "n't" becomes "not" and French elisions split ("n'est")."""
    folded = _CAN_NOT.sub(r"\1 not", _NT.sub(" not", fold(text)))
    return _TOKEN.findall(folded)
