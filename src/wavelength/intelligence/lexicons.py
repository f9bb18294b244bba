"""Small hand-written language data: stopwords, sentiment words and triage cue patterns.

Everything is accent-folded and lower-case (see ``text.fold``). Keep it short and general:
these lists are the default before a workspace has trained its own model.
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = {
    "en": _words(
        "the a an and or but of to in on at for with from by is are was were be been being it "
        "its this that these those i you he she we they me my your our their not no do does did "
        "have has had will would can could should there here what when where which who how why "
        "if then than so as about into just very all any some more most also only out up"
    ),
    "fr": _words(
        "le la les un une des du de et ou mais est sont etait etre ete il elle ils elles je tu "
        "nous vous on ce cet cette ces mon ma mes ton ta tes son sa ses notre nos votre vos leur "
        "leurs pas ne ni que qui quoi dont ou quand comment pourquoi avec sans pour par sur dans "
        "en au aux a y se sa lui moi toi plus tres tout tous toutes aussi donc car si bien avoir "
        "fait faire peut pouvez cela ca c j l d n s qu"
    ),
    "es": _words(
        "el la los las un una unos unas y o pero de del al en con por para es son esta estan "
        "fue ser yo tu el ella nosotros ellos que quien como cuando donde porque muy mas no si "
        "lo le les se mi su sus este esta esto"
    ),
    "de": _words(
        "der die das ein eine einen und oder aber von zu im in auf mit fur ist sind war waren "
        "sein ich du er sie wir ihr es nicht kein keine wie wann wo warum sehr mehr auch nur "
        "den dem des bei aus nach noch schon kann konnen wird werden hat haben"
    ),
}

# Words of greeting, politeness and chat that say nothing about a theme (theme names only).
THEME_FILLER = _words(
    "hi hello hey dear thanks thank please pls thx cheers regards best team guys morning "
    "would could can like want wants wanted ask asked asking every also get got one really just "
    "still yet already since well much many lot lots thing things way use using used make "
    "let something everything anything someone "
    "bonjour salut merci svp stp cordialement bonne journee equipe avons chose choses deux "
    "encore toujours deja vraiment aussi beaucoup faut veux voudrais"
)

# Frequent words of short feedback that are not stopwords ("Great app", "Merci beaucoup").
LANGUAGE_HINTS = {
    "en": _words("please thanks thank great love awesome nice works doesn crash update login"),
    "fr": _words("merci beaucoup bonjour svp appli genial marche fonctionne mise jour connexion"),
}

# Letters whose presence (before folding) tells French from English.
FRENCH_MARKS = frozenset("éèêàùçôîâëïû")

NEGATORS = _words(
    "not no never nothing nobody neither nor without hardly n ne pas jamais rien aucun aucune "
    "sans guere"
)
INTENSIFIERS = {
    "very": 1.5, "really": 1.5, "so": 1.3, "extremely": 1.8, "super": 1.5, "totally": 1.5,
    "too": 1.3, "tres": 1.5, "vraiment": 1.5, "trop": 1.3, "tellement": 1.5, "si": 1.2,
    "absolument": 1.8, "completement": 1.5,
}  # fmt: skip

_POSITIVE_EN = (
    "good great excellent amazing awesome love loved loves lovely like liked likes nice perfect "
    "fantastic wonderful brilliant helpful useful easy intuitive fast quick smooth best better "
    "happy glad pleased thanks thank appreciate appreciated recommend impressed superb beautiful "
    "clean reliable stable enjoy enjoyed fun cool favorite favourite solid neat simple works "
    "working worked fixed"
)
_NEGATIVE_EN = (
    "bad terrible awful horrible hate hated hates poor worst worse useless broken bug buggy "
    "crash crashes crashed crashing slow slower error errors fail fails failed failing failure "
    "problem problems issue issues annoying annoyed frustrating frustrated disappointed "
    "disappointing confusing confused difficult hard ugly unusable unacceptable angry sad "
    "wrong missing lost lose stuck freeze freezes frozen laggy lag expensive waste ridiculous "
    "garbage trash sucks pathetic nightmare painful cumbersome clunky"
)
_POSITIVE_FR = (
    "bon bonne bons bonnes bien super genial geniale excellent excellente parfait parfaite "
    "adore aime aimons aiment top merci bravo formidable magnifique pratique utile facile "
    "intuitif intuitive rapide fluide efficace agreable content contente ravi ravie heureux "
    "satisfait satisfaite recommande meilleur meilleure impeccable fiable stable simple "
    "fonctionne marche"
)
_NEGATIVE_FR = (
    "mauvais mauvaise nul nulle horrible terrible affreux deteste decu decue decevant "
    "decevante inutile casse cassee bug bugs bogue plante plantage erreur erreurs echec echoue "
    "probleme problemes lent lente lenteur penible agacant frustrant frustre complique "
    "difficile inacceptable inutilisable pire perdu perdue bloque bloquee cher chere honteux "
    "honte arnaque catastrophe catastrophique ennuyeux fige"
)
SENTIMENT_WORDS: dict[str, float] = {
    **{w: 1.0 for w in (_POSITIVE_EN + " " + _POSITIVE_FR).split()},
    **{w: -1.0 for w in (_NEGATIVE_EN + " " + _NEGATIVE_FR).split()},
}
# Verbs of function are only mildly positive: "works" is faint praise, "doesn't work" a complaint.
for _w in (
    "work",
    "works",
    "working",
    "worked",
    "load",
    "loads",
    "fonctionne",
    "marche",
    "like",
    "aime",
):
    SENTIMENT_WORDS[_w] = 0.5

# Cue patterns (regular expressions over folded text) with a weight per triage type.
TYPE_PATTERNS: dict[str, list[tuple[str, float]]] = {
    "bug": [
        (
            r"\b(crash\w*|bug\w*|bogue\w*|error\w*|erreur\w*|exception|plant(e|es|ent|age)|"
            r"stack ?trace)\b",
            2.5,
        ),
        (r"\b(broken|freez\w*|frozen|hangs?|glitch\w*|fige\w*|bloque\w*)\b", 1.5),
        (
            r"\b(does ?n[o']?t|do ?n[o']?t|not|never|no longer|cannot|can ?n[o']?t) "
            r"(work|load|open|save|sync|start|show|display|send|login|log in)\w*",
            2.5,
        ),
        (r"\bne (fonctionne|marche|charge|s'ouvre|s'affiche|demarre)\w* (pas|plus)\b", 2.5),
        (r"\b(fail\w*|echou\w*|impossible de|unable to|won'?t)\b", 1.5),
        (r"\b(500|404|timeout|blank page|page blanche)\b", 1.0),
    ],
    "feature_request": [
        (r"\b(please|pls|could you|can you|would you) (add|support|include|allow|make)\b", 2.5),
        (
            r"\b(it would be|would be|would love|i wish|wish|i'?d like|i would like|we would like|"
            r"we need|it needs|(app|tool|product|site) (really |badly |still )?needs|"
            r"needs (a|an|more|some|better|proper|the option))\b",
            1.5,
        ),
        (
            r"\b(if only|bring (it |them |that )?back|change it back|i suggest|we suggest|"
            r"i recommend|my suggestion|how about|why not)\b",
            2.0,
        ),
        (
            r"\b(feature request|add (a|an|the)?\s?\w+ (option|feature|button|setting)|"
            r"support for|ability to|option to|integration with)\b",
            2.0,
        ),
        (r"\b(pourriez-vous|pouvez-vous|merci d'ajouter|ajouter|ajoutez|ajout d)\b", 2.0),
        (
            r"\b(ce serait|serait (bien|genial|super|top)|j'aimerais|nous aimerions|"
            r"il faudrait|possibilite de|option pour|prise en charge)\b",
            2.0,
        ),
        (r"\b(il manque|je suggere|je propose|nous suggerons|remettez|pourquoi pas)\b", 2.0),
    ],
    "improvement": [
        (
            r"\b(improve\w*|better|faster|easier|simpler|cleaner|clearer|more (intuitive|clear))\b",
            1.5,
        ),
        (r"\b(slow\w*|too (many|much|long|slow|small|hard)|confusing|clunky|cumbersome)\b", 1.5),
        (r"\b(should be|could be|needs? to be|would be nicer)\b", 1.0),
        (
            r"\b(amelior\w*|mieux|plus (rapide|simple|clair|facile|lisible)|trop (lent|long|de))\b",
            1.5,
        ),
        (r"\b(lent\w*|lenteur|confus\w*|devrait|pourrait etre)\b", 1.0),
    ],
    "question": [
        (r"\?\s*$", 2.0),
        (r"^(how|what|where|why|when|which|who|is|are|can|does|do)\b", 1.5),
        (r"\b(how (do|can|to)|is (there|it possible)|is it possible|any way to|wondering)\b", 1.5),
        (r"^(comment|pourquoi|ou|quand|quel\w*|est-ce|y a-t-il|peut-on)\b", 1.5),
        (r"\b(est-ce que|est-il possible|comment (faire|puis|peut)|savoir si)\b", 1.5),
    ],
    "praise": [
        (
            r"\b(love|loved|great|awesome|amazing|excellent|fantastic|brilliant|perfect|superb)\b",
            1.5,
        ),
        (r"\b(thanks?|thank you|kudos|well done|keep (it )?up|best app|recommend)\b", 1.5),
        (
            r"\b(j'adore|adore|genial\w*|super|excellent\w*|parfait\w*|bravo|merci|formidable|"
            r"top|impeccable)\b",
            1.5,
        ),
    ],
    "complaint": [
        (
            r"\b(terrible|awful|horrible|worst|unacceptable|ridiculous|disappointed|disappointing|"
            r"frustrat\w*|angry|furious|rip ?off|scam)\b",
            2.0,
        ),
        (
            r"\b(refund|cancel\w*|unsubscrib\w*|switch(ing)? to|waste of|too expensive|"
            r"overpriced)\b",
            1.5,
        ),
        (
            r"\b(decu\w*|decevant\w*|inacceptable|scandal\w*|honteu\w*|nul|nulle|arnaque|"
            r"rembours\w*|resili\w*|trop cher|n'importe quoi|marre)\b",
            2.0,
        ),
    ],
}
