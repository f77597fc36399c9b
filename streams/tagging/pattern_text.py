"""The text as the name patterns read it: words after a trigger, their matching keys, known mentions."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Final, NamedTuple

from streams.tagging.records import Actor
from streams.text.matcher import Match, phrase_key
from streams.text.matchkey import MatchKey, is_fast
from streams.text.normalize import normalize

ALI = "علي"  # the name as written with ي (see is_ali)
ARTICLE = "ال"
MIN_NISBA_NAME = 6  # ال and at least four letters: المالكي yes, العلي no

# A word: letters and digits (Arabic tashkeel and tatweel included), with inner hyphens or
# apostrophes (al-Assad, O'Brien); one character class, so the scan stays fast. Only a
# window after each trigger is scanned, never the whole text.
WORD = re.compile(r"[\w\u0640\u064b-\u065f\u0670]+(?:[-'’][\w\u064b-\u065f\u0670]+)*")
# `WORD` with possessive quantifiers, for `glued_run` (checked equal by a test).
_POSSESSIVE_WORD = r"[\w\u0640\u064b-\u065f\u0670]++(?:[-'’][\w\u064b-\u065f\u0670]++)*+"
# The first word after a position, as `WORD.search` finds it (possessive: see `glued_run`).
NEXT_WORD = re.compile(_POSSESSIVE_WORD)
WINDOW = 120  # characters read after a trigger
# Separators `WORD` allows inside a word (al-Assad, O'Brien): a matching key has a space there.
# (The separator comes first, so the engine scans for it; a leading look-behind would be
# tried at every position, five times slower.)
_INNER_SEPARATOR = re.compile(r"[-'’](?<=[\w\u0640\u064b-\u065f\u0670][-'’])(?=[\w\u064b-\u065f\u0670])")

# Arabic letters -> ASCII for the slug ids of pattern-found actors (keys are already folded:
# no hamza seats, ة -> ه, ى -> ي).
_TRANSLIT = str.maketrans(
    {
        "ا": "a", "ء": "", "ؤ": "w", "ئ": "y", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h",
        "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s",
        "ض": "d", "ط": "t", "ظ": "z", "ع": "a", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
        "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y",
    }
)  # fmt: skip
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


_MAX_GAP = 3  # whitespace characters between two words read as neighbours (`KnownSpans.next_to`)
# A gazetteer mention already resolved, as the patterns see it: (start, end, kind, country),
# kind "place", "demonym", "actor" or "block" (no reading goes past it). A plain tuple.
Known = tuple[int, int, str, str | None]


class KnownSpans:
    """The resolved mentions of one text, sorted by start and not overlapping, for bisecting."""

    __slots__ = ("_ends", "_known", "_matches")

    def __init__(self, known: Sequence[Known]) -> None:
        self._known: Sequence[Known] | None = known
        self._matches: Sequence[Match[Any]] = ()
        self._ends = [k[1] for k in known]

    @classmethod
    def of_matches(cls, matches: Sequence[Match[Any]]) -> KnownSpans:
        """Over the gazetteer's resolved matches (payloads with `kind` and `country`), each
        made a `Known` only when `at` returns it: most are never asked for, and making them
        all cost more than the readings' lookups."""
        spans = cls.__new__(cls)
        spans._known = None
        spans._matches = matches
        spans._ends = [m.end for m in matches]
        return spans

    def at(self, start: int, end: int) -> Known | None:
        """The first mention overlapping [start, end), if any."""
        i = bisect_right(self._ends, start)  # the first mention ending after `start`
        if i < len(self._ends):
            known = self._known
            if known is not None:
                k = known[i]
                return k if k[0] < end else None
            m = self._matches[i]
            if m.start < end:
                payload = m.payload
                return m.start, m.end, payload.kind, payload.country
        return None

    def _match_at(self, start: int) -> Match[Any] | None:
        """The gazetteer's match that starts at `start`, if any (None where the spans were
        given as plain tuples)."""
        i = bisect_right(self._ends, start)
        if i >= len(self._ends) or self._known is not None:
            return None
        m = self._matches[i]
        return m if m.start == start else None

    def country_at(self, start: int) -> bool:
        """True if a country's own name starts at `start` (its ref is its ISO code)."""
        m = self._match_at(start)
        return m is not None and m.payload.kind == "place" and m.payload.ref == m.payload.country

    def person_at(self, start: int) -> bool:
        """True if a listed person's mention starts at `start`."""
        m = self._match_at(start)
        actor = m.payload.actor if m is not None else None
        return actor is not None and actor.type == "person"

    def next_to(self, text: str, pos: int) -> Known | None:
        """The mention right after `pos`, with only a little whitespace between (a title and
        the name after it, a body in construct and its country), if any."""
        hit = self.at(pos, len(text) + 1)
        if hit is None or hit[0] - pos > _MAX_GAP or not text[pos : hit[0]].isspace():
            return None
        return hit


# A word after a trigger, as a plain tuple (cheaper than a NamedTuple):
# (start, end, key, glued); key is the word's matching key, glued says only whitespace
# separates it from the previous word (no punctuation in between).
Word = tuple[int, int, str, bool]
START: Final = 0
END: Final = 1
KEY: Final = 2
GLUED: Final = 3


def _one_to_one_chars() -> str:
    """Characters `normalize` folds one to one on their own, in texts on matchkey's fast path.

    `matchkey.is_fast` characters are those whose fold is per character; of them, the ones
    `normalize` deletes (tashkeel, tatweel, bidi marks…) change a text's length. A window of
    the others folds character by character, so a word's key there is the word's own fold.
    Derived from the public APIs; fast-path characters all lie in these ranges (a test checks
    every code point).
    """
    return "".join(
        ch
        for ch in map(chr, (*range(0x2400), *range(0xFE00, 0x10000)))
        if is_fast(ch) and len(normalize(ch).text) == 1
    )


_NOT_ONE_TO_ONE = re.compile(f"[^{re.escape(_one_to_one_chars())}]")


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """`normalize(word).text`, cached: the same words follow triggers over and over."""
    return normalize(word).text


@lru_cache(maxsize=16)
def glued_run(limit: int) -> re.Pattern[str]:
    """A pattern reading up to `limit` words separated by whitespace only, one group per word.

    Nested optional groups: greedy, and every later group optional, so each word is the same
    maximal `WORD` match `finditer` would find, and no match ever needs to backtrack. So every
    quantifier is possessive (`++`, `*+`, `?+`: the same matches, without the engine keeping
    backtracking state), which reads four words about a quarter faster.
    """
    pattern = ""
    for _ in range(limit):
        pattern = f"\\s*+({_POSSESSIVE_WORD})" + (f"(?:{pattern})?+" if pattern else "")
    return re.compile(pattern)


def fold_words(text: str, spans: list[tuple[int, int]], pos: int) -> list[str]:
    """The keys of the words at `spans`, folding them one by one (the window at `pos`)."""
    if _NOT_ONE_TO_ONE.search(text, pos, pos + WINDOW) is None:
        return [_fold_word(text[s:e]) for s, e in spans]  # the window folds one to one
    window = text[pos : pos + WINDOW]
    folded = normalize(window).text
    if len(folded) == len(window):  # one to one overall: a word's key is a slice
        return [folded[s - pos : e - pos] for s, e in spans]
    return [phrase_key(text[s:e]) for s, e in spans]  # a rare many-to-one fold


def _has_inner_separator(text: str) -> bool:
    """True if a word of `text` has an inner hyphen or apostrophe (three C-level scans first)."""
    if "-" not in text and "'" not in text and "’" not in text:
        return False
    return _INNER_SEPARATOR.search(text) is not None


def is_one_to_one(window: str) -> bool:
    """True if `normalize` folds `window` character by character, one to one (its fast path)."""
    return _NOT_ONE_TO_ONE.search(window) is None


@lru_cache(maxsize=16384)
def slug(text: str) -> str:
    """A stable lower-case ASCII slug of a name (Arabic transliterated letter by letter)."""
    ascii_text = unicodedata.normalize("NFKD", phrase_key(text).translate(_TRANSLIT))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    return _SLUG_JUNK.sub("-", ascii_text.lower()).strip("-")


class Found(NamedTuple):
    """An actor a pattern found: the span and the actor (the span covers the name only).

    A NamedTuple rather than a frozen dataclass: as cheap to make as a tuple.
    """

    start: int
    end: int
    actor: Actor
    # People listed right after this one (X و Y، و Z); `repeats.with_repeats` adds them.
    more: tuple[Found, ...] = ()


class Item:
    """One text as the patterns read it: the text, its matching key and its resolved mentions."""

    __slots__ = ("_separated", "folded", "known", "match_key", "plain", "text")

    def __init__(
        self, text: str, known: Sequence[Known] | KnownSpans, match_key: MatchKey | None = None
    ) -> None:
        self.text = text
        self.known = known if isinstance(known, KnownSpans) else KnownSpans(known)
        # The text's MatchKey, if the caller has it: words are keyed by slicing its key.
        self.match_key = match_key
        self.folded = match_key.key if match_key is not None else ""
        # A word with an inner hyphen or apostrophe somewhere (al-Assad): scanned for once per
        # text, so that `shift` only searches a window for one in the texts that have one.
        self._separated = _has_inner_separator(text)
        # Every word of a plain text keys as the slice at its own offsets (the usual case).
        self.plain = match_key is not None and match_key.is_identity and not self._separated

    def shift(self, lo: int, hi: int) -> int | None:
        """The lag s such that `folded[start - s : end - s]` is the `normalize` key of every
        word text[start:end] inside [lo, hi); None if words there must be folded one by one.

        That holds where [lo, hi) keys character for character and has no inner hyphen or
        apostrophe (al-Assad: the key makes those a space, `normalize` keeps them).
        """
        if self.plain:
            return 0
        if self.match_key is None:
            return None
        shift = self.match_key.shift_of(lo, hi)
        if shift is None or (self._separated and _INNER_SEPARATOR.search(self.text, lo, hi) is not None):
            return None
        return shift


def capitalised(text: str, word: Word) -> bool:
    """An English name word: Capitalised, or a particle joined to one (al-Assad, bin-Salman)."""
    surface = text[word[START] : word[END]]
    return surface[:1].isupper() or any(part[:1].isupper() for part in re.split(r"[-'’]", surface)[1:])


def is_ali(text: str, word: Word) -> bool:
    """The name علي as written (with ي), which the key folds together with the preposition
    على (alef maqsura): inside a name (محمد علي العظمي، زين العابدين بن علي) it is the name."""
    return word[KEY] == ALI and text[word[END] - 1] == "\u064a"


_LOOK_BACK = 24  # characters read back for the word before a name or a trigger


def key_before(text: str, pos: int) -> str | None:
    """The matching key of the word that whitespace alone separates from `pos`, if any (the
    noun a nisba after it may qualify: العاصمة السعودية، السياسة الخارجية)."""
    if pos < 2 or not text[pos - 1].isspace():
        return None
    words = text[max(0, pos - _LOOK_BACK) : pos].rsplit(None, 1)
    return phrase_key(words[-1]) if words else None


def state_body_actor(country: str, label: str, adjectives: dict[str, str]) -> Actor:
    """The government actor of a country's state body: id "sd-army", name "Sudanese army"
    (`adjectives`: ISO2 -> English adjective), whichever way the text names it."""
    return Actor(
        f"{country.lower()}-{slug(label)}",
        f"{adjectives.get(country, country)} {label}",
        "government",
        country,
    )


def is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff"


def glued_words(item: Item, pos: int, limit: int) -> list[Word]:
    """Up to `limit` words after `pos` joined by whitespace only, with their keys (a name's
    words: what `PatternReader._words` reads, without the word after punctuation)."""
    run = glued_run(limit).match(item.text, pos, pos + WINDOW)
    if run is None:
        return []
    shift = 0 if item.plain else item.shift(pos, run.end())
    if shift is None:
        spans = [span for span in run.regs[1:] if span[0] >= 0]
        keys = fold_words(item.text, spans, pos)
        return [(s, e, key, True) for (s, e), key in zip(spans, keys, strict=True)]
    return keyed_words(item.folded, run.regs, shift)


def keyed_words(folded: str, regs: tuple[tuple[int, int], ...], shift: int) -> list[Word]:
    """The words of a `glued_run` match's `regs`, keyed by slicing `folded` (lagging by `shift`).

    A loop that stops at the first unmatched group (every later one is unmatched too: the
    groups nest), cheaper than filtering all of them in a comprehension.
    """
    out: list[Word] = []
    for s, e in regs[1:]:
        if s < 0:
            break
        out.append((s, e, folded[s - shift : e - shift], True))
    return out


def nisba_name(key: str) -> bool:
    """A family name in nisba form (المالكي، الحريري، البارزاني): after a speech verb, and
    followed by إن or punctuation, it names a person (a country's nisba is a known demonym)."""
    return starts_with_article(key) and key.endswith("ي") and len(key) >= MIN_NISBA_NAME


def starts_with_article(key: str) -> bool:
    return key.startswith(ARTICLE) and len(key) > len(ARTICLE) + 1
