"""Guess an item's language from its script, with an English check for Latin text."""

from __future__ import annotations

import re
from typing import TypeVar

# Letters only Persian (پ چ ژ گ) or Urdu (ٹ ڈ ڑ ں ھ ہ ے) use: one of them in Arabic-script
# text tells it is not Arabic. Farsi yeh ی and keheh ک are left out on purpose: Arabic feeds
# sometimes contain them through Persian keyboards.
_PERSIAN = frozenset("پچژگ")
_URDU = frozenset("ٹڈڑںھہے")
# Frequent English function words, and the words English news headlines are made of (they
# have few function words: "Russia, Turkey agree Idlib ceasefire"); Latin-script text with
# enough of them is English.
# fmt: off
_ENGLISH = frozenset({
    "the", "a", "an", "of", "to", "in", "on", "and", "for", "with", "from", "by", "at",
    "is", "are", "was", "were", "be", "has", "have", "had", "that", "this", "it", "its",
    "as", "after", "over", "says", "said", "will", "not", "but", "who", "new",
    "amid", "against", "into", "about", "more", "than", "up", "out", "back", "off", "how",
    "what", "why", "when", "where", "could", "would", "should", "can", "may", "they", "their",
    "he", "she", "his", "her", "we", "you", "say", "kill", "kills", "killed", "dead", "dies",
    "attack", "attacks", "strike", "strikes", "talks", "agree", "agrees", "deal", "war",
    "calls", "urges", "warns", "president", "minister", "government", "police", "people",
    "holds", "hold", "vote", "election", "protest", "protests", "leader", "forces", "troops",
    "rebels", "peace", "truce", "ceasefire", "crisis", "aid", "wounded", "arrested", "court",
    "spoke", "talk", "meets", "meet", "visit", "visits", "plan", "week", "year", "years",
})
# Distinctive function words of the Latin-script languages a news feed is likeliest to carry
# besides English: text with more of these than English words is not called English.
_OTHER_LATIN = {
    "fr": frozenset({"le", "les", "des", "du", "et", "est", "une", "dans", "sur", "pour", "avec",
                     "qui", "que", "pas", "aux", "au", "ses", "ces", "il", "elle", "ont", "été"}),
    "es": frozenset({"el", "los", "las", "del", "y", "es", "una", "por", "para", "con", "que",
                     "se", "su", "como", "más", "al"}),
    "de": frozenset({"der", "die", "das", "und", "ist", "nicht", "mit", "den", "dem", "ein",
                     "eine", "zu", "von", "auf", "für", "im", "sich", "auch", "wird"}),
    "it": frozenset({"il", "lo", "gli", "della", "di", "è", "che", "per", "un", "una", "sono",
                     "nel", "alla"}),
    "pt": frozenset({"o", "os", "da", "do", "das", "dos", "em", "um", "uma", "não", "com"}),
}
# fmt: on
_OTHER_ANY = frozenset().union(*_OTHER_LATIN.values())
_WORD = re.compile(r"[^\W\d_]+")
# Letters of the Arabic script blocks (Arabic, Arabic Supplement, presentation forms) and of
# Latin (ASCII, Latin-1, Latin Extended-A/B, IPA-free); marks and digits are not letters.
_ARABIC_LETTER = re.compile(
    r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdfb\ufe70-\ufefc]"
)
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
# Latin letters as runs: counting them as the summed length of runs keeps the work in C.
_LATIN_RUN = re.compile(_LATIN_LETTER.pattern + "+")
_PERSIAN_OR_URDU = re.compile(f"[{''.join(sorted(_PERSIAN | _URDU))}]")
# Counting letters character by character costs Python work per character. For text made
# only of characters of `_COUNTABLE` — every one an Arabic letter, a Latin letter (as the
# classes above say) or not a letter (str.isalpha()) — the counts come from C instead: the
# non-letters are the spaces plus a few punctuation and digit matches, the letters the rest.
_COUNTABLE_RANGES = ((0x0000, 0x07FF), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0xFB50, 0xFEFF))
_COUNTABLE_CHARS = [
    ch
    for lo, hi in _COUNTABLE_RANGES
    for ch in map(chr, range(lo, hi + 1))
    if ch.isalpha() == bool(_ARABIC_LETTER.match(ch) or _LATIN_LETTER.match(ch))
]
_UNCOUNTABLE = re.compile(f"[^{''.join(map(re.escape, _COUNTABLE_CHARS))}]")
_OTHER_NON_LETTER_CHARS = "".join(re.escape(ch) for ch in _COUNTABLE_CHARS if ch != " " and not ch.isalpha())
_OTHER_NON_LETTER = re.compile(f"[{_OTHER_NON_LETTER_CHARS}]")
# In text made of countable characters only, anything but a space or one of those is a letter.
_COUNTABLE_LETTER = re.compile(f"[^ {_OTHER_NON_LETTER_CHARS}]")
# In ASCII text the `_WORD` runs are the ASCII letter runs: a bytes table lower-cases the
# letters and blanks everything else, and bytes.split() cuts the words out at C speed.
_ASCII_WORDS = bytes(b | 0x20 if chr(b).isascii() and chr(b).isalpha() else 0x20 for b in range(256))
_ENGLISH_BYTES = frozenset(word.encode() for word in _ENGLISH)
# The ASCII fast path works on bytes words; words with accents never occur there.
_OTHER_LATIN_BYTES = {
    code: frozenset(w.encode() for w in words if w.isascii()) for code, words in _OTHER_LATIN.items()
}
_OTHER_ANY_BYTES = frozenset().union(*_OTHER_LATIN_BYTES.values())
# ASCII bytes that are not letters: deleting them leaves the letters, counted in C.
_ASCII_NON_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
# Countable characters other than Latin letters and Persian/Urdu letters: text made only of
# these (most Arabic text) needs neither a Latin count nor a Persian/Urdu check, so one scan
# replaces three.
PLAIN_ARABIC_CHARS = frozenset(
    ch for ch in _COUNTABLE_CHARS if not _LATIN_LETTER.match(ch) and ch not in _PERSIAN and ch not in _URDU
)
_NOT_PLAIN_ARABIC = re.compile("[^" + "".join(map(re.escape, sorted(PLAIN_ARABIC_CHARS))) + "]")
# Share of Latin words that must be English function words (news prose sits near 0.3-0.5).
_ENGLISH_SHARE = 0.12
_KNOWN = frozenset({"ar", "en", "fa", "ur"})
W = TypeVar("W", str, bytes)


def detect_language(text: str, hint: str | None = None, *, plain_arabic: bool = False) -> str:
    """The BCP 47 language of `text`: "ar", "en", "fa", "ur" or "und" (undetermined).

    Script decides: Arabic-script text is "ar" unless Persian or Urdu letters show up;
    Latin text is "en" when enough of its words are English function words. A `hint` (the
    feed's declared language) is trusted whenever the script agrees with it, so an English
    feed's "Live: Gaza" headline stays "en" and a hint for another Latin language is kept.
    `plain_arabic=True` says the caller already knows every character of `text` is one of
    `PLAIN_ARABIC_CHARS` (see `MatchKey.plain_arabic`), which spares a scan.
    """
    base = hint.split("-")[0].lower() if hint else None
    # (ASCII text made of those characters has no letter: both ways below say so.)
    if plain_arabic or (not text.isascii() and _NOT_PLAIN_ARABIC.search(text) is None):
        # Every letter of this text (most Arabic text) is an Arabic letter: no count can
        # change the answer below, only whether there is a letter at all.
        if _COUNTABLE_LETTER.search(text) is None:
            return hint or "und"
        return hint if hint and base in {"ar", "fa", "ur"} else "ar"
    data = text.encode("ascii") if text.isascii() else None
    if data is not None:  # every ASCII character is countable; the letters are ASCII letters
        arabic, latin = 0, len(data.translate(None, _ASCII_NON_LETTERS))
        total = latin
    else:
        arabic, latin, total = _count_letters(text)
    if total == 0 or max(arabic, latin, total - arabic - latin) * 2 < total:
        return hint or "und"  # no letters, or no script in the majority
    if arabic * 2 >= total:
        guess = "ar"
        if _PERSIAN_OR_URDU.search(text):
            chars = set(text)
            guess = "fa" if chars & _PERSIAN else "ur" if chars & _URDU else "ar"
        return hint if hint and base in {"ar", "fa", "ur"} else guess
    if latin * 2 >= total:
        if hint and (base == "en" or base not in _KNOWN | {"und"}):
            return hint  # English, or a Latin-script language we cannot tell apart
        if data is not None:
            ascii_words = data.translate(_ASCII_WORDS).split()
            english = _english_share_reached(ascii_words, _ENGLISH_BYTES)
            other = _other_latin(ascii_words, _ENGLISH_BYTES, _OTHER_LATIN_BYTES, _OTHER_ANY_BYTES)
        else:
            found = _WORD.findall(text.lower())
            english = _english_share_reached(found, _ENGLISH)
            other = _other_latin(found, _ENGLISH, _OTHER_LATIN, _OTHER_ANY)
        if other is not None:
            return other
        return "en" if english else "und"
    return hint if hint and base not in _KNOWN else "und"


def _other_latin(
    words: list[W],
    english_words: frozenset[W],
    others: dict[str, frozenset[W]],
    any_other: frozenset[W],
) -> str | None:
    """A Latin-script language other than English whose function words outnumber English
    words (at least two of them), else None. One pass over the union of the other languages'
    words settles English text, where they are rare, at once."""
    if any_other.isdisjoint(words):  # English text, nearly always: one C-level pass
        return None
    other_total = sum(map(any_other.__contains__, words))
    if other_total < 2:
        return None
    english = sum(map(english_words.__contains__, words))
    if other_total <= english:
        return None
    best, count = None, 1
    for code, vocabulary in others.items():
        hits = sum(map(vocabulary.__contains__, words))
        if hits > count:
            best, count = code, hits
    return best if best is not None and count > english else None


def _english_share_reached(words: list[W], vocabulary: frozenset[W]) -> bool:
    """True if at least `_ENGLISH_SHARE` of `words` are in `vocabulary`.

    A share the first half of the words reaches, all of them reach: English prose usually
    gets there in its first half, so the rest is only counted when needed.
    """
    if not words:
        return False
    half = len(words) // 2
    english = sum(map(vocabulary.__contains__, words[:half]))
    if english / len(words) >= _ENGLISH_SHARE:
        return True
    english += sum(map(vocabulary.__contains__, words[half:]))
    return english / len(words) >= _ENGLISH_SHARE


def _count_letters(text: str) -> tuple[int, int, int]:
    """Arabic letters, Latin letters and all letters (str.isalpha) in `text` (not all ASCII)."""
    if _UNCOUNTABLE.search(text):
        arabic = len(_ARABIC_LETTER.findall(text))
        latin = len(_LATIN_LETTER.findall(text))
        return arabic, latin, sum(map(str.isalpha, text))
    letters = len(text) - text.count(" ") - len(_OTHER_NON_LETTER.findall(text))
    if text.isascii():
        return 0, letters, letters
    first = _LATIN_LETTER.search(text)
    latin = sum(map(len, _LATIN_RUN.findall(text, first.start()))) if first else 0
    return letters - latin, latin, letters
