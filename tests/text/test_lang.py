"""streams.text.lang: script-based language detection with feed hints."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from streams.text import lang
from streams.text.lang import detect_language
from streams.text.matchkey import MatchKey


@pytest.mark.parametrize(
    ("text", "hint", "lang"),
    [
        ("اتفق الرئيس الروسي فلاديمير بوتين ونظيره التركي", None, "ar"),
        ("Putin and Erdogan agree to work towards an Idlib ceasefire", None, "en"),
        ("Live: Gaza", "en", "en"),
        ("Live: Gaza", None, "und"),
        ("Le président a dit que la trêve tiendra", "fr", "fr"),
        ("Le président a dit que la trêve tiendra dans les prochains jours", None, "fr"),
        ("Der Präsident sagt, die Waffenruhe ist nicht stabil", None, "de"),
        ("Russia, Turkey agree Idlib ceasefire\nPutin and Erdogan spoke.", None, "en"),
        ("Idlib truce holds\nCalm returns to Syria's north-west", None, "en"),
        ("این یک گزارش خبری است", None, "fa"),
        ("یہ ایک خبر ہے", None, "ur"),
        ("2020 - 12", None, "und"),
        ("", "ar", "ar"),
        ("Путин и Эрдоган", None, "und"),
        ("قال بوتين في مؤتمر صحفي في Moscow اليوم", "ar", "ar"),
        ("قال بوتين في مؤتمر صحفي", "en", "ar"),
    ],
)
def test_detect_language(text: str, hint: str | None, lang: str) -> None:
    assert detect_language(text, hint) == lang


def test_arabic_hint_does_not_override_latin_text() -> None:
    assert detect_language("Putin and Erdogan agree on a ceasefire in Idlib", "ar") == "en"


def _reference(text: str, hint: str | None) -> str:
    """`detect_language` written plainly: letters counted one by one, every check run."""
    arabic = len(lang._ARABIC_LETTER.findall(text))
    latin = len(lang._LATIN_LETTER.findall(text))
    total = sum(map(str.isalpha, text))
    base = hint.split("-")[0].lower() if hint else None
    if total == 0 or max(arabic, latin, total - arabic - latin) * 2 < total:
        return hint or "und"
    if arabic * 2 >= total:
        chars = set(text)
        guess = "fa" if chars & lang._PERSIAN else "ur" if chars & lang._URDU else "ar"
        return hint if hint and base in {"ar", "fa", "ur"} else guess
    if latin * 2 >= total:
        if hint and (base == "en" or base not in {"ar", "en", "fa", "ur", "und"}):
            return hint
        found = lang._WORD.findall(text.lower())
        english = sum(map(lang._ENGLISH.__contains__, found))
        others = {code: sum(map(words.__contains__, found)) for code, words in lang._OTHER_LATIN.items()}
        code, best = max(others.items(), key=lambda kv: (kv[1], -list(others).index(kv[0])))
        if best >= 2 and best > english:
            return code
        return "en" if found and english / len(found) >= lang._ENGLISH_SHARE else "und"
    return hint if hint and base not in {"ar", "en", "fa", "ur"} else "und"


# Arabic letters and punctuation (the plain-Arabic scan), Persian/Urdu letters, Latin letters,
# digits and a few characters the counting fast paths don't take (CJK, an emoji, a ligature).
_LANG_ALPHABET = "ابتثجحدرسعلمنهوي ءآأإةى ،؛؟.,:!-«»0123456789٠١٢پچژگٹڈڑںھہےabcXYZéÉñ 中😀ﷲ\u064e\u0640\u200f"


@settings(max_examples=500)
@given(
    st.text(alphabet=_LANG_ALPHABET, max_size=60), st.sampled_from([None, "ar", "en", "fr", "fa-IR", "und"])
)
@example("قال بوتين، في مؤتمر صحفي 2020", None)
@example("Putin and Erdogan agree, says the Kremlin", None)
@example("یہ ایک خبر ہے", "ar")
def test_fast_paths_agree_with_plain_counting(text: str, hint: str | None) -> None:
    assert detect_language(text, hint) == _reference(text, hint)


@settings(max_examples=300)
@given(
    st.lists(
        st.sampled_from(["the", "of", "Gaza", "truce", "talks", "a", "1", "-", ",", "é", "x"]), max_size=30
    ),
    st.sampled_from([None, "en", "fr"]),
)
def test_english_share_agrees_with_plain_counting(words: list[str], hint: str | None) -> None:
    text = " ".join(words)
    assert detect_language(text, hint) == _reference(text, hint)


_MIXED = 'ابتسپچگیکة ٠١23.,،؛!?-\n"aBé'  # Arabic, Persian, digits, punctuation, Latin


@settings(max_examples=300)
@given(st.text(alphabet=_MIXED, max_size=30), st.sampled_from([None, "ar", "en", "fa"]))
def test_a_key_that_saw_plain_arabic_spares_the_scan(text: str, hint: str | None) -> None:
    key = MatchKey(text)
    if key.plain_arabic:
        assert detect_language(text, hint, plain_arabic=True) == detect_language(text, hint)
    # Text with a Latin letter is never taken for plain Arabic.
    assert not (key.plain_arabic and any(ch.isascii() and ch.isalpha() for ch in text))
