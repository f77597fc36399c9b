"""Read an unlisted place name right after a word naming a kind of settlement (بلدة، مخيم، حي)."""

from __future__ import annotations

import re

from streams.tagging.data import PlaceCues
from streams.tagging.pattern_text import WINDOW, glued_run
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
# A word opening with ل and the article (للاجئين "for refugees") is a preposition's object.
_PREPOSITION_ARTICLE = "لل"
_ARTICLE = "ال"
# An indefinite word ending in -iyya (ية, keyed يه) after a cue is a nisba adjective (مدينة
# تجارية، بلدة حدودية، ولاية عثمانية); names of that shape carry the article (حي العباسية).
_NISBA_FEMININE = "يه"


class CueReader:
    """Finds the name after a cue word; the gazetteer has already read every listed name.

    The cue says what the next word is: a place. A word the gazetteer knows was read as what
    it is (بلدة صور is Tyre); only a word it does not know is read here, when it is a name at
    all: Arabic letters, not an adjective or a function word (`not_names`), joined to the cue
    by whitespace alone.
    """

    def __init__(self, cues: PlaceCues, not_names: frozenset[str]) -> None:
        self._whole = frozenset(phrase_key(w) for w in cues.whole_cues)
        self._heads = cues.name_heads
        self._not_names = cues.not_names | not_names

    def read(self, folded: MatchKey, cue_start: int, cue_end: int, cue_key: str) -> tuple[int, int] | None:
        """The span of the place named after the cue word at [cue_start, cue_end), if any.

        The span covers the name, and the cue word too for cues that are part of the name
        (حي العباسية); None if no name follows.
        """
        if folded.is_identity:
            # Key offsets are original offsets (the usual case): read the words off the key.
            words = _KEY_WORDS.match(folded.key, cue_end)
            if words is None:
                return None
            spans = [words.span(1), words.span(2)]
            keys = [words.group(1), words.group(2) or ""]
        else:
            text = folded.original
            run = glued_run(_MAX_WORDS).match(text, cue_end, cue_end + WINDOW)
            if run is None:
                return None
            spans = [run.span(1), run.span(2)]
            keys = [phrase_key(text[s:e]) if s >= 0 else "" for s, e in spans]
        start, end = spans[0]
        if not self._is_name(keys[0]):
            return None
        if keys[0] in self._heads:
            if not self._is_name(keys[1]):
                return None
            end = spans[1][1]
        return (cue_start if cue_key in self._whole else start), end

    def _is_name(self, key: str) -> bool:
        return (
            len(key) >= _MIN_NAME_LETTERS
            and _LETTERS.fullmatch(key) is not None
            and key not in self._not_names
            and not key.startswith(_PREPOSITION_ARTICLE)
            and (key.startswith(_ARTICLE) or not key.endswith(_NISBA_FEMININE))
        )
