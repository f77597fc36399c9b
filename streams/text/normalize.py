"""Fold text into a matching key (Unicode, Arabic and case folds) that maps back to the original.

The key is for *matching only*: callers keep and display the original text, and use
`Normalized.span` to turn a span found in the key into offsets of the original.

Folds, in order, applied to each grapheme-like segment (a starter plus the marks that
may compose with it) and repeated until the segment stops changing:

1. Unicode NFKC, then `str.casefold` (then NFKC again, since casefold can denormalise).
2. Deletions and one-to-one replacements listed in `_FOLDS` below.

Decision on the two risky Arabic folds, alef maqsura ى -> ي and teh marbuta ة -> ه:
we fold both. Feeds write "سوريا"/"سورية" and "على"/"علي" inconsistently, and the key is
never shown to anyone, so folding buys recall at no display cost. The price is that a few
different words share a key (على "on" and علي "Ali"; حماة "Hama" and حماه "his in-law").
That is acceptable because matchers built on this key never treat a single common word
as a name: gazetteers list multi-letter proper names and keep a reviewed stop list.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

_ALEF = "\u0627"  # ا
_YEH = "\u064a"  # ي

_FOLDS: dict[int, str | None] = {}
# Tashkeel U+064B–U+0652 (fathatan … sukun), e.g. "إِدْلِب" -> "إدلب": vowels are optional
# in news text, so keys must not depend on them.
_FOLDS.update(dict.fromkeys(range(0x064B, 0x0653)))
# Superscript (dagger) alef U+0670, e.g. "هٰذا" -> "هذا": another optional vowel sign.
_FOLDS[0x0670] = None
# Tatweel U+0640, e.g. "إدلـــب" -> "إدلب": pure typographic stretching.
_FOLDS[0x0640] = None
# Invisible format characters carry no letters but break matching when pasted in:
# zero-width space/non-joiner/joiner and LRM/RLM U+200B–U+200F, bidi embeddings and
# overrides U+202A–U+202E, bidi isolates U+2066–U+2069, BOM/ZWNBSP U+FEFF, Arabic letter
# mark U+061C, and soft hyphen U+00AD; e.g. "\u200fإدلب" -> "إدلب".
for _lo, _hi in ((0x200B, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069)):
    _FOLDS.update(dict.fromkeys(range(_lo, _hi + 1)))
_FOLDS.update(dict.fromkeys((0xFEFF, 0x061C, 0x00AD)))
# Alef with madda U+0622 آ, hamza above U+0623 أ, hamza below U+0625 إ and alef wasla
# U+0671 ٱ -> bare alef U+0627 ا, e.g. "أردوغان"/"اردوغان", "إدلب"/"ادلب": hamza seats are
# written inconsistently by feeds and by people typing queries.
_FOLDS.update(dict.fromkeys((0x0622, 0x0623, 0x0625, 0x0671), _ALEF))
# Alef maqsura U+0649 ى -> yeh U+064A ي, e.g. "مستشفى"/"مستشفي" (see the module docstring).
_FOLDS[0x0649] = _YEH
# Teh marbuta U+0629 ة -> heh U+0647 ه, e.g. "سورية"/"سوريه" (see the module docstring).
_FOLDS[0x0629] = "\u0647"
# Farsi yeh U+06CC ی -> yeh U+064A ي and keheh U+06A9 ک -> kaf U+0643 ك, e.g. "کابل" ->
# "كابل": Persian keyboards and some transliterations use them for Arabic words.
_FOLDS[0x06CC] = _YEH
_FOLDS[0x06A9] = "\u0643"
# Arabic-Indic digits U+0660–U+0669 and extended (Persian) digits U+06F0–U+06F9 -> ASCII,
# e.g. "٢٠٢٠"/"۲۰۲۰" -> "2020", so numbers match however the feed writes them.
for _zero in (0x0660, 0x06F0):
    _FOLDS.update({_zero + d: str(d) for d in range(10)})

# Characters with combining class 0 that NFC can still compose with the character before
# them (vowel signs of Indic scripts and the like): a segment must not start at one. Derived
# from unicodedata's canonical decompositions (a test re-derives it); Hangul V/T jamo are
# handled in `_attaches`.
# fmt: off
_COMPOSES_BACKWARD = frozenset({
    0x09BE, 0x09D7, 0x0B3E, 0x0B56, 0x0B57, 0x0BBE, 0x0BD7, 0x0CC2, 0x0CD5, 0x0CD6, 0x0D3E,
    0x0D57, 0x0DCF, 0x0DDF, 0x102E, 0x1B35, 0x11127, 0x1133E, 0x11357, 0x114B0, 0x114BA,
    0x114BD, 0x115AF, 0x11930,
})
# fmt: on


def _attaches(ch: str) -> bool:
    """True if `ch` may change, or be changed by, the character before it under NFKC."""
    cp = ord(ch)
    return (
        unicodedata.combining(ch) != 0
        or cp in _COMPOSES_BACKWARD
        or 0x1161 <= cp <= 0x11C2  # Hangul vowel and trailing jamo compose algorithmically
    )


@lru_cache(maxsize=65536)
def _fold(segment: str) -> str:
    # Iterate to a fixpoint: deleting a mark or replacing a letter can expose a new
    # composition (آ + U+0654 -> ا + U+0654 -> أ -> ا), and the key must be idempotent.
    current = segment
    for _ in range(8):
        step = unicodedata.normalize("NFKC", current).casefold()
        step = unicodedata.normalize("NFKC", step).translate(_FOLDS)
        if step == current:
            break
        current = step
    return current


_COMPLEX = "\uffff"  # a noncharacter: stands for "needs the segment-by-segment path"
_TABLE_LIMIT = 65536


class _OneToOne(dict[int, str]):
    """str.translate table, filled on demand: the fold of characters that fold to exactly
    one character on their own and never interact with a neighbour; `_COMPLEX` otherwise."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        folded = _fold(ch)
        simple = len(folded) == 1 and ch != _COMPLEX and not _attaches(ch)
        value = folded if simple and not _attaches(folded) else _COMPLEX
        if len(self) < _TABLE_LIMIT:  # bounded, whatever characters hostile input brings
            self[cp] = value
        return value


_ONE_TO_ONE = _OneToOne()


@dataclass(frozen=True, slots=True)
class Normalized:
    """A matching key plus, for each key character, the original span it came from."""

    original: str
    text: str
    _starts: Sequence[int] = field(repr=False)
    _ends: Sequence[int] = field(repr=False)

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Original offsets of the key span [i, j); an empty span maps to a position."""
        if not 0 <= i <= j <= len(self.text):
            raise IndexError(f"span [{i}, {j}) outside key of length {len(self.text)}")
        if i == j:
            pos = self._starts[i] if i < len(self.text) else len(self.original)
            return pos, pos
        return self._starts[i], self._ends[j - 1]


def normalize(text: str) -> Normalized:
    """Fold `text` into its matching key (see the module docstring for every rule)."""
    n = len(text)
    if text.isascii():
        # ASCII needs only lower-casing, which is one-to-one, so the map is the identity.
        return Normalized(text, text.lower(), range(n), range(1, n + 1))
    # Most news text (Arabic without tashkeel, accented Latin) folds character by character,
    # one to one: one C-level translate, and the map is the identity again.
    fast = text.translate(_ONE_TO_ONE)
    if _COMPLEX not in fast:
        return Normalized(text, fast, range(n), range(1, n + 1))
    return _by_segments(text)


def _by_segments(text: str) -> Normalized:
    """The general path: fold segment by segment, recording where each output came from."""
    n = len(text)
    # Segments as (original start, original end, folded text).
    segments: list[tuple[int, int, str]] = []
    seg_start = 0
    for pos in range(1, n + 1):
        if pos < n and _attaches(text[pos]):
            continue
        out = _fold(text[seg_start:pos])
        start = seg_start
        # A segment whose output starts with an attaching character (say a hamza left after
        # its tatweel was deleted) must be folded together with the one before it.
        while out and segments and _attaches(out[0]):
            start = segments.pop()[0]
            out = _fold(text[start:pos])
        segments.append((start, pos, out))
        seg_start = pos
    starts: list[int] = []
    ends: list[int] = []
    for start, end, out in segments:
        starts.extend([start] * len(out))
        ends.extend([end] * len(out))
    return Normalized(text, "".join(s[2] for s in segments), starts, ends)
