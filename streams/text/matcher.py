"""Find many phrases at once, as whole words, in normalised text, with original-text offsets.

Phrases and text go through `normalize` (so hamza forms, tashkeel, case… don't matter),
then through one more fold: every run of whitespace, hyphens and dashes becomes one space,
so "cease-fire", "cease fire" and "cease – fire" are the same phrase. `matchkey` builds that
key (at C speed for most text) and maps match offsets back to the original.

Arabic: rather than stripping prefixes from the text (which breaks بوتين، لبنان، فرنسا),
each Arabic phrase is *expanded* into its proclitic forms (`clitics.clitic_forms`: و / ف,
then ب / ك / ل, then the article unless `article=False`), and all forms go into one
Aho–Corasick automaton.

When two phrases produce the same key, the reading with the shorter proclitic wins, so a
name that starts with one of those letters (بيروت) is never read as ب + a shorter name.
The reported span covers the phrase without its proclitics (بإدلب -> إدلب, بالجزائر ->
الجزائر; in للجزائر the article's lam stays: لجزائر). English plurals and possessives are
not guessed: "Turkey's" matches "Turkey" because the apostrophe is a word boundary, and
plural forms ("Russians") belong in the caller's alias lists.

Speed: a match must start after a non-word character, so each form goes into the automaton
behind a space (" ادلب") and is searched for in the text's key behind a space too, with glue
("(ادلب") turned into spaces (`MatchKey.spaced`). Then the automaton's states only ever
follow words from their first letter: most letters of a text fall straight back to the root,
whose only edge is the space, instead of walking long failure chains through every name that
contains them — about half the search time — and hits that start inside a word never reach
Python. Texts with glue check each hit against the real key. Children are added most frequent
letter first, as pyahocorasick looks for a letter among a node's children in that order.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from operator import itemgetter
from typing import Generic, NamedTuple, TypeVar

import ahocorasick

from streams.text.clitics import clitic_forms, has_article
from streams.text.matchkey import MARK_CHARS as _MARK_CHARS
from streams.text.matchkey import MatchKey
from streams.text.wordchars import is_word_char, space_glue

T = TypeVar("T")


def _is_arabic_letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a"


class _WordChars(dict[str, bool]):
    """Is a character part of a word? Filled on demand, bounded like `normalize`'s table.

    Marks count as letters so a match never ends between a letter and its diacritic.
    """

    def __missing__(self, ch: str) -> bool:
        value = is_word_char(ch)
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


# A form's readings as (key letters not reported, payload, the key it reports).
_Readings = tuple[tuple[int, T, str], ...]
# Forms a hit is checked against in a text with glue, as (form, readings).
_Forms = tuple[tuple[str, _Readings[T]], ...]
# The forms of a hit that is one form, which has a space: check it against itself.
_ITSELF: tuple[()] = ()
# An anchored form's value: (length, readings of the form that is the key or None, and the
# forms to check a hit against in a text with glue: every form with that spaced key if it is
# not just that one, or `_ITSELF` if that one has a space; else None).
_Value = tuple[int, "_Readings[T] | None", "_Forms[T] | None"]
# A hit in the general path: (end, length, readings, forms to check it against).
_Hit = tuple[int, int, "_Readings[T] | None", "_Forms[T] | None"]


class PhraseMatcher(Generic[T]):
    """Add phrases with payloads, `build()` once, then `find()` in any number of texts."""

    def __init__(self) -> None:
        self._payloads: list[T] = []
        # form -> readings as (proclitic letters, key letters not reported, payload index)
        self._forms: dict[str, list[tuple[int, int, int]]] = {}
        self._built = False
        # Forms behind a space, by their spaced key, each with its `_Value`: those with an Arabic
        # letter and no other script's, and the rest (see `_anchored_hits`).
        self._anchored: ahocorasick.Automaton | None = None
        self._anchored_other: ahocorasick.Automaton | None = None
        self._letterless = False
        # Forms that do not start with a word character of the BMP: searched as they are.
        self._unanchored: ahocorasick.Automaton | None = None

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
        if self._built:
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
        """Compile every form into its automaton; returns self for chaining."""
        forms, self._forms = self._forms, {}
        anchored = [form for form in forms if _anchorable(form)]
        # Forms with glue inside ("u.s" -> "u s"; rare), by their spaced key.
        glued: dict[str, list[str]] = {}
        for form in anchored:
            spaced = space_glue(form)
            if spaced != form:
                glued.setdefault(spaced, []).append(form)
        for spaced, group in glued.items():
            if spaced in forms:  # "u s" is a form too: one key, told apart by the real text
                group.append(spaced)
        with_glue = {form for group in glued.values() for form in group}
        words = [form for form in anchored if form not in with_glue] + list(glued)

        def anchored_value(spaced: str) -> object:
            group = glued.get(spaced)
            if group is None:
                own = self._kept(spaced, forms[spaced])
                # A single word (most forms) is in a text with glue exactly where it is in the
                # spaced key; a space inside a form may stand for glue, so those are checked
                # (against the form itself: no tuple of its own, there are tens of thousands).
                return len(spaced), own, _ITSELF if " " in spaced else None
            mine = self._kept(spaced, forms[spaced]) if spaced in forms else None
            return len(spaced), mine, tuple((form, self._kept(form, forms[form])) for form in group)

        # Two automata by script: a text of Arabic letters only (most Arabic text) then walks an
        # automaton without the Latin forms, whose letters it would otherwise scan past at every
        # word start (pyahocorasick scans a node's children in turn): 7-9% of Arabic tagging.
        # (Forms with no letter at all, say "1967", go with the Arabic ones, which are then
        # searched in every text: `_letterless`.)
        arabic: list[str] = []
        other: list[str] = []
        for word in words:  # (two regex searches a form: the split adds no load time to speak of)
            if _OTHER_LETTER.search(word) is None:
                arabic.append(word)
                if _ARABIC_LETTER.search(word) is None:
                    self._letterless = True
            else:
                other.append(word)
        self._anchored = _automaton(arabic, anchored_value, prefix=" ")
        self._anchored_other = _automaton(other, anchored_value, prefix=" ")
        # "#gaza", "(un)": forms that need no space before them, searched as they are.
        unanchored = [form for form in forms if not _anchorable(form)]
        self._unanchored = _automaton(unanchored, lambda form: (len(form), self._kept(form, forms[form])))
        self._built = True
        return self

    def _kept(self, form: str, readings: list[tuple[int, int, int]]) -> _Readings[T]:
        """The readings of `form` that count, as (skip, payload, the key it reports)."""
        # Of the readings of one form, only those with the fewest proclitics count:
        # بيروت is the name بيروت, never ب + a shorter name.
        fewest = min(r[0] for r in readings)
        payloads = self._payloads
        return tuple(
            (skip, payloads[entry], form[skip:]) for clitics, skip, entry in readings if clitics == fewest
        )

    def find(self, text: str) -> list[Match[T]]:
        """Every whole-word match, sorted by start then longest first."""
        return self.find_in(MatchKey(text))

    def find_in(self, folded: MatchKey) -> list[Match[T]]:
        """`find` in a text already keyed (callers that key words of it too share the key)."""
        if not self._built:
            raise RuntimeError("PhraseMatcher.find() before build()")
        key = folded.key
        spaced = folded.spaced()
        if self._unanchored is not None:
            return self._find_general(folded, spaced)
        if self._anchored is None and self._anchored_other is None:
            return []
        text = folded.original
        size = len(key)
        is_word = _IS_WORD_CHAR
        found: list[Match[T]] = []
        new = tuple.__new__  # Match's own __new__ is a Python function; this is the C one
        # `end` is the match's end in the key: the space in front shifts every offset by one.
        hits = self._anchored_hits(folded, spaced)
        # Glue in the text: a hit's start may follow a letter above U+FFFF (taken for glue),
        # and a form whose spaces may stand for glue is told apart by the text's own key.
        glued = spaced != key
        # Hits come by end offset, which is also start order unless matches nest or overlap:
        # track the last match's extent, and put a hit that sorts before it in its place by a
        # short scan back (it is nearly always next to it), not sort the list with a Python
        # key after (most Arabic texts have one: a key call per match). The exact path sorts.
        ordered = True
        prev_first = prev_end = -1
        # The start is a word's start by construction; the end is checked per hit: hits are few.
        if folded.is_identity:  # key offsets are original offsets: the common case, kept lean
            for end, (length, readings, forms) in hits:
                if end < size and is_word[key[end]]:
                    continue
                first = end - length
                if glued:
                    if first and is_word[key[first - 1]]:
                        continue
                    if forms is not None:
                        readings = _readings_in(key, spaced, first, end, readings, forms)
                if readings is None:
                    continue
                extent = (first, end)
                if first < prev_first or (first == prev_first and end > prev_end):
                    # Nested in the last match or overlapping it (الله after عبد الله): put in
                    # place, after the matches it sorts with (`_by_extent`'s stable sort).
                    at = _place(found, first, end)
                    for skip, payload, normalized in readings:
                        start = first + skip
                        match = new(Match, (start, end, text[start:end], payload, normalized, extent))
                        found.insert(at, match)
                        at += 1
                    continue
                prev_first, prev_end = first, end
                if len(readings) == 1:  # nearly always: no loop
                    skip, payload, normalized = readings[0]
                    start = first + skip
                    found.append(new(Match, (start, end, text[start:end], payload, normalized, extent)))
                    continue
                for skip, payload, normalized in readings:
                    start = first + skip
                    found.append(new(Match, (start, end, text[start:end], payload, normalized, extent)))
        elif (table := folded.shift_table()) is not None:
            # Key offsets lag original ones by a step function (deleted marks, shortened space
            # runs): `span`, inlined, as a method call per hit costs as much as the rest.
            span = folded.span
            shift_at, shifts = table
            # The lag is constant from one shift point to the next (key index i lags by
            # lags[k] up to limits[k], k = bisect_right(shift_at, i)), and a one-word hit
            # never spans a point (each follows a space): one bisect per hit, not two or three.
            lags = [0, *shifts]
            limits = [*shift_at, size + 1]
            length_of_text = len(text)
            for last, (length, readings, forms) in hits:
                if last < size and is_word[key[last]]:
                    continue
                first = last - length
                if glued:
                    if first and is_word[key[first - 1]]:
                        continue
                    if forms is not None:
                        readings = _readings_in(key, spaced, first, last, readings, forms)
                if readings is None:
                    continue
                k = bisect_right(shift_at, first)
                lag, limit = lags[k], limits[k]
                lo = first + lag
                hi = last + (lag if last <= limit else lags[bisect_right(shift_at, last - 1, k)])
                if hi < length_of_text and text[hi] in _MARK_CHARS:
                    lo, hi = span(first, last)  # the marks after the last letter belong to it
                extent = (lo, hi)
                if lo < prev_first or (lo == prev_first and hi > prev_end):
                    at = _place(found, lo, hi)  # out of order: put in place (as above)
                else:
                    at = -1
                    prev_first, prev_end = lo, hi
                for skip, payload, normalized in readings:
                    if not skip:
                        start = lo
                    elif first + skip < limit:  # a proclitic: always; context words may pass one
                        start = lo + skip
                    else:
                        start = first + skip + lags[bisect_right(shift_at, first + skip)]
                    match = new(Match, (start, hi, text[start:hi], payload, normalized, extent))
                    if at < 0:
                        found.append(match)
                    else:
                        found.insert(at, match)
                        at += 1
        else:
            span = folded.span
            for last, (length, readings, forms) in hits:
                if last < size and is_word[key[last]]:
                    continue
                first = last - length
                if glued:
                    if first and is_word[key[first - 1]]:
                        continue
                    if forms is not None:
                        readings = _readings_in(key, spaced, first, last, readings, forms)
                if readings is None:
                    continue
                extent = span(first, last)
                if extent[0] < prev_first or (extent[0] == prev_first and extent[1] > prev_end):
                    ordered = False
                prev_first, prev_end = extent
                for skip, payload, normalized in readings:
                    start, end = span(first + skip, last) if skip else extent
                    found.append(new(Match, (start, end, text[start:end], payload, normalized, extent)))
        if not ordered:
            found.sort(key=_by_extent)  # stable: a no-op on a list already in order
        return found

    def _find_general(self, folded: MatchKey, spaced: str) -> list[Match[T]]:
        """`find_in` for matchers with forms that are not anchored: checks every hit."""
        key = folded.key
        size = len(key)
        glued = spaced != key
        is_word = _IS_WORD_CHAR
        hits = list(self._hits(key, spaced))
        if self._unanchored is not None:
            # The order one automaton of every form would give: by end, longest first.
            hits.sort(key=_by_end_longest_first)
        text = folded.original
        identity = folded.is_identity
        span = folded.span
        found: list[Match[T]] = []
        ordered = True
        prev: tuple[int, int] = (-1, -1)
        for end, length, readings, forms in hits:
            first = end - length
            if (first and is_word[key[first - 1]]) or (end < size and is_word[key[end]]):
                continue  # glue above U+FFFF may be a letter; unanchored forms need the check
            if glued and forms is not None:  # see find_in
                readings = _readings_in(key, spaced, first, end, readings, forms)
            if readings is None:
                continue
            extent = (first, end) if identity else span(first, end)
            if extent[0] < prev[0] or (extent[0] == prev[0] and extent[1] > prev[1]):
                ordered = False
            prev = extent
            for skip, payload, normalized in readings:
                if identity:
                    start, stop = first + skip, end
                else:
                    start, stop = span(first + skip, end) if skip else extent
                found.append(Match(start, stop, text[start:stop], payload, normalized, extent))
        if not ordered:
            found.sort(key=_by_extent)
        return found

    def _anchored_hits(self, folded: MatchKey, spaced: str) -> Iterable[tuple[int, _Value[T]]]:
        """Hits of the anchored forms by end offset: of the Arabic automaton alone in a text
        with no other script's letter (`MatchKey.plain_arabic`: its key's letters are all
        Arabic, a test holds it to that) or with no other script's letter in its key, of the
        other alone in a text with no Arabic letter, else of both, sorted by end (the caller
        sorts where ends tie)."""
        arabic, other = self._anchored, self._anchored_other
        hits: Iterable[tuple[int, _Value[T]]]
        if other is None or folded.plain_arabic or _OTHER_LETTER.search(spaced) is None:
            hits = arabic.iter(" " + spaced) if arabic is not None else ()
        elif arabic is None or (not self._letterless and _ARABIC_LETTER.search(spaced) is None):
            hits = other.iter(" " + spaced)
        else:  # (a list sorted in C: cheaper than merging the two iterators in Python)
            both = [*arabic.iter(" " + spaced), *other.iter(" " + spaced)]
            both.sort(key=_hit_end)
            hits = both
        return hits

    def _hits(self, key: str, spaced: str) -> Iterator[_Hit[T]]:
        """Raw hits of every automaton, as (end in the key, length, readings, forms)."""
        for automaton in (self._anchored, self._anchored_other):
            if automaton is None:
                continue
            for end, (length, readings, forms) in automaton.iter(" " + spaced):
                yield end, length, readings, forms
        if self._unanchored is not None:
            for last, (length, readings) in self._unanchored.iter(key):
                yield last + 1, length, readings, None  # searched in the key itself


def _readings_in(
    key: str, spaced: str, first: int, end: int, readings: _Readings[T] | None, forms: _Forms[T]
) -> _Readings[T] | None:
    """The readings of the form that key[first:end] is, of the hit's `forms` (`_ITSELF`: the
    form that is its spaced key, with `readings`), if it is one of them."""
    segment = key[first:end]
    if not forms:  # _ITSELF
        return readings if segment == spaced[first:end] else None
    return next((r for form, r in forms if form == segment), None)


# Arabic letters (the Arabic block and its supplement), and the letters of every other script
# (a word character that is no digit, no underscore and no Arabic letter): a form with none
# of the latter goes in the Arabic automaton, and a text with no Arabic letter needs no search
# of it (unless it holds letterless forms).
_ARABIC_LETTERS = "\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06fc\u06ff\u0750-\u077f"
_ARABIC_LETTER = re.compile(f"[{_ARABIC_LETTERS}]")
_OTHER_LETTER = re.compile(f"[^\\W\\d_{_ARABIC_LETTERS}]")


_hit_end = itemgetter(0)  # a hit's end offset


def _anchorable(form: str) -> bool:
    """True if `form` starts with a word character below U+10000 (see `MatchKey.spaced`)."""
    first = form[0]
    return first <= "\uffff" and is_word_char(first)


def _automaton(
    words: list[str], value: Callable[[str], object], *, prefix: str = ""
) -> ahocorasick.Automaton | None:
    """An automaton of `prefix` + each word with its value, None if there are no words.

    pyahocorasick finds a letter among a node's children by a linear scan in the order the
    children were added; adding words in order of their letters' frequency (most frequent
    first, counted over the words themselves) puts the likeliest letters first everywhere.
    """
    if not words:
        return None
    counts = Counter("".join(words))
    rank = {ord(ch): chr(i) for i, (ch, _) in enumerate(counts.most_common())}
    words.sort(key=lambda word: word.translate(rank))
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(prefix + word, value(word))
    automaton.make_automaton()
    return automaton


def _by_end_longest_first(hit: _Hit[T]) -> tuple[int, int]:
    return hit[0], -hit[1]


def _by_extent(match: Match[T]) -> tuple[int, int]:
    return match.extent[0], -match.extent[1]


def _place(found: list[Match[T]], first: int, end: int) -> int:
    """Where a match of extent (first, end) goes in `found`, which is in `_by_extent` order:
    after every match that sorts before it or with it, as a stable sort would put it."""
    at = len(found)
    while at:
        lo, hi = found[at - 1].extent
        if lo < first or (lo == first and hi >= end):
            break
        at -= 1
    return at


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
