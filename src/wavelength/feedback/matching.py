"""When two names or a name and a domain mean the same customer company.

A company's *key* is its name without case, accents, punctuation or legal form: "Globex",
"GLOBEX Inc.", "Globex, S.A.S." and "globex.com" all have the key ``globex``. Matching by key
is what keeps one company per customer when a CSV column, an e-mail domain and a person typing
in a form each name it their own way.
"""

import re
import unicodedata

# Legal forms and their abbreviations, as trailing words of a company name (several can follow
# each other: "Acme Co. Ltd"). "Group" or "Holdings" are left alone: they often name another
# company than the one without them.
LEGAL_FORMS = {
    "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "lp", "ltd",
    "limited", "plc", "pllc", "sa", "sas", "sasu", "sarl", "eurl", "sca", "sci", "scop", "snc",
    "gmbh", "ag", "kg", "ug", "mbh", "ohg", "bv", "nv", "vof", "spa", "srl", "sl", "slu",
    "oy", "oyj", "ab", "as", "asa", "aps", "kk", "pty", "pte", "bhd", "sdn", "the",
}  # fmt: skip
# Dotted abbreviations are joined before the words are read: "S.A.S." -> "sas".
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    text = text.casefold().replace("&", " and ")
    return _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", text)


def company_key(name: str) -> str:
    """The key of a company name: lower case, no accents, punctuation or trailing legal
    forms. A name made only of legal words keeps them ("The Company" stays ``thecompany``)."""
    words = _NON_WORD.sub(" ", _plain(name)).split()
    kept = list(words)
    while kept and kept[-1] in LEGAL_FORMS:
        kept.pop()
    if kept and kept[0] == "the":
        kept.pop(0)
    return "".join(kept or words)[:200]


def domain_key(domain: str) -> str:
    """The key a domain's name gives: ``globex`` for ``mail.globex.co.uk``, ``acme-corp`` →
    ``acme`` (the same key as the name "Acme Corp")."""
    return company_key(domain_label(domain).replace("-", " "))


_DOMAIN_LIKE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


def identity_keys(name: str, domains) -> set[str]:
    """Every key a company answers to: its name's, its domains', and the domain's key when
    its name is a domain (a company an import named "globex.com"). Two companies sharing one
    are likely the same customer."""
    keys = {company_key(name), *(domain_key(d) for d in domains)}
    if _DOMAIN_LIKE.match((name or "").strip().lower()):
        keys.add(domain_key(name.strip().lower()))
    return keys - {""}


def domain_label(domain: str) -> str:
    """The label of a domain that names the company: ``driftwood-studio`` for
    ``www.driftwood-studio.co.uk``."""
    labels = [label for label in (domain or "").lower().strip(".").split(".") if label]
    if len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2:
        labels = labels[:-1]
    return labels[-2] if len(labels) >= 2 else (labels[0] if labels else "")
