"""Word characters and glue: where a whole-word match may start and end in a matching key."""

from __future__ import annotations

import re
import unicodedata


def char_class(chars: frozenset[str]) -> str:
    """A regex character class body for `chars`, as ranges."""
    cps = sorted(map(ord, chars))
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = re.escape(chr(cps[i])), re.escape(chr(cps[j]))
        parts.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "".join(parts)


def is_word_char(ch: str) -> bool:
    """Is `ch` part of a word? Letters and digits, and marks, so that a match never ends
    between a letter and its diacritic. Whole-word matching means a non-word character (or
    the end of the text) on both sides."""
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


# Glue: a character that is neither a word character nor a space, right before a word
# character ("(إدلب", "u.s", "2,000"). A key without glue has a space before every word that
# does not start the text, which lets a matcher anchor phrases on that space (see
# `MatchKey.spaced`). `_GLUE` is exact for the Basic Multilingual Plane; every character
# above it counts as a possible glue character (callers check those with `is_word_char`).
_NON_WORD_CLASS = (
    char_class(frozenset(ch for ch in map(chr, range(0x10000)) if ch != " " and not is_word_char(ch)))
    + "\U00010000-\U0010ffff"
)
_GLUE = re.compile(f"[{_NON_WORD_CLASS}](?=[^{_NON_WORD_CLASS} ])")


def space_glue(text: str) -> str:
    """`text` with every glue character (see `_GLUE`) replaced by a space."""
    return _GLUE.sub(" ", text)
