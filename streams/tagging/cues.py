"""Read an unlisted place name right after a word naming a kind of settlement (بلدة، مخيم، حي)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from streams.tagging.data import PlaceCues
from streams.tagging.pattern_text import WINDOW, glued_run, is_arabic
from streams.text.clitics import clitic_forms, has_article
from streams.text.matcher import phrase_key
from streams.text.matchkey import MatchKey

_MIN_NAME_LETTERS = 2  # a lone letter after a cue is a segmented clitic (و، ب), not a name
_MAX_WORDS = 2  # a name head and the word after it
_LETTERS = re.compile(r"[\u0621-\u064a]+")  # Arabic letters only (keys carry no marks)
# In a key: the two words after a cue, each joined by one space (runs of whitespace are one
# space there) and whole (no letter, digit or mark after it).
_KEY_WORDS = re.compile(
    r" ([^\W\d_]+)(?![\w\u0640\u064b-\u065f\u0670])(?: ([^\W\d_]+)(?![\w\u0640\u064b-\u065f\u0670]))?"
)
# After a dual cue's first name: و, standing apart or attached, then the second name.
_AND_WORDS = re.compile(
    r" و ?([^\W\d_]+)(?![\w\u0640\u064b-\u065f\u0670])(?: ([^\W\d_]+)(?![\w\u0640\u064b-\u065f\u0670]))?"
)
# A word opening with ل and the article (للاجئين "for refugees") is a preposition's object.
_PREPOSITION_ARTICLE = "لل"
_ARTICLE = "ال"
# An indefinite word ending in -iyya (ية, keyed يه) after a cue is a nisba adjective (مدينة
# تجارية، بلدة حدودية، ولاية عثمانية); names of that shape carry the article (حي العباسية).
_NISBA_FEMININE = "يه"


def with_proclitics(words: Iterable[str]) -> frozenset[str]:
    """The keys of `words` and, for Arabic ones, of their proclitic forms (بمطار، وبلدة)."""
    out: set[str] = set()
    for word in words:
        key = phrase_key(word)
        out.add(key)
        if is_arabic(key[:1]):
            out.update(form for form, _ in clitic_forms(key, definite=has_article(word), article=False))
    return frozenset(out)


class CueReader:
    """Finds the name after a cue word; the gazetteer has already read every listed name.

    The cue says what the next word is: a place. A word the gazetteer knows was read as what
    it is (بلدة صور is Tyre); only a word it does not know is read here, when it is a name at
    all: Arabic letters, not an adjective or a function word (`not_names`), joined to the cue
    by whitespace alone.
    """

    def __init__(self, cues: PlaceCues, not_names: frozenset[str]) -> None:
        self._whole = frozenset(phrase_key(w) for w in cues.whole_cues)
        self._pairs = frozenset(phrase_key(w) for w in cues.pair_cues)
        self._heads = cues.name_heads
        # With their proclitic forms (بلدة ومدينة: the cue word is no name, nor و + one).
        self._not_names = with_proclitics((*cues.not_names, *not_names, *cues.name_cues, *cues.whole_cues))

    def read(self, folded: MatchKey, cue_start: int, cue_end: int, cue_key: str) -> list[tuple[int, int]]:
        """The spans of the places named after the cue word at [cue_start, cue_end), if any.

        A span covers the name, and the cue word too for cues that are part of the name (حي
        العباسية). A dual cue names two places, the second after و (بلدتي الباذان وطلوزة).
        """
        words = self._words(folded, cue_end, _KEY_WORDS)
        name = self._name(words)
        if name is None:
            return []
        start, end = name
        spans = [((cue_start if cue_key in self._whole else start), end)]
        if cue_key in self._pairs:
            second = self._name(self._words(folded, end, _AND_WORDS))
            if second is not None:
                spans.append(second)
        return spans

    @staticmethod
    def _words(folded: MatchKey, pos: int, pattern: re.Pattern[str]) -> list[tuple[int, int, str]]:
        """The (start, end, key) of the two words `pattern` reads at `pos` (fewer if not)."""
        if folded.is_identity:
            # Key offsets are original offsets (the usual case): read the words off the key.
            found = pattern.match(folded.key, pos)
            if found is None:
                return []
            return [(*found.span(i), found.group(i)) for i in (1, 2) if found.start(i) >= 0]
        if pattern is not _KEY_WORDS:
            return []  # the second name of a pair only where the key is the text (nearly always)
        text = folded.original
        run = glued_run(_MAX_WORDS).match(text, pos, pos + WINDOW)
        if run is None:
            return []
        return [(s, e, phrase_key(text[s:e])) for s, e in run.regs[1:] if s >= 0]

    def _name(self, words: list[tuple[int, int, str]]) -> tuple[int, int] | None:
        """The span of the name the words start with: one word, or a name head and the next."""
        if not words or not self._is_name(words[0][2]):
            return None
        start, end, key = words[0]
        if key in self._heads:
            if len(words) < _MAX_WORDS or not self._is_name(words[1][2]):
                return None
            end = words[1][1]
        return start, end

    def _is_name(self, key: str) -> bool:
        return (
            len(key) >= _MIN_NAME_LETTERS
            and _LETTERS.fullmatch(key) is not None
            and key not in self._not_names
            and not key.startswith(_PREPOSITION_ARTICLE)
            and (key.startswith(_ARTICLE) or not key.endswith(_NISBA_FEMININE))
        )
