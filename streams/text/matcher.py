"""Find many phrases at once, as whole words, in normalised text, with original-text offsets.

Phrases and text go through `normalize` (so hamza forms, tashkeel, case… don't matter),
then through one more fold: every run of whitespace, hyphens and dashes becomes one space,
so "cease-fire", "cease fire" and "cease – fire" are the same phrase.

Arabic: rather than stripping prefixes from the text (which breaks بوتين، لبنان، فرنسا),
each Arabic phrase is *expanded* into its proclitic forms, and all forms go into one
Aho–Corasick automaton:

- conjunction و / ف, then preposition ب / ك / ل, each optional: وب، فل، ك …
- the article ال (phrases that start with it keep it; bare phrases get it too unless
  `article=False`, which proper-name gazetteers use), after which ل + ال is written لل
  (للجزائر) and ل + ال + ل… drops one lam (للاذقية).

When two phrases produce the same key, the reading with the shorter proclitic wins, so a
name that starts with one of those letters (بيروت) is never read as ب + a shorter name.
The reported span covers the phrase without its proclitics (بإدلب -> إدلب, بالجزائر ->
الجزائر; in للجزائر the article's lam stays: لجزائر). English plurals and possessives are
not guessed: "Turkey's" matches "Turkey" because the apostrophe is a word boundary, and
plural forms ("Russians") belong in the caller's alias lists.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

from streams.text.normalize import normalize

T = TypeVar("T")

_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ك", "ل")
_ARTICLE = "ال"
# Separator runs (whitespace, ASCII hyphen, U+2010–U+2015 hyphens/dashes, U+2212 minus)
# fold to one space; `_SEP_FOLD_NEEDED` spots text where that changes anything.
_SEP_RUN = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_SEP_RUN_LONG = re.compile(r"[\s\-\u2010-\u2015\u2212]{2,}")
# Single separators become a space one for one (whitespace all lies below U+3001).
_SEP_TABLE = {cp: " " for cp in range(0x3001) if _SEP_RUN.fullmatch(chr(cp))}


def _is_arabic_letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a"


def _is_word_char(ch: str) -> bool:
    # Marks count as letters so a match never ends between a letter and its diacritic.
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _fold_separators(text: str) -> tuple[str, Sequence[int]]:
    """`text` with separator runs folded, plus each key char's index in `text`."""
    if not _SEP_RUN_LONG.search(text):
        return text.translate(_SEP_TABLE), range(len(text))
    pieces: list[str] = []
    index: list[int] = []
    pos = 0
    for sep in _SEP_RUN.finditer(text):
        pieces.append(text[pos : sep.start()])
        index.extend(range(pos, sep.start()))
        pieces.append(" ")
        index.append(sep.start())
        pos = sep.end()
    pieces.append(text[pos:])
    index.extend(range(pos, len(text)))
    return "".join(pieces), index


def phrase_key(phrase: str) -> str:
    """The key a phrase is matched by (normalised, separators folded, trimmed)."""
    return _fold_separators(normalize(phrase).text)[0].strip()


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


@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    """One phrase found: original offsets of the phrase itself and of everything matched."""

    start: int
    end: int
    text: str
    payload: T
    normalized: str
    # Original offsets of the whole match, proclitics and `before` context included.
    extent: tuple[int, int]


class PhraseMatcher(Generic[T]):
    """Add phrases with payloads, `build()` once, then `find()` in any number of texts."""

    def __init__(self) -> None:
        self._payloads: list[T] = []
        # form -> readings as (proclitic letters, key letters not reported, payload index)
        self._forms: dict[str, list[tuple[int, int, int]]] = {}
        self._automaton: ahocorasick.Automaton | None = None

    def add(
        self,
        phrase: str,
        payload: T,
        *,
        article: bool = True,
        proclitics: bool = True,
        before: str = "",
    ) -> None:
        """Add `phrase`; `before` is context that must precede it but is not reported.

        `article=False` stops ال being added to a bare Arabic phrase (proper names);
        `proclitics=False` matches the phrase exactly as written, with no Arabic forms.
        """
        if self._automaton is not None:
            raise RuntimeError("PhraseMatcher.add() after build()")
        key = phrase_key(phrase)
        context = phrase_key(before)
        if not key:
            raise ValueError(f"phrase {phrase!r} is empty after normalisation")
        full = f"{context} {key}" if context else key
        self._payloads.append(payload)
        entry = len(self._payloads) - 1
        if proclitics and _is_arabic_letter(full[0]):
            definite = has_article(before if context else phrase)
            forms = clitic_forms(full, definite=definite, article=article and not context)
        else:
            forms = [(full, 0)]
        for form, clitics in forms:
            # Proclitics only change the front, so with context the phrase is the tail.
            skip = len(form) - len(key) if context else clitics
            self._forms.setdefault(form, []).append((clitics, skip, entry))

    def build(self) -> PhraseMatcher[T]:
        """Compile every form into one automaton; returns self for chaining."""
        automaton = ahocorasick.Automaton()
        for form, readings in self._forms.items():
            # Of the readings of one form, only those with the fewest proclitics count:
            # بيروت is the name بيروت, never ب + a shorter name.
            fewest = min(r[0] for r in readings)
            kept = tuple((skip, entry) for clitics, skip, entry in readings if clitics == fewest)
            automaton.add_word(form, (len(form), kept))
        if self._forms:
            automaton.make_automaton()
        self._automaton = automaton
        self._forms = {}
        return self

    def find(self, text: str) -> list[Match[T]]:
        """Every whole-word match, sorted by start then longest first."""
        if self._automaton is None:
            raise RuntimeError("PhraseMatcher.find() before build()")
        if self._automaton.kind != ahocorasick.AHOCORASICK:
            return []
        norm = normalize(text)
        key, index = _fold_separators(norm.text)
        found: list[Match[T]] = []
        for last, (length, readings) in self._automaton.iter(key):
            first = last - length + 1
            if first > 0 and _is_word_char(key[first - 1]):
                continue
            if last + 1 < len(key) and _is_word_char(key[last + 1]):
                continue
            extent = norm.span(index[first], index[last] + 1)
            for skip, entry in readings:
                start, end = norm.span(index[first + skip], index[last] + 1)
                normalized = key[first + skip : last + 1]
                payload = self._payloads[entry]
                found.append(Match(start, end, text[start:end], payload, normalized, extent))
        found.sort(key=lambda m: (m.extent[0], -m.extent[1]))
        return found


def longest_non_overlapping(matches: Iterable[Match[T]]) -> list[Match[T]]:
    """Keep the longest matches that don't overlap (leftmost wins a tie), sorted by start.

    Matches with exactly the same extent are kept together: they are one piece of text
    read several ways, and the caller decides between the readings.
    """
    ranked = sorted(matches, key=lambda m: (m.extent[0] - m.extent[1], m.extent[0]))
    kept: list[Match[T]] = []
    taken: list[tuple[int, int]] = []
    for match in ranked:
        lo, hi = match.extent
        if match.extent in taken or not any(lo < t_hi and t_lo < hi for t_lo, t_hi in taken):
            kept.append(match)
            if match.extent not in taken:
                taken.append(match.extent)
    kept.sort(key=lambda m: (m.extent[0], m.start))
    return kept
