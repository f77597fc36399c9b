"""streams.text.matcher: whole words, Arabic proclitic forms, separators, original offsets."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from streams.text.clitics import clitic_forms, has_article
from streams.text.matcher import Match, PhraseMatcher, longest_non_overlapping, phrase_key
from streams.text.matchkey import MatchKey
from streams.text.wordchars import is_word_char

CEASEFIRE = ["وقف إطلاق النار", "وقف اطلاق نار", "هدنة", "ceasefire", "cease-fire", "truce"]


def _matcher(phrases: dict[str, str], *, article: bool = False) -> PhraseMatcher[str]:
    matcher: PhraseMatcher[str] = PhraseMatcher()
    for phrase, payload in phrases.items():
        matcher.add(phrase, payload, article=article)
    return matcher.build()


def _found(matcher: PhraseMatcher[str], text: str) -> list[tuple[str, str]]:
    matches = matcher.find(text)
    for m in matches:
        assert text[m.start : m.end] == m.text
    return [(m.text, m.payload) for m in matches]


@pytest.fixture(scope="module")
def ceasefire() -> PhraseMatcher[str]:
    matcher: PhraseMatcher[str] = PhraseMatcher()
    for term in CEASEFIRE:
        matcher.add(term, "ceasefire")
    return matcher.build()


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("دعا لوقف إطلاق النار فورا", "وقف إطلاق النار"),
        ("ووقف اطلاق النار", "وقف اطلاق النار"),
        ("انهارت الهدنة أمس", "الهدنة"),
        ("وبالهدنة", "الهدنة"),
        ("للهدنة", "لهدنة"),
        ("a Cease-Fire in Gaza", "Cease-Fire"),
        ("a cease fire", "cease fire"),
        ("a cease – fire", "cease – fire"),
        ("CEASEFIRE talks", "CEASEFIRE"),
        ("truce.", "truce"),
    ],
)
def test_concept_terms(ceasefire: PhraseMatcher[str], text: str, span: str) -> None:
    assert [t for t, _ in _found(ceasefire, text)] == [span]


@pytest.mark.parametrize("text", ["هدنتين", "truces", "ceasefired", "ختruce", "بهدنةٍx"])
def test_whole_words_only(ceasefire: PhraseMatcher[str], text: str) -> None:
    assert _found(ceasefire, text) == []


def test_proclitics_are_not_reported() -> None:
    m = _matcher({"إدلب": "idlib"})
    for text in ["في إدلب", "بإدلب", "وإدلب", "فبإدلب", "لإدلب", "كإدلب", "ولإدلب"]:
        assert _found(m, text) == [("إدلب", "idlib")], text


def test_names_that_start_with_proclitic_letters_stay_whole() -> None:
    m = _matcher({n: n for n in ["بوتين", "لبنان", "فرنسا", "البحرين", "واشنطن", "حرين", "نان"]})
    text = "بوتين ولبنان وفرنسا والبحرين وواشنطن"
    assert [t for t, _ in _found(m, text)] == ["بوتين", "لبنان", "فرنسا", "البحرين", "واشنطن"]
    # بوتين never reads as ب + a shorter name even when one exists.
    assert [p for _, p in _found(m, "لبنان")] == ["لبنان"]


def test_article_phrases() -> None:
    m = _matcher({"الجزائر": "dz", "اللاذقية": "latakia"})
    found = _found(m, "والجزائر وبالجزائر وللجزائر فالجزائر للاذقية وباللاذقية")
    assert found == [
        ("الجزائر", "dz"),
        ("الجزائر", "dz"),
        ("لجزائر", "dz"),  # ل + ال: the article's lam is part of the name span
        ("الجزائر", "dz"),
        ("لاذقية", "latakia"),
        ("اللاذقية", "latakia"),
    ]


def test_hamza_initial_words_are_not_the_article() -> None:
    assert has_article("الجزائر") and has_article("ٱلقدس")
    assert not has_article("ألمانيا") and not has_article("إلياس")
    m = _matcher({"ألمانيا": "de", "ألماني": "german"}, article=True)
    assert _found(m, "لألمانيا الألماني للألماني") == [
        ("ألمانيا", "de"),
        ("الألماني", "german"),
        ("لألماني", "german"),
    ]


def test_article_is_optional_for_bare_phrases() -> None:
    forms = dict(clitic_forms(phrase_key("هدنة"), definite=False))
    assert {"هدنه", "الهدنه", "والهدنه", "بالهدنه", "للهدنه", "فللهدنه"} <= set(forms)
    bare = dict(clitic_forms(phrase_key("هدنة"), definite=False, article=False))
    assert "الهدنه" not in bare


def test_context_before_is_matched_not_reported() -> None:
    matcher: PhraseMatcher[str] = PhraseMatcher()
    matcher.add("صور", "tyre", before="مدينة")
    matcher.build()
    found = matcher.find("قصف بمدينة صور وصور")
    assert [(m.text, m.extent) for m in found] == [("صور", (4, 14))]


def test_multiword_arabic_with_diacritics_and_invisible_marks() -> None:
    m = _matcher({"رجب طيب أردوغان": "erdogan"})
    text = "الرئيس رَجَب طيّب\u200f  أردوغان"
    assert _found(m, text) == [("رَجَب طيّب\u200f  أردوغان", "erdogan")]


def test_longest_non_overlapping_keeps_same_extent_readings() -> None:
    m: PhraseMatcher[str] = PhraseMatcher()
    for phrase, payload in [("Gaza", "city"), ("Gaza", "strip?"), ("Gaza Strip", "strip")]:
        m.add(phrase, payload)
    m.build()
    text = "the Gaza Strip and Gaza"
    kept = longest_non_overlapping(m.find(text))
    assert [(k.text, k.payload) for k in kept] == [
        ("Gaza Strip", "strip"),
        ("Gaza", "city"),
        ("Gaza", "strip?"),
    ]


def test_match_is_a_value() -> None:
    match = Match(0, 4, "Gaza", "x", "gaza", (0, 4))
    assert match == Match(0, 4, "Gaza", "x", "gaza", (0, 4))


def test_lifecycle_errors() -> None:
    m: PhraseMatcher[str] = PhraseMatcher()
    with pytest.raises(RuntimeError):
        m.find("x")
    with pytest.raises(ValueError, match="empty"):
        m.add("\u064e", "x")
    m.build()
    assert m.find("anything") == []
    with pytest.raises(RuntimeError):
        m.add("late", "x")


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["a", "b", "c", "ب", "الب", "a-b", "د"]), max_size=12))
def test_find_is_sorted_by_start_then_longest_first(words: list[str]) -> None:
    # Nested and overlapping phrases (a b, b c, a b c …) break the hits' end-offset order.
    matcher: PhraseMatcher[str] = PhraseMatcher()
    for phrase in ("a", "b", "a b", "b c", "a b c", "c a", "ب", "ب د", "د ب"):
        matcher.add(phrase, phrase)
    matcher.build()
    for text in (" ".join(words), "  ".join(words), "\u200f".join(words)):
        found = matcher.find(text)
        assert found == sorted(found, key=lambda m: (m.extent[0], -m.extent[1]))


# Phrases with glue inside (u.s, at&t), phrases that start with a non-word character or a
# letter above U+FFFF (𠀀, U+20000: searched without the space anchor), and plain ones.
# Latin, Arabic, mixed-script (ب a) and letterless (12) phrases go to different automata (see
# PhraseMatcher._anchored_hits): a text of one script searches one, a mixed text both.
_GLUE_PHRASES = (
    "u.s",
    "u s",
    "s",
    "at&t",
    "t",
    "a b",
    "b",
    "#x",
    "(a",
    "𠀀b",
    "ب",
    "اب",
    "ب.ب",
    "x_y",
    "ب a",
    "12",
)


def _whole_word_occurrences(phrases: tuple[str, ...], text: str) -> list[tuple[tuple[int, int], str]]:
    # The definition, by brute force: every place a phrase's key occurs in the text's key with
    # a non-word character (or nothing) on both sides.
    key = MatchKey(text)
    k = key.key
    out = []
    for phrase in phrases:
        target = phrase_key(phrase)
        for i in range(len(k) - len(target) + 1):
            j = i + len(target)
            if k[i:j] != target:
                continue
            if (i and is_word_char(k[i - 1])) or (j < len(k) and is_word_char(k[j])):
                continue
            out.append((key.span(i, j), phrase))
    return sorted(out)


@settings(max_examples=400)
@given(
    st.lists(
        # Deleted characters (RLM, tatweel, a fatha) and double spaces shift key offsets.
        st.sampled_from(
            [
                *_GLUE_PHRASES,
                "a",
                "u",
                " ",
                "  ",
                ".",
                "&",
                "(",
                ")",
                "\u200f",
                "😀",
                "𝐀",
                "𠀀",
                "ـ",
                "\u064e",
                "12",
            ]
        ),
        max_size=14,
    )
)
@example(["(", "a", " ", "b"])
@example(["u", ".", "s", " ", "s"])
@example(["  ", "ب", "\u064e", " ", "اب", "\u064e"])
@example(["𠀀", "b", " ", "#x"])
def test_find_is_every_whole_word_occurrence(pieces: list[str]) -> None:
    # With every phrase, and without the unanchored ones (#x, (a, 𠀀b), which take another path.
    anchored = tuple(p for p in _GLUE_PHRASES if p[0] not in "#(𠀀")
    for phrases in (_GLUE_PHRASES, anchored):
        matcher: PhraseMatcher[str] = PhraseMatcher()
        for phrase in phrases:
            matcher.add(phrase, phrase, proclitics=False)
        matcher.build()
        for text in ("".join(pieces), " ".join(pieces)):
            found = matcher.find(text)
            assert sorted((m.extent, m.payload) for m in found) == _whole_word_occurrences(phrases, text)
            assert found == sorted(found, key=lambda m: (m.extent[0], -m.extent[1]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(إدلب) وحلب", ["إدلب", "حلب"]),  # glue before a name
        ("قصف/إدلب", ["إدلب"]),
        ("the U.S. said", ["U.S", "S"]),  # S stands alone after the glue too
        ("the u s said", ["u s", "s"]),
        ("ab", []),  # b inside a word
        ("a.b", ["b"]),
        ("a.b c", ["b"]),  # "a b" is not "a.b"
        ("قصف  بإدلب", ["إدلب"]),  # offsets shifted by a shortened space run, a proclitic
        ("وَبِإِدْلِبَ وحلب", ["إِدْلِبَ", "حلب"]),  # and by deleted marks, which a name keeps
    ],
)
def test_glue_and_anchoring(text: str, expected: list[str]) -> None:
    m = _matcher({p: p for p in ("إدلب", "حلب", "U.S", "u s", "s", "b", "a b")})
    assert [t for t, _ in _found(m, text)] == expected


def test_a_plain_arabic_key_holds_no_letter_of_another_script() -> None:
    # PhraseMatcher searches only its Arabic automaton in a text MatchKey calls plain Arabic:
    # exact only while no character such a text can key to is a letter of another script.
    from streams.text.matcher import _ARABIC_LETTER, _OTHER_LETTER
    from streams.text.matchkey import _PLAIN_ARABIC, _PLAIN_FINAL

    finals = {_PLAIN_FINAL[ch] for ch in _PLAIN_ARABIC}
    assert len([ch for ch in finals if _ARABIC_LETTER.match(ch)]) > 30
    assert sorted(ch for ch in finals if _OTHER_LETTER.match(ch)) == []


def test_each_script_finds_its_phrases_alone_and_mixed() -> None:
    matcher: PhraseMatcher[str] = PhraseMatcher()
    for phrase in ("إدلب", "Idlib", "1967", "BBC عربي"):
        matcher.add(phrase, phrase)
    matcher.build()
    assert [m.payload for m in matcher.find("قصف إدلب منذ 1967")] == ["إدلب", "1967"]
    assert [m.payload for m in matcher.find("Idlib since 1967")] == ["Idlib", "1967"]
    assert [m.payload for m in matcher.find("قالت BBC عربي إن إدلب و Idlib")] == ["BBC عربي", "إدلب", "Idlib"]
