"""Read the name a given name opens (محمد حسن علوان، فرناندو ألونسو), with no title or speech verb before it.

Given names (given_names.yaml) are the most frequent trigger, so their reading is lean: one
read of three words after the given name, set lookups, no qualifiers. The name is the given
name and one or two name words: a connector (بن، عبد) joins the next word in; an ال-word
ends the name as its surname (بشار الأسد), and after two words only a family name in nisba
form does (محمد مقلد المريخي, not مايكل شوماخر البطل); a third plain word counts only if
a name may end after it (`GivenNameReader._ends_name`), as it is far more often the verb
or noun after a name of two (هاني عبادة إداري الفريق، جيمس جونز توافر). A given name
alone is no name: it is as often a surname, a word, or someone the text named before.

In English (given names in Latin letters: Sarah Khatib, Mohammed Deif) case carries the
evidence: the given name and one or two more Capitalised words (particles al-, bin, van
between them), stopping at a lower-case word, punctuation, a known name or a title. Text
in Title Case (a headline that capitalises every word) gives no such evidence; there the
line is left to titles and listed actors.
"""

from __future__ import annotations

import re

from streams.tagging.pattern_text import (
    ALI,
    ARTICLE,
    END,
    GLUED,
    KEY,
    START,
    Found,
    Item,
    Word,
    capitalised,
    glued_words,
    is_ali,
    nisba_name,
    slug,
)
from streams.tagging.records import Actor
from streams.text.matcher import phrase_key

# What stands before a ship's name, which is often a person's (USS Gerald R Ford).
_VESSEL_PREFIXES = ("USS ", "HMS ", "INS ", "RFA ", "MV ", "USNS ")
# A connector word (بن، أبو، عبد) right before a given name: the name started before it.
_AFTER_CONNECTOR = re.compile(r"(?:^|\s)(?:[بإا]بن|بن|بنت|[أا]ب[وي]|عبد|آل|ال)\s+$")
_CONNECTOR_LOOK_BACK = 8
_CONNECTOR_LAST_LETTERS = frozenset("نتويدل")  # the last letters of those connectors
_WORDS_READ = 3  # words read after a given name
_MAX_WORDS = 3  # the given name and two more (connectors not counted)
_MIN_LETTERS = 2  # a lone و or ل (segmented clitics) ends a name
_ABD = "عبد"  # the first half of compound given names (عبد الله)
# The article is written with a bare alef; أل، إل open names (ألونسو، إلهام) that the
# matching key folds to ال.
_HAMZA_ALEFS = frozenset("أإآ")
# Words that open no name word: a preposition with the article (للجزيرة، بالجهود).
_NO_NAME_STARTS = ("لل", "بال")
# English: the words of three letters or more on a line, but for the articles, conjunctions
# and prepositions Title Case leaves in lower case (the, and, with …), which prove nothing.
_LATIN_WORD = re.compile(r"\b[^\W\d_]{3,}")
# fmt: off
_TITLE_CASE_EXEMPT = frozenset({
    "the", "and", "but", "for", "nor", "yet", "via", "per", "off", "out", "its",
    "with", "from", "into", "over", "than", "that", "upon", "onto", "about", "after",
})
# fmt: on
_MIN_TITLE_CASE_WORDS = 4
_POSSESSIVE = ("'s", "’s")
_LATIN_WORDS_READ = 5  # two name words and the particles between (Tamim bin Hamad Al Thani)


class GivenNameReader:
    """Reads names after given names; the word sets come from the pattern reader."""

    def __init__(
        self,
        connectors: frozenset[str],
        stops: frozenset[str],
        common: frozenset[str],
        speech_ends: frozenset[str],
        not_names: frozenset[str],
        facilities: frozenset[str] = frozenset(),
        weak: frozenset[str] = frozenset(),
    ) -> None:
        self._connectors = connectors  # بن، أبو، عبد، آل …
        self._stops = stops  # words no name word is (function words, إن، titles …)
        self._common = common  # everyday words (سائق، حديث), checked after known names
        self._speech_ends = speech_ends  # words that follow a name (إن، رئيس …)
        self._not_names = not_names
        self._facilities = facilities  # English: Hospital, Street … make the name a place's
        # Given names that are everyday nouns too (جمال "beauty", رياض "gardens", فارس "knight"):
        # before an ال-word they are the noun (جمال الطبيعة، رياض الأطفال) unless it is a nisba.
        self._weak = weak

    def read(self, item: Item, start: int, end: int) -> Found | None:
        """The person whose name the given name at [start, end) of `item.text` opens, if any."""
        text = item.text
        if text[start] < "\u0600":  # a given name in Latin letters (Arabic ones are all above)
            return self._read_latin(item, start, end)
        # (the letter before the space first: one lookup rules most connectors out)
        if (
            start > 1
            and text[start - 2] in _CONNECTOR_LAST_LETTERS
            and _AFTER_CONNECTOR.search(text, max(0, start - _CONNECTOR_LOOK_BACK), start)
        ):
            return None  # the given name continues a name (الوليد بن طلال، أبو بكر)
        words = glued_words(item, end, _WORDS_READ)
        at = item.known.at
        connectors = self._connectors
        stops = self._stops
        common = self._common
        last = end  # the end of the name so far
        core = 1  # name words other than connectors, the given name included
        joined = False  # the word before was a connector
        if text.endswith(_ABD, start, end):
            core, joined = 0, True
        for n, (w_start, w_end, key, glued) in enumerate(words):
            if not glued or len(key) < _MIN_LETTERS or key[0].isdigit():
                break
            connector = key in connectors
            if (
                not connector
                and (key in stops or (key[0] == "و" and not joined) or key.startswith(_NO_NAME_STARTS))
                and not (key == ALI and is_ali(text, words[n]))
            ):
                break  # (a و-word is the next clause or name, unless a connector asks for one)
            hit = at(w_start, w_end)
            if hit is not None:
                if hit[2] == "actor":
                    return None  # a listed actor: the gazetteer has it already
                break
            if key in common and not connector:
                break  # an everyday word (سائق، حديث): the sentence goes on
            if connector:
                joined = True
                continue
            if not joined and key.startswith(ARTICLE) and text[w_start] not in _HAMZA_ALEFS:
                if (
                    core == 1 and not (n == 0 and self._is_weak(text, start, end) and not nisba_name(key))
                ) or (core == 2 and nisba_name(key)):
                    last, core = w_end, core + 1
                break
            joined = False
            core += 1
            if core == _MAX_WORDS and not self._ends_name(item, words, n + 1):
                break  # keep the name of two
            last = w_end
            if core == _MAX_WORDS:
                break
        return _person(text, start, last) if core >= 2 else None

    def _is_weak(self, text: str, start: int, end: int) -> bool:
        return bool(self._weak) and phrase_key(text[start:end]) in self._weak

    def _read_latin(self, item: Item, start: int, end: int) -> Found | None:
        """An English name: the given name and one or two Capitalised words after it."""
        text = item.text
        if _title_case_line(text, start) or text.endswith(_VESSEL_PREFIXES, max(0, start - 5), start):
            return None  # (USS Gerald R Ford, HMS Prince of Wales: a ship's name)
        last = -1
        core = 1
        for word in glued_words(item, end, _LATIN_WORDS_READ):
            w_start, w_end, key, glued = word
            if not glued:
                break
            hit = item.known.at(w_start, w_end)
            if hit is not None:
                if hit[2] == "actor":
                    return None  # a listed actor: the gazetteer has it already
                break
            if key in self._connectors:
                continue  # a particle (bin, Al, van) goes in only with a name word after it
            if key in self._facilities:
                return None  # Kamal Adwan Hospital, Omar Mukhtar Street: no person
            surface = text[w_start:w_end]
            if key in self._stops or not capitalised(text, word) or (len(surface) > 1 and surface.isupper()):
                break  # a lower-case word, a title, a function word or an acronym (NATO)
            if surface.endswith(_POSSESSIVE):
                last, core = w_end - 2, core + 1  # Khatib's: the name ends before the 's
                break
            last, core = w_end, core + 1
        return _person(text, start, last) if 2 <= core <= _MAX_WORDS else None

    def _ends_name(self, item: Item, words: list[Word], i: int) -> bool:
        """True if a name may end before words[i]: at punctuation, the end, a word of و, a
        function word, a word that follows names (إن، رئيس) or a known mention."""
        if i >= len(words) or not words[i][GLUED]:
            return True
        key = words[i][KEY]
        return (
            key.startswith("و")
            or key in self._speech_ends
            or key in self._not_names
            or item.known.at(words[i][START], words[i][END]) is not None
        )


def _person(text: str, start: int, last: int) -> Found:
    surface = text[start:last]
    return Found(start, last, Actor(slug(surface), surface, "person", None))


def _title_case_line(text: str, pos: int) -> bool:
    """True if the line around `pos` capitalises every longer word (Title Case headlines)."""
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    words = _LATIN_WORD.findall(text, lo, hi if hi >= 0 else len(text))
    counted = [w for w in words if w.lower() not in _TITLE_CASE_EXEMPT]
    return len(counted) >= _MIN_TITLE_CASE_WORDS and all(w[0].isupper() for w in counted)
