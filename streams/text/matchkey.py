"""Fold a text into the key the phrase matcher searches, with a sparse map back to the original.

The key is `normalize(text).text` with every run of separators (whitespace, hyphens, dashes)
folded to one space. `normalize` keeps a start and an end offset per key character, which
costs Python work per character; the matcher only needs offsets for its few matches. So the
fast path here does everything at C speed and keeps only a sparse map:

- every one-to-one fold is one `str.lower` plus a few `str.replace` calls (a replace scans
  the text in C; a `str.translate` table costs a dict lookup per character);
- every length-changing fold is a *deletion* — tashkeel U+064B–U+0652 and dagger alef U+0670
  ("إِدْلِب" -> "ادلب"), tatweel U+0640, zero-width and bidi marks ("\u200fإدلب"), and all but
  the first character of a separator run ("a \u200f b" -> "a b") — found by one regex; the
  key maps back by bisecting the few places where something was deleted.

The fast path takes only texts whose every character is in `_SAFE`: characters whose fold is
that same pipeline, checked when the module is built (and by property tests against the exact
path). Any other text (NFKC compositions, ligatures, ß, Hangul…) takes the exact path:
`normalize` plus the separator fold, with full per-character maps.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence

from streams.text.lang import PLAIN_ARABIC_CHARS
from streams.text.normalize import _ONE_TO_ONE, Normalized, normalize
from streams.text.wordchars import char_class, is_word_char, space_glue

# Separator runs fold to one space; `_SEP_RUN_LONG` spots text where that changes the length.
# Separators: whitespace, ASCII hyphen, U+2010–U+2015 hyphens/dashes, U+2212 minus, and
# quotation marks — ASCII " and ', guillemets « » ‹ › (Arabic press quotes with them) and
# U+2018–U+201F curly quotes — so a phrase still matches when a writer quotes part of it:
# وقف "إطلاق النار" is وقف إطلاق النار, "cease-'fire'" is cease fire.
_SEPARATORS = "\\s\\-\u2010-\u2015\u2212\"'\u00ab\u00bb\u2039\u203a\u2018-\u201f"
_SEP_RUN = re.compile(f"[{_SEPARATORS}]+")
_SEP_RUN_LONG = re.compile(f"[{_SEPARATORS}]{{2,}}")
# Single separators become a space one for one (whitespace all lies below U+3001).
_SEP_TABLE = {cp: " " for cp in range(0x3001) if _SEP_RUN.fullmatch(chr(cp))}

# Deleted marks that attach to the letter before them: tashkeel U+064B–U+0652 (fathatan …
# sukun) and dagger alef U+0670. A match ending on a letter extends over them.
_MARKS = "\u064b-\u0652\u0670"
# Deleted characters that stand alone: tatweel U+0640, zero-width and bidi marks
# U+200B–U+200F, U+202A–U+202E, U+2066–U+2069, BOM U+FEFF, Arabic letter mark U+061C and
# soft hyphen U+00AD (see `normalize._FOLDS` for why each goes).
_DELETED = _MARKS + "\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c\u00ad"
_MARK_RUN = re.compile(f"[{_MARKS}]*")
MARK_CHARS = frozenset(map(chr, (*range(0x064B, 0x0653), 0x0670)))
# One regex finds every deletion: a run of deleted characters, or a space followed by more
# separators (now spaces) and deleted characters, of which only the first space stays.
_EDITS = re.compile(f"[{_DELETED}]+|( )[{_DELETED}]*(?: [{_DELETED}]*)+")

# Code points the fast path may take: Latin up to Latin Extended-B, Greek, Cyrillic,
# Arabic and its supplement, general punctuation, currency signs, the minus sign and the BOM. Outside these
# the exact path runs; that is only slower, never different.
_CANDIDATES = (
    (0x0000, 0x024F),
    (0x0370, 0x052F),
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x2000, 0x20CF),
    (0x2212, 0x2212),
    (0xFEFF, 0xFEFF),
)


def _final(ch: str) -> str | None:
    """The key of one character on its own (None: it needs the exact path)."""
    if re.fullmatch(f"[{_DELETED}]", ch):
        return ""
    folded = _ONE_TO_ONE[ord(ch)]
    if len(folded) != 1 or folded == "\uffff":  # see normalize._COMPLEX
        return None
    return _SEP_TABLE.get(ord(folded), folded)


def _derive() -> tuple[frozenset[str], dict[str, str]]:
    """Characters the fast path folds exactly, and the replacements it applies after lower()."""
    lowered: dict[str, set[str]] = {}  # safe character -> what str.lower() may turn it into
    finals: dict[str, set[str]] = {}  # lowered character -> the keys it must become
    for lo, hi in _CANDIDATES:
        for ch in map(chr, range(lo, hi + 1)):
            final = _final(ch)
            # str.lower() is one-to-one here except for final sigma, which it writes ς or σ
            # depending on context; casefold gives σ, so both must become σ.
            lows = {"σ", "ς"} if ch == "Σ" else {ch.lower()}
            if final is None or any(len(low) != 1 for low in lows):
                continue
            lowered[ch] = lows
            if final:  # deletions are not replaced: `_EDITS` finds them
                for low in lows:
                    finals.setdefault(low, set()).add(final)
    # A lowered character that two safe characters need to become different keys: drop both.
    conflicts = {low for low, keys in finals.items() if len(keys) > 1}
    safe = frozenset(ch for ch, lows in lowered.items() if not lows & conflicts)
    replace = {low: keys.pop() for low, keys in finals.items() if low not in conflicts}
    return safe, {low: key for low, key in replace.items() if low != key}


_SAFE, _REPLACE = _derive()
_UNSAFE = re.compile(f"[^{char_class(_SAFE)}]")
# Replacements every Arabic or English text may need are tried one by one (a C-level
# membership test each); the rest only when one regex finds one of them.
# Quotation marks are among them: Arabic news quotes with " and « » (and a text that needs a
# rare replacement leaves the plain Arabic path, see `_PLAIN_ARABIC`).
_COMMON = '\n-"«»آأإةى'
_REPLACE_COMMON = tuple((source, _REPLACE[source]) for source in _COMMON)
_REPLACE_RARE = re.compile(f"[{char_class(frozenset(_REPLACE) - frozenset(_COMMON))}]")
_DELETED_ANY = re.compile(f"[{_DELETED}]")
# Safe characters that need neither a rare replacement (after lower(): Σ may become ς) nor a
# deletion: most text has nothing else, and one scan tells.
_PLAIN = frozenset(
    ch for ch in _SAFE if ch != "Σ" and not _DELETED_ANY.match(ch) and not _REPLACE_RARE.match(ch.lower())
)
# Scans for a character outside a set, as possessive runs of the set (see `_run_end`): the
# regex engine's tight loop over a run takes half the time of a search for the first
# character outside it, which is tried at every position.
_PLAIN_RUN = re.compile(f"[{char_class(_PLAIN)}]*+")
_SAFE_RUN = re.compile(f"[{char_class(_SAFE)}]*+")
_NOT_RARE_RUN = re.compile(f"[^{char_class(frozenset(_REPLACE) - frozenset(_COMMON))}]*+")
_NOT_DELETED_RUN = re.compile(f"[^{_DELETED}]*+")
# Plain characters that lower() leaves alone and that language detection counts as plain
# Arabic (Arabic letters, digits, punctuation): text made only of them (most Arabic text) is
# its own lower-case form and needs no scan of its script, and one scan tells both.
_PLAIN_ARABIC = frozenset(ch for ch in _PLAIN if ch.lower() == ch and ch in PLAIN_ARABIC_CHARS)


# Glue in ASCII keys, found at C speed: bytes.translate classes every byte (word, space,
# other) and glue is an "other" before a "word" (a regex finds it faster than bytes.find).
_ASCII_CLASSES = bytes(
    ord("w") if is_word_char(chr(b)) else ord(" ") if b == 32 else ord("x") for b in range(256)
)
_ASCII_GLUE = re.compile(b"xw")
# Glue in text whose characters all take the plain Arabic path (so its key is that text,
# folded one to one, with space runs shortened): the scan for the first character that is
# not plain Arabic also stops at every glue character, so one pass finds both. A plain
# character's key is itself or one of `_REPLACE_COMMON`'s targets.
_PLAIN_FINAL = {ch: _REPLACE.get(ch, ch) for ch in _PLAIN_ARABIC}
_PLAIN_WORD = frozenset(ch for ch, final in _PLAIN_FINAL.items() if is_word_char(final))
_PLAIN_SPACE = frozenset(ch for ch, final in _PLAIN_FINAL.items() if final == " ")
_PLAIN_GLUE = frozenset(_PLAIN_ARABIC - _PLAIN_WORD - _PLAIN_SPACE)
_NOT_PLAIN_ARABIC_OR_GLUE = re.compile(
    f"[^{char_class(_PLAIN_WORD | _PLAIN_SPACE)}]"
    f"(?:(?<![{char_class(_PLAIN_GLUE)}])|(?=[{char_class(_PLAIN_WORD)}]))"
)
# Everything up to the first character that scan stops at, as one possessive match: runs of
# word characters and spaces, and glue characters with no word character after them (", ").
# It takes most Arabic text whole in half the scan's time (the regex engine's tight loop over
# a run, instead of a search attempt at every character); the scan starts where it stopped.
_PLAIN_ARABIC_NO_GLUE = re.compile(
    f"(?:[{char_class(_PLAIN_WORD | _PLAIN_SPACE)}]++"
    f"|[{char_class(_PLAIN_GLUE)}](?![{char_class(_PLAIN_WORD)}]))*+"
)


class MatchKey:
    """The matching key of `original`, and the original offsets of its characters."""

    __slots__ = (
        "_exact",
        "_index",
        "_resume_at",
        "_shift_at",
        "_shifts",
        "_spaced",
        "key",
        "original",
        "plain_arabic",
    )

    def __init__(self, original: str) -> None:
        self.original = original
        self._exact: Normalized | None = None
        self._index: Sequence[int] = ()
        # Key index i maps to i + _shifts[k], k the last with _shift_at[k] <= i.
        self._shift_at: list[int] = []
        self._shifts: list[int] = []
        # The original offset of the key character after each edit (where keying resumes),
        # for `shift_of`: made with the edits, as building it on first use cost more.
        self._resume_at: list[int] = []
        # See `spaced`: None until known.
        self._spaced: str | None = None
        # The first character that is not plain (-1: none). Every scan for characters that
        # need more than the plain fold starts there: all before it are plain. The same scan
        # finds every glue character of a plain text (see `_NOT_PLAIN_ARABIC_OR_GLUE`).
        other = None
        glue: list[int] = []
        events: Iterable[re.Match[str]] = ()  # none when the head is the whole text (usual)
        if "\u0621" <= original[:1] <= "\u064a":  # (other text would stop it at once)
            head = _run_end(_PLAIN_ARABIC_NO_GLUE, original, 0)
            if head < len(original):
                events = _NOT_PLAIN_ARABIC_OR_GLUE.finditer(original, head)
        else:
            events = _NOT_PLAIN_ARABIC_OR_GLUE.finditer(original)
        for event in events:
            if original[event.start()] not in _PLAIN_ARABIC:
                other = event
                break
            glue.append(event.start())
        # True if every character is one language detection counts as plain Arabic (an
        # Arabic letter, a digit, punctuation): see lang.detect_language(plain_arabic=…).
        self.plain_arabic = other is None
        if other is None:
            first, folded = -1, original
        else:
            first = _run_end(_PLAIN_RUN, original, other.start())
            first, folded = (first if first < len(original) else -1), original.lower()
        plain = first < 0
        # Characters outside `_SAFE` need the exact path (ASCII has none: no scan).
        if not plain and not original.isascii() and _run_end(_SAFE_RUN, original, first) < len(original):
            self._exact = norm = normalize(original)
            self.key, self._index = _fold_separators(norm.text)
            return
        # lower() keeps every safe character's offset, so `first` indexes `folded` too.
        for source, target in _REPLACE_COMMON:
            if source in folded:
                folded = folded.replace(source, target)
        if not plain and _run_end(_NOT_RARE_RUN, folded, first) < len(folded):
            for source in set(_REPLACE_RARE.findall(folded, first)):
                folded = folded.replace(source, _REPLACE[source])
        edits: Iterable[tuple[int, int, int]]
        if not plain and _run_end(_NOT_DELETED_RUN, folded, first) < len(folded):
            edits = [(*edit.span(), 1 if edit.group(1) else 0) for edit in _EDITS.finditer(folded)]
        else:
            # Without deletions the edits are only runs of spaces (a third of Arabic texts
            # has some: quotation marks fold to spaces, وقف "إطلاق النار"), which str.find
            # finds several times faster than a regex, `_EDITS` or one like `( ) +`.
            run = folded.find("  ")
            if run < 0:
                self.key = folded
                if other is None:  # plain Arabic: the scan above found every glue character
                    self._spaced = _spaced(folded, glue) if glue else folded
                return
            edits = _space_runs(folded, run)
        pieces: list[str] = []
        pos = shift = 0
        shift_at, shifts, resumes = self._shift_at, self._shifts, self._resume_at
        for start, end, kept in edits:
            pieces.append(folded[pos : start + kept])
            shift_at.append(start + kept - shift)
            shift += end - start - kept
            shifts.append(shift)
            resumes.append(end)  # = the new shift_at entry + shift
            pos = end
        pieces.append(folded[pos:])
        self.key = "".join(pieces)
        if other is None:  # plain Arabic keeps its glue characters: each lags as the key does
            self._spaced = _spaced(self.key, [at - (self.shift_of(at, at + 1) or 0) for at in glue])

    def spaced(self) -> str:
        """The key with glue turned into spaces: every non-word character right before a word
        character (`is_word_char`) becomes a space, so a space precedes every word but the
        first. Same length and offsets as the key; the key itself when it has no glue. (Above
        U+FFFF every character is taken for glue, word character or not.)"""
        spaced = self._spaced
        if spaced is None:
            key = self.key
            if key.isascii():
                data = key.encode("ascii")
                classes = data.translate(_ASCII_CLASSES)
                if _ASCII_GLUE.search(classes) is None:
                    spaced = key
                else:
                    buffer = bytearray(data)
                    for glue in _ASCII_GLUE.finditer(classes):
                        buffer[glue.start()] = 32  # a space
                    spaced = buffer.decode("ascii")
            else:
                spaced = space_glue(key)
            self._spaced = spaced
        return spaced

    @property
    def is_identity(self) -> bool:
        """True if key index i is original offset i (nothing was deleted, nothing composed)."""
        return self._exact is None and not self._shifts

    def shift_table(self) -> tuple[list[int], list[int]] | None:
        """How key offsets lag original ones, for callers that map many offsets themselves:
        (at, lag) lists such that key index i is original offset i + lag[k - 1], k the number
        of `at` entries <= i (none: no lag), for a span's start and last character; a span's
        end then extends over the marks after it (`MARK_CHARS`), as `span` does. None on the
        exact path, where `span` alone maps offsets."""
        return None if self._exact is not None else (self._shift_at, self._shifts)

    def shift_of(self, start: int, end: int) -> int | None:
        """How far key offsets lag original ones over the original span [start, end), if the
        span keys character for character (nothing deleted or composed in it); else None.

        Then `key[start - shift : end - shift]` is the key of the span's characters, which
        lets a caller key any word of the text by slicing instead of folding it again.
        """
        if self._exact is not None:
            return None
        shift_at = self._shift_at
        if not shift_at:
            return 0
        shifts = self._shifts
        k = bisect_right(self._resume_at, start)
        shift = shifts[k - 1] if k else 0
        # The span must end before the next edit, whose first deleted character follows
        # key index shift_at[k] - 1.
        return shift if k == len(shift_at) or end - shift <= shift_at[k] else None

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Original offsets of the non-empty key span [i, j) (it never starts at a space)."""
        if self._exact is not None:
            return self._exact.span(self._index[i], self._index[j - 1] + 1)
        shift_at = self._shift_at
        if not shift_at:
            return i, j
        shifts = self._shifts
        k = bisect_right(shift_at, i)
        start = i + shifts[k - 1] if k else i
        k = bisect_right(shift_at, j - 1, k)
        end = j + shifts[k - 1] if k else j
        # A letter's deleted marks belong to it (as in `normalize`).
        original = self.original
        if end < len(original) and original[end] in MARK_CHARS:
            marks = _MARK_RUN.match(original, end)
            end = marks.end() if marks else end
        return start, end


def _run_end(run: re.Pattern[str], text: str, pos: int) -> int:
    """Where the possessive run `run` (it matches the empty string too) from `pos` ends."""
    found = run.match(text, pos)
    return found.end() if found else pos


def _space_runs(text: str, at: int) -> Iterator[tuple[int, int, int]]:
    """The runs of two or more spaces in `text`, the first at `at`, as `_EDITS` gives them:
    (start, end, characters kept, the first space)."""
    while at >= 0:
        end = at + 2
        while text.startswith(" ", end):  # a run of three or more: rare
            end += 1
        yield at, end, 1
        at = text.find("  ", end)


def _spaced(key: str, glue: list[int]) -> str:
    """`key` with a space at each of the `glue` offsets (ascending)."""
    pieces: list[str] = []
    pos = 0
    for at in glue:
        pieces.append(key[pos:at])
        pos = at + 1
    pieces.append(key[pos:])
    return " ".join(pieces)


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


def exact_key(text: str) -> MatchKey:
    """The key by the exact path only (the reference the fast path is tested against)."""
    match_key = MatchKey.__new__(MatchKey)
    match_key.original = text
    match_key._exact = norm = normalize(text)
    match_key.key, match_key._index = _fold_separators(norm.text)
    match_key._shift_at, match_key._shifts, match_key._resume_at = [], [], []
    match_key._spaced = None
    match_key.plain_arabic = False
    return match_key


def is_fast(text: str) -> bool:
    """True if `text` takes the fast path."""
    return _UNSAFE.search(text) is None
