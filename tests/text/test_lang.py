"""streams.text.lang: script-based language detection with feed hints."""

from __future__ import annotations

import pytest

from streams.text.lang import detect_language


@pytest.mark.parametrize(
    ("text", "hint", "lang"),
    [
        ("اتفق الرئيس الروسي فلاديمير بوتين ونظيره التركي", None, "ar"),
        ("Putin and Erdogan agree to work towards an Idlib ceasefire", None, "en"),
        ("Live: Gaza", "en", "en"),
        ("Live: Gaza", None, "und"),
        ("Le président a dit que la trêve tiendra", "fr", "fr"),
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
