"""The matching key's fast path against the exact path: same key, same offsets."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from streams.text.matcher import phrase_key
from streams.text.matchkey import _REPLACE, _SAFE, MatchKey, exact_key, is_fast
from streams.text.wordchars import is_word_char, space_glue

# Letters, marks, separators and deletions the fast path handles, plus a few that force the
# exact path (a ligature, ß, a presentation form, a combining acute, hamza above).
_ALPHABET = (
    "abcXYZ éÉΣσς -–—\u2212\n\t  \u00a0ابتةىأإآٱیک٠١٢۳"
    "\u064b\u064e\u0650\u0651\u0652\u0670\u0640\u200b\u200c\u200f\u202b\u2066\ufeff\u061c\u00ad"
    ".,'؟،\"«»"
)
_HOSTILE = "İﬁßﻟ\u0301\u0654\u0653"
texts = st.text(alphabet=_ALPHABET, max_size=40)
any_texts = st.text(alphabet=_ALPHABET + _HOSTILE, max_size=40)


def _spans(key: MatchKey) -> list[tuple[int, int]]:
    # Every span a match can report: non-empty, not starting or ending at a space.
    n = len(key.key)
    return [
        key.span(i, j)
        for i in range(n)
        for j in range(i + 1, n + 1)
        if key.key[i] != " " and key.key[j - 1] != " "
    ]


@settings(max_examples=400)
@given(texts)
@example("إِدْلِبُ \u200f - بِسُورِيَّةَ")
@example("ΣΟΦΙΑΣ  x")
@example("cease - fire  now \t ok")  # separator runs but nothing deleted (the space-run scan)
def test_fast_path_equals_exact_path(text: str) -> None:
    fast, exact = MatchKey(text), exact_key(text)
    assert is_fast(text)
    assert fast.key == exact.key
    assert _spans(fast) == _spans(exact)


@given(any_texts)
def test_exact_path_texts_get_the_exact_key(text: str) -> None:
    assert MatchKey(text).key == exact_key(text).key


@settings(max_examples=300)
@given(texts)
def test_spans_map_back_to_the_matched_key(text: str) -> None:
    # (Not for the exact path: there a ligature such as ﬁ is one character with a two-letter
    # key, so half of its key cannot map back to a piece of the original.)
    key = MatchKey(text)
    n = len(key.key)
    for i, j in [(a, b) for a in range(n) for b in range(a + 1, n + 1)]:
        piece = key.key[i:j]
        if piece != piece.strip() or not piece.strip():
            continue
        start, end = key.span(i, j)
        assert phrase_key(text[start:end]) == piece


@given(any_texts)
def test_key_is_idempotent(text: str) -> None:
    once = MatchKey(text).key
    assert MatchKey(once).key == once


def test_replacements_do_not_chain() -> None:
    # The fast path applies replacements in any order, so no target may be a source.
    assert not set(_REPLACE.values()) & set(_REPLACE)
    assert all(MatchKey(source).key == exact_key(source).key for source in _REPLACE if source in _SAFE)


def test_every_safe_character_folds_like_the_exact_path() -> None:
    for ch in _SAFE:
        for text in (ch, f"x{ch}y", f"ب{ch}\u064e", f" {ch} "):
            fast, exact = MatchKey(text), exact_key(text)
            assert fast.key == exact.key, repr(text)
            assert _spans(fast) == _spans(exact), repr(text)


def test_all_ascii_is_safe() -> None:
    # MatchKey skips the safety check for ASCII text.
    assert all(chr(cp) in _SAFE for cp in range(128))


@settings(max_examples=300, deadline=None)  # cubic in the text's length: slow on a busy machine
@given(texts)
@example("a  b")
@example("إِدْلِب \u200f - x")
def test_shift_of_names_the_key_characters_of_a_span(text: str) -> None:
    key = MatchKey(text)
    positions = {key.span(i, i + 1)[0]: i for i in range(len(key.key))}  # original -> key
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            shift = key.shift_of(start, end)
            # Every character of the span has a key character, at offset - shift...
            whole = all(positions.get(o) == o - (shift or 0) for o in range(start, end))
            # ...exactly when the span keys character for character.
            contiguous = all(o in positions for o in range(start, end)) and all(
                positions[o + 1] == positions[o] + 1 for o in range(start, end - 1)
            )
            assert (shift is not None) == contiguous
            if shift is not None:
                assert whole


def _spaced_by_definition(key: str) -> str:
    # Glue: not a word character, not a space, right before a word character; above U+FFFF
    # every character counts as glue.
    def glue(ch: str) -> bool:
        return ch != " " and (ord(ch) > 0xFFFF or not is_word_char(ch))

    return "".join(
        " " if glue(ch) and i + 1 < len(key) and not glue(key[i + 1]) and key[i + 1] != " " else ch
        for i, ch in enumerate(key)
    )


# Glue characters of every kind: ASCII and Arabic punctuation, the plain-Arabic path's
# characters, a mark, an underscore, an emoji and a letter above U+FFFF.
_GLUE_ALPHABET = _ALPHABET + "()/&#_%:؛«»٫😀𝐀𠀀\u0301ـ"


@settings(max_examples=400)
@given(st.text(alphabet=_GLUE_ALPHABET, max_size=30))
@example("(إدلب) و/حلب")
@example("U.S. 2,000")
@example("\u200f(ادلب")
@example("𠀀b (😀x")
def test_spaced_turns_glue_into_spaces(text: str) -> None:
    key = MatchKey(text)
    spaced = key.spaced()
    assert spaced == _spaced_by_definition(key.key)
    assert spaced == space_glue(key.key)


def test_spaced_is_the_key_itself_without_glue() -> None:
    for text in ("دعا الرئيس، أمس، إلى وقف إطلاق النار.", "Russia and Turkey agree a truce."):
        key = MatchKey(text)
        assert key.spaced() is key.key
    assert MatchKey("(إدلب)").spaced() == " ادلب)"
    assert MatchKey("the U.S. said").spaced() == "the u s. said"


def test_quoted_arabic_stays_plain() -> None:
    # Quotation marks are common in Arabic news: they must not push a text off the plain path.
    text = 'قال "إدلب" و«حلب»'
    key = MatchKey(text)
    assert key.plain_arabic
    assert key.key == exact_key(text).key == "قال ادلب و حلب "


def test_plain_arabic_head_then_glue_or_other_characters() -> None:
    # The scan for glue and non-plain characters resumes after a plain Arabic head: what
    # follows the head is still found.
    glued = MatchKey("دعا الرئيس، أمس، إلى هدنة في (إدلب)")
    assert glued.plain_arabic
    assert glued.spaced() == space_glue(glued.key) == "دعا الرئيس، امس، الي هدنه في  ادلب)"
    mixed = MatchKey("دعا الرئيس، أمس، إلى هدنة في Idlib")
    assert not mixed.plain_arabic
    assert mixed.key == exact_key(mixed.original).key
