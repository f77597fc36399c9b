"""The proclitic forms an Arabic phrase is matched in: conjunction, preposition, article.

Rather than stripping prefixes from the text (which breaks بوتين، لبنان، فرنسا), the phrase
matcher expands each Arabic phrase into every form it may take with proclitics attached:

- conjunction و / ف, then preposition ب / ك / ل, each optional: وب، فل، ك …
- the article ال (phrases that start with it keep it; bare phrases get it too unless
  `article=False`, which proper-name gazetteers use), after which ل + ال is written لل
  (للجزائر) and ل + ال + ل… drops one lam (للاذقية).
"""

from __future__ import annotations

import unicodedata

_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ك", "ل")
_ARTICLE = "ال"


def has_article(phrase: str) -> bool:
    """True if an Arabic phrase starts with the article ال (not أل/إل, as in ألمانيا)."""
    # Decide before alef folding: the key of ألمانيا starts with ال too.
    letters = [ch for ch in unicodedata.normalize("NFKC", phrase.lstrip()) if ch.isalpha()]
    return "".join(letters[:2]) in {_ARTICLE, "ٱل"} and len(letters) > len(_ARTICLE)


def clitic_forms(key: str, *, definite: bool, article: bool = True) -> list[tuple[str, int]]:
    """Every proclitic form of an Arabic key, as (form, number of proclitic letters).

    `definite` says the key starts with the article (see `has_article`); otherwise the
    article is added when `article` is true.
    """
    forms: list[tuple[str, int]] = []
    if definite:
        noun = key[len(_ARTICLE) :]
    else:
        forms = [(c + p + key, len(c) + len(p)) for c in _CONJUNCTIONS for p in _PREPOSITIONS]
        if not article:
            return forms
        noun = key
    for c in _CONJUNCTIONS:
        for p in _PREPOSITIONS:
            if p == "ل":
                # ل + ال drops the article's alef (للجزائر); before a lam one lam goes too
                # (ل + اللاذقية -> للاذقية).
                forms.append((c + "ل" + (noun if noun.startswith("ل") else "ل" + noun), len(c) + 1))
            else:
                forms.append((c + p + _ARTICLE + noun, len(c) + len(p)))
    return forms
