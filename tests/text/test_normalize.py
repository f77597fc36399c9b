"""streams.text.normalize: every folding rule, offsets back to the original, idempotence."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.text.normalize import _COMPOSES_BACKWARD, _by_segments, normalize


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("إِدْلِب", "ادلب"),  # tashkeel U+064B–U+0652 dropped, hamza below folded
        ("هٰذا", "هذا"),  # dagger alef U+0670
        ("إدلـــب", "ادلب"),  # tatweel U+0640
        ("آ أ إ ٱ", "ا ا ا ا"),  # alef forms -> bare alef
        ("على مستشفى", "علي مستشفي"),  # alef maqsura -> yeh
        ("سورية", "سوريه"),  # teh marbuta -> heh
        ("کابل یوم", "كابل يوم"),  # keheh, Farsi yeh
        ("٢٠٢٠ ۲۰۲۰", "2020 2020"),  # Arabic-Indic and Persian digits
        ("\u200fإدلب\u200b\u202a\u2066\ufeff\u061c\u00ad", "ادلب"),  # invisible format chars
        ("ﻻ ﷲ", "لا الله"),  # presentation forms through NFKC
        ("Erdoğan STRASSE Straße", "erdoğan strasse strasse"),  # casefold
        ("ﬁ", "fi"),  # compatibility ligature
    ],
)
def test_folds(raw: str, key: str) -> None:
    assert normalize(raw).text == key


def test_ascii_fast_path_is_identity_mapped() -> None:
    norm = normalize("Putin SAYS")
    assert norm.text == "putin says"
    assert norm.span(0, 5) == (0, 5)


def test_span_covers_removed_marks_and_expansions() -> None:
    raw = "في إِدْلِب اليوم"
    norm = normalize(raw)
    i = norm.text.index("ادلب")
    start, end = norm.span(i, i + 4)
    assert raw[start:end] == "إِدْلِب"


def test_span_of_expanded_character_maps_to_whole_character() -> None:
    raw = "xﬁy"
    norm = normalize(raw)
    assert norm.text == "xfiy"
    assert norm.span(1, 2) == (1, 2)  # "f" alone still maps to the whole ligature
    assert norm.span(1, 3) == (1, 2)


def test_empty_span_and_bounds() -> None:
    norm = normalize("ابc")
    assert norm.span(3, 3) == (3, 3)
    with pytest.raises(IndexError):
        norm.span(2, 9)


def test_hamza_exposed_by_a_deleted_tatweel_is_folded() -> None:
    # ا + ـ + hamza above: once tatweel goes, the hamza composes with the alef (أ -> ا).
    assert normalize("اـ\u0654").text == "ا"


def test_composes_backward_table_matches_unicodedata() -> None:
    derived = set()
    for cp in range(sys.maxunicode + 1):
        decomposition = unicodedata.decomposition(chr(cp))
        if not decomposition or decomposition.startswith("<"):
            continue
        parts = decomposition.split()
        if len(parts) == 2:
            first, second = (chr(int(p, 16)) for p in parts)
            if unicodedata.combining(second) == 0 and unicodedata.normalize("NFC", first + second) == chr(cp):
                derived.add(ord(second))
    assert derived == set(_COMPOSES_BACKWARD)


_texts = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("إأآٱاـًٌٍَُِّْٰىةیک٠٩۰۹\u0654\u0655\u0653\u200f\u200bﻻﷲ İßﬁ"),
    ),
    max_size=40,
)


@settings(max_examples=500, deadline=None)
@given(_texts)
def test_idempotent(raw: str) -> None:
    once = normalize(raw).text
    assert normalize(once).text == once


@settings(max_examples=500, deadline=None)
@given(_texts, st.data())
def test_spans_are_valid_in_the_original(raw: str, data: st.DataObject) -> None:
    norm = normalize(raw)
    n = len(norm.text)
    i = data.draw(st.integers(0, n))
    j = data.draw(st.integers(i, n))
    start, end = norm.span(i, j)
    assert 0 <= start <= end <= len(raw)
    if i < j:
        assert start < end
        # The original slice folds to a key containing the key slice.
        assert norm.text[i:j] in normalize(raw[start:end]).text


@settings(max_examples=500, deadline=None)
@given(_texts)
def test_fast_paths_agree_with_the_general_path(raw: str) -> None:
    fast, slow = normalize(raw), _by_segments(raw)
    assert fast.text == slow.text
    n = len(fast.text)
    assert [fast.span(i, i + 1) for i in range(n)] == [slow.span(i, i + 1) for i in range(n)]
