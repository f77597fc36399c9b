"""Find many phrases at once, as whole words, in normalised text, with original-text offsets.

Phrases and text go through `normalize` (so hamza forms, tashkeel, case… don't matter),
then through one more fold: every run of whitespace, hyphens and dashes becomes one space,
so "cease-fire", "cease fire" and "cease – fire" are the same phrase. `matchkey` builds that
key (at C speed for most text) and maps match offsets back to the original.

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

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Generic, NamedTuple, TypeVar

import ahocorasick

from streams.text.matchkey import MatchKey

T = TypeVar("T")

_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ك", "ل")
_ARTICLE = "ال"


def _is_arabic_letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a"


class _WordChars(dict[str, bool]):
    """Is a character part of a word? Filled on demand, bounded like `normalize`'s table.

    Marks count as letters so a match never ends between a letter and its diacritic.
    """

    def __missing__(self, ch: str) -> bool:
        value = ch.isalnum() or unicodedata.category(ch).startswith("M")
        if len(self) < _TABLE_LIMIT:
            self[ch] = value
        return value


_TABLE_LIMIT = 65536
_IS_WORD_CHAR = _WordChars()


def _is_word_char(ch: str) -> bool:
    return _IS_WORD_CHAR[ch]


@lru_cache(maxsize=65536)
def phrase_key(phrase: str) -> str:
    """The key a phrase is matched by (normalised, separators folded, trimmed).

    Cached: callers key the same words and names over and over.
    """
    return MatchKey(phrase).key.strip()


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


class Match(NamedTuple, Generic[T]):
    """One phrase found: original offsets of the phrase itself and of everything matched.

    A NamedTuple: immutable, and as cheap to make as a tuple (find() makes one per hit).
    """

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
            # Each reading as (skip, payload, the key it reports), so find() only looks up.
            kept = tuple(
                (skip, self._payloads[entry], form[skip:])
                for clitics, skip, entry in readings
                if clitics == fewest
            )
            automaton.add_word(form, (len(form), kept))
        if self._forms:
            automaton.make_automaton()
        self._automaton = automaton
        self._forms = {}
        return self

    def find(self, text: str) -> list[Match[T]]:
        """Every whole-word match, sorted by start then longest first."""
        return self.find_in(MatchKey(text))

    def find_in(self, folded: MatchKey) -> list[Match[T]]:
        """`find` in a text already keyed (callers that key words of it too share the key)."""
        if self._automaton is None:
            raise RuntimeError("PhraseMatcher.find() before build()")
        if self._automaton.kind != ahocorasick.AHOCORASICK:
            return []
        text = folded.original
        key = folded.key
        size = len(key)
        is_word = _IS_WORD_CHAR
        found: list[Match[T]] = []
        new = tuple.__new__  # Match's own __new__ is a Python function; this is the C one
        hits = self._automaton.iter(key)
        # Hits come by end offset, which is also start order unless matches nest or overlap:
        # track whether the list is already in (start, longest first) order, to skip the sort.
        ordered = True
        prev_first = prev_end = -1
        # Boundaries are checked per hit, never per character: hits are few.
        if folded.is_identity:  # key offsets are original offsets: the common case, kept lean
            for last, (length, readings) in hits:
                first = last - length + 1
                end = last + 1
                if (first and is_word[key[first - 1]]) or (end < size and is_word[key[end]]):
                    continue
                if first < prev_first or (first == prev_first and end > prev_end):
                    ordered = False
                prev_first, prev_end = first, end
                extent = (first, end)
                if len(readings) == 1:  # nearly always: no loop
                    skip, payload, normalized = readings[0]
                    start = first + skip
                    found.append(new(Match, (start, end, text[start:end], payload, normalized, extent)))
                    continue
                for skip, payload, normalized in readings:
                    start = first + skip
                    found.append(new(Match, (start, end, text[start:end], payload, normalized, extent)))
        else:
            span = folded.span
            for last, (length, readings) in hits:
                first = last - length + 1
                if (first and is_word[key[first - 1]]) or (last + 1 < size and is_word[key[last + 1]]):
                    continue
                extent = span(first, last + 1)
                if extent[0] < prev_first or (extent[0] == prev_first and extent[1] > prev_end):
                    ordered = False
                prev_first, prev_end = extent
                for skip, payload, normalized in readings:
                    start, end = span(first + skip, last + 1) if skip else extent
                    found.append(new(Match, (start, end, text[start:end], payload, normalized, extent)))
        if not ordered:
            found.sort(key=_by_extent)  # stable: a no-op on a list already in order
        return found


def _by_extent(match: Match[T]) -> tuple[int, int]:
    return match.extent[0], -match.extent[1]


def longest_non_overlapping(matches: Iterable[Match[T]]) -> list[Match[T]]:
    """Keep the longest matches that don't overlap (leftmost wins a tie), sorted by start.

    Matches with exactly the same extent are kept together: they are one piece of text
    read several ways, and the caller decides between the readings.
    """
    ranked = sorted(matches, key=_longest_first)
    if not ranked:
        return []
    kept: list[Match[T]] = []
    taken: set[tuple[int, int]] = set()
    # One byte per original character, set once taken: an overlap test is one C-level find.
    occupied = bytearray(max(m.extent[1] for m in ranked))
    for match in ranked:
        extent = match.extent
        if extent in taken:
            kept.append(match)
            continue
        lo, hi = extent
        if occupied.find(1, lo, hi) < 0:
            kept.append(match)
            taken.add(extent)
            occupied[lo:hi] = b"\x01" * (hi - lo)
    kept.sort(key=_by_start)
    return kept


def _longest_first(match: Match[T]) -> tuple[int, int]:
    return match.extent[0] - match.extent[1], match.extent[0]


def _by_start(match: Match[T]) -> tuple[int, int]:
    return match.extent[0], match.start
