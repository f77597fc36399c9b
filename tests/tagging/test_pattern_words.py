"""The patterns' fast word keys agree with folding the whole window (see patterns._words)."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.tagging.pattern_text import (
    GLUED,
    NEXT_WORD,
    WINDOW,
    WORD,
    Item,
    glued_run,
    glued_words,
    is_one_to_one,
)
from streams.tagging.patterns import PatternReader
from streams.text.matcher import phrase_key
from streams.text.matchkey import MatchKey, is_fast
from streams.text.normalize import normalize


def test_one_to_one_class_covers_every_code_point() -> None:
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        expected = is_fast(ch) and len(normalize(ch).text) == 1
        assert is_one_to_one(ch) == expected, hex(cp)


def _reference(text: str, pos: int, limit: int) -> list[tuple[int, int, str, bool]]:
    """The straightforward reading: fold the window once, slice each word's key from it."""
    window = text[pos : pos + WINDOW]
    folded = normalize(window).text
    if len(folded) != len(window):
        folded = ""
    out: list[tuple[int, int, str, bool]] = []
    prev = 0
    for m in WORD.finditer(window):
        start, end = m.span()
        glued = not window[prev:start].strip()
        key = folded[start:end] if folded else phrase_key(m.group())
        key = key if glued else ""  # a word after punctuation ends every reading: never keyed
        out.append((pos + start, pos + end, key, glued))
        if not glued or len(out) >= limit:
            break
        prev = end
    return out


@pytest.mark.parametrize(
    "text",
    [
        "قال الرئيس الفرنسي إيمانويل ماكرون إن بلاده",
        "قالَ الرئيسُ الفرنسيُّ إيمانويل ماكرون",
        "قال الرئيـــس \u200fالأمريكي جو بايدن، إن",
        "President Emmanuel Macron of France said al-Assad's O'Brien",
        "PRESIDENT Joe Biden said ﬁne Ⅳ straße",
        # Words glued without a space (a-bـc), a hyphen left hanging, junk between words.
        "said a-bـc d abc- def x ,y z__w 12 al-'Assad",
        "   قال  \t الرئيس\nالأمريكي (جو) بايدن",
    ],
)
@pytest.mark.parametrize("keyed", [False, True])
def test_word_keys_match_the_window_fold(text: str, keyed: bool) -> None:
    # keyed: words are sliced from the text's MatchKey (the tagger's way), else folded.
    item = Item(text, [], MatchKey(text) if keyed else None)
    for pos in range(len(text)):
        for limit in (1, 5, 10):
            assert PatternReader._words(item, pos, limit) == _reference(text, pos, limit)


# Letters, marks, deletions, separators and inner hyphens/apostrophes: the cases where a slice
# of the text's key could differ from a word's own fold.
_ALPHABET = "ab Σς-'’\"«» \t\u00a0اإةى\u064e\u0651\u0640\u200f.،ﬁß"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=30))
def test_sliced_word_keys_equal_folded_ones(text: str) -> None:
    keyed, folded = Item(text, [], MatchKey(text)), Item(text, [])
    for pos in range(len(text)):
        assert PatternReader._words(keyed, pos, 5) == PatternReader._words(folded, pos, 5)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=30))
def test_glued_words_are_the_words_before_punctuation(text: str) -> None:
    # glued_words (the given-name reader's read) is _words without the word after punctuation.
    for item in (Item(text, [], MatchKey(text)), Item(text, [])):
        for pos in range(len(text)):
            words = PatternReader._words(item, pos, 3)
            assert glued_words(item, pos, 3) == [w for w in words if w[GLUED]]


def _greedy_run(limit: int) -> re.Pattern[str]:
    """`glued_run` as it would be with `WORD`'s own greedy quantifiers."""
    pattern = ""
    for _ in range(limit):
        pattern = f"\\s*({WORD.pattern})" + (f"(?:{pattern})?" if pattern else "")
    return re.compile(pattern)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=30))
def test_possessive_runs_read_what_greedy_ones_do(text: str) -> None:
    # glued_run's possessive quantifiers only drop backtracking state: the same words.
    for limit in (1, 3, 4):
        fast, greedy = glued_run(limit), _greedy_run(limit)
        for pos in range(len(text)):
            a, b = fast.match(text, pos, pos + WINDOW), greedy.match(text, pos, pos + WINDOW)
            assert (a and a.regs) == (b and b.regs)
    for pos in range(len(text)):
        a, b = NEXT_WORD.search(text, pos), WORD.search(text, pos)
        assert (a and a.span()) == (b and b.span())
