"""Guess an item's language from its script, with an English check for Latin text."""

from __future__ import annotations

import re

# Letters only Persian (پ چ ژ گ) or Urdu (ٹ ڈ ڑ ں ھ ہ ے) use: one of them in Arabic-script
# text tells it is not Arabic. Farsi yeh ی and keheh ک are left out on purpose: Arabic feeds
# sometimes contain them through Persian keyboards.
_PERSIAN = frozenset("پچژگ")
_URDU = frozenset("ٹڈڑںھہے")
# Frequent English function words; Latin-script text with enough of them is English.
# fmt: off
_ENGLISH = frozenset({
    "the", "a", "an", "of", "to", "in", "on", "and", "for", "with", "from", "by", "at",
    "is", "are", "was", "were", "be", "has", "have", "had", "that", "this", "it", "its",
    "as", "after", "over", "says", "said", "will", "not", "but", "who", "new",
})
# fmt: on
_WORD = re.compile(r"[^\W\d_]+")
# Letters of the Arabic script blocks (Arabic, Arabic Supplement, presentation forms) and of
# Latin (ASCII, Latin-1, Latin Extended-A/B, IPA-free); marks and digits are not letters.
_ARABIC_LETTER = re.compile(
    r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdfb\ufe70-\ufefc]"
)
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
# Share of Latin words that must be English function words (news prose sits near 0.3-0.5).
_ENGLISH_SHARE = 0.12
_KNOWN = frozenset({"ar", "en", "fa", "ur"})


def detect_language(text: str, hint: str | None = None) -> str:
    """The BCP 47 language of `text`: "ar", "en", "fa", "ur" or "und" (undetermined).

    Script decides: Arabic-script text is "ar" unless Persian or Urdu letters show up;
    Latin text is "en" when enough of its words are English function words. A `hint` (the
    feed's declared language) is trusted whenever the script agrees with it, so an English
    feed's "Live: Gaza" headline stays "en" and a hint for another Latin language is kept.
    """
    total = sum(map(str.isalpha, text))
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    base = hint.split("-")[0].lower() if hint else None
    if total == 0 or max(arabic, latin, total - arabic - latin) * 2 < total:
        return hint or "und"  # no letters, or no script in the majority
    if arabic * 2 >= total:
        chars = set(text)
        guess = "fa" if chars & _PERSIAN else "ur" if chars & _URDU else "ar"
        return hint if hint and base in {"ar", "fa", "ur"} else guess
    if latin * 2 >= total:
        if hint and (base == "en" or base not in _KNOWN | {"und"}):
            return hint  # English, or a Latin-script language we cannot tell apart
        words = _WORD.findall(text.lower())
        english = sum(1 for w in words if w in _ENGLISH)
        return "en" if words and english / len(words) >= _ENGLISH_SHARE else "und"
    return hint if hint and base not in _KNOWN else "und"
