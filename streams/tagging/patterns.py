"""Find named people and organisations the actor list lacks, reading only the words after a trigger."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from streams.tagging.data import PatternWords, Trigger
from streams.tagging.records import Actor, ActorType
from streams.text.matcher import phrase_key
from streams.text.normalize import normalize

# A word: letters and digits (Arabic tashkeel and tatweel included), with inner hyphens or
# apostrophes (al-Assad, O'Brien); one character class, so the scan stays fast. Only a
# window after each trigger is scanned, never the whole text.
_WORD = re.compile(r"[\w\u0640\u064b-\u065f\u0670]+(?:[-'’][\w\u064b-\u065f\u0670]+)*")
_WINDOW = 120  # characters read after a trigger
# Words read after a trigger: qualifiers then a name after a title; a name and the word
# after it after a speech verb; an organisation's name; a nisba after a state body.
_WORDS_READ = {"title": 10, "speech": 5, "org": 5, "body": 1}
_MAX_QUALIFIERS = 5  # words between a title and the name (الفرنسي، للأمم المتحدة …)
_MAX_NAME_WORDS = 3  # not counting connectors (بن، عبد): longer runs mostly run on into the verb
_MIN_NAME_LETTERS = 2  # a lone و or ل (segmented clitics) ends a name
_MAX_ORG_WORDS = 4
_ARTICLE = "ال"
# Proclitics a word may carry in running text (وقال، لنظيره، للرئيس -> ال…).
_PROCLITIC_PREFIXES = ("وب", "ول", "فب", "فل", "وك", "و", "ف", "ب", "ل", "ك")
# Arabic letters -> ASCII for the slug ids of pattern-found actors (keys are already folded:
# no hamza seats, ة -> ه, ى -> ي).
_TRANSLIT = str.maketrans(
    {
        "ا": "a", "ء": "", "ؤ": "w", "ئ": "y", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h",
        "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s",
        "ض": "d", "ط": "t", "ظ": "z", "ع": "a", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
        "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y",
    }
)  # fmt: skip
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


class Known(NamedTuple):
    """A gazetteer mention already resolved, as the patterns see it."""

    start: int
    end: int
    kind: str  # "place", "demonym" or "actor"
    country: str | None


@dataclass(frozen=True, slots=True)
class Found:
    """An actor a pattern found: the span and the actor (the span covers the name only)."""

    start: int
    end: int
    actor: Actor


class _Word(NamedTuple):
    start: int
    end: int
    key: str  # phrase_key of the word
    glued: bool  # only whitespace since the previous word (no punctuation in between)


@lru_cache(maxsize=16384)
def slug(text: str) -> str:
    """A stable lower-case ASCII slug of a name (Arabic transliterated letter by letter)."""
    ascii_text = unicodedata.normalize("NFKD", phrase_key(text).translate(_TRANSLIT))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    return _SLUG_JUNK.sub("-", ascii_text.lower()).strip("-")


class PatternReader:
    """Applies the patterns of patterns.yaml around trigger matches."""

    def __init__(self, words: PatternWords, adjectives: dict[str, str]) -> None:
        self._w = words
        self._adjectives = adjectives  # ISO2 -> English adjective ("Israeli") or name
        # The word lists with their proclitic forms (وقال، لنظيره، للرئيس), so that checking
        # a word is one set lookup.
        self._skip = _with_proclitics(words.skip)
        self._not_names = _with_proclitics(words.not_names)
        self._titles = _with_proclitics(words.titles)
        self._speech_ends = _with_proclitics(words.speech_ends)

    @staticmethod
    def _words(text: str, pos: int, limit: int) -> list[_Word]:
        """Up to `limit` words after `pos`, stopping after the first that follows punctuation."""
        window = text[pos : pos + _WINDOW]
        folded = normalize(window).text
        if len(folded) != len(window):  # a rare many-to-one fold: key each word on its own
            folded = ""
        out: list[_Word] = []
        prev = 0
        for m in _WORD.finditer(window):
            start, end = m.start(), m.end()
            glued = not window[prev:start].strip()
            key = folded[start:end] if folded else phrase_key(m.group())
            out.append(_Word(pos + start, pos + end, key, glued))
            if not glued or len(out) >= limit:
                break  # a name never runs past punctuation
            prev = end
        return out

    def read(self, text: str, start: int, end: int, trigger: Trigger, known: Sequence[Known]) -> Found | None:
        """What the trigger at [start, end) introduces, if anything."""
        words = self._words(text, end, _WORDS_READ[trigger.role])
        if not words or not words[0].glued:
            return None
        if trigger.role in ("title", "speech"):
            return self._person(text, words, known, speech=trigger.role == "speech")
        if trigger.role == "body":
            return self._body(text, start, words, trigger, known)
        return self._org(text, start, end, words, trigger, known)

    @staticmethod
    def _at(known: Sequence[Known], word: _Word) -> Known | None:
        for k in known:
            if k.start < word.end and word.start < k.end:
                return k
        return None

    def _person(
        self, text: str, words: list[_Word], known: Sequence[Known], *, speech: bool = False
    ) -> Found | None:
        """A name after a title (with qualifiers between) or right after a speech verb.

        After a speech verb (قال، أضاف) no qualifier may intervene, and the name must be
        followed by punctuation, the end, or a word of `speech_ends` (إن، رئيس …), which
        keeps "قال مسؤول كبير" and the like out.
        """
        english = not _is_arabic(text[words[0].start])
        country: str | None = None
        i = 0
        # Qualifiers: a nisba or named body (الفرنسي، للأمم المتحدة، خارجية قطر) or a skip word.
        while not speech and i < len(words) and i < _MAX_QUALIFIERS and words[i].glued:
            word, hit = words[i], self._at(known, words[i])
            definite = not english and (_starts_with_article(word.key) or word.key.startswith("لل"))
            if hit is not None and (hit.kind != "actor" or definite):
                country = hit.country or country
                i += 1
            elif (
                word.key in self._skip
                or word.key in self._titles
                or (definite and word.key not in self._not_names)
            ):
                i += 1
            else:
                break
        name: list[_Word] = []
        core = 0
        while i < len(words) and core < _MAX_NAME_WORDS:
            word = words[i]
            connector = word.key in self._w.connectors
            after_connector = bool(name) and name[-1].key in self._w.connectors
            if not word.glued or len(word.key) < _MIN_NAME_LETTERS:
                break
            if not connector and word.key in self._not_names:
                break
            hit = self._at(known, word)
            if hit is not None:
                if hit.kind == "actor":
                    return None  # a listed actor: the gazetteer has it already
                break
            if english:
                if not (_capitalised(text, word) or connector):
                    break
            elif name and word.key.startswith("و") and not connector:
                break
            elif _starts_with_article(word.key) and not connector and not after_connector:
                if name:
                    name.append(word)  # a surname with the article ends the name (بشار الأسد)
                break
            name.append(word)
            core += not connector
            i += 1
        while name and name[-1].key in self._w.connectors:
            name.pop()
        if not name:
            return None
        if speech:
            after = words[i] if i < len(words) else None
            if after is not None and after.glued and after.key not in self._speech_ends:
                return None
            if _starts_with_article(name[0].key):
                return None
        first, last = name[0], name[-1]
        surface = text[first.start : last.end]
        ident = slug(surface)
        if not ident:
            return None
        return Found(first.start, last.end, Actor(ident, surface, "person", country))

    def _body(
        self, text: str, start: int, words: list[_Word], trigger: Trigger, known: Sequence[Known]
    ) -> Found | None:
        hit = self._at(known, words[0])
        if hit is None or hit.kind != "demonym" or hit.country is None or hit.start != words[0].start:
            return None
        country = hit.country
        name = f"{self._adjectives.get(country, country)} {trigger.label}"
        actor = Actor(f"{country.lower()}-{slug(trigger.label)}", name, "government", country)
        return Found(start, hit.end, actor)

    def _org(
        self,
        text: str,
        start: int,
        end: int,
        words: list[_Word],
        trigger: Trigger,
        known: Sequence[Known],
    ) -> Found | None:
        english = not _is_arabic(text[start])
        head_definite = _starts_with_article(phrase_key(text[start:end]))
        country: str | None = None
        stop = end
        taken = 0
        for word in words[:_MAX_ORG_WORDS]:
            if not word.glued or word.key in self._not_names:
                break
            hit = self._at(known, word)
            if hit is not None and hit.kind == "actor":
                return None
            if english:
                if not text[word.start].isupper():
                    break
            elif _starts_with_article(word.key) or word.key.startswith("لل"):
                pass
            elif taken or head_definite:
                break  # after the first word only the article's words continue a name
            elif trigger.proper is False and hit is None and word.key.startswith("و"):
                break
            if taken == 0 and not english:
                definite = _starts_with_article(word.key)
                if (trigger.proper and definite) or (trigger.definite and not definite):
                    return None
            if hit is not None:
                country = hit.country or country
                stop = max(stop, hit.end)
            stop = max(stop, word.end)
            taken += 1
        if taken == 0 and not trigger.alone:
            return None
        surface = text[start:stop]
        ident = slug(surface)
        if not ident:
            return None
        kind: ActorType = trigger.type
        return Found(start, stop, Actor(ident, surface, kind, country))


def _with_proclitics(words: frozenset[str]) -> frozenset[str]:
    """`words` plus their forms with Arabic proclitics (قال -> وقال، الرئيس -> للرئيس)."""
    out = set(words)
    for word in words:
        if not _is_arabic(word[:1]):
            continue
        out.update(prefix + word for prefix in _PROCLITIC_PREFIXES)
        if _starts_with_article(word):
            out.update(c + "ل" + word[1:] for c in ("", "و", "ف"))  # ل + الرئيس = للرئيس
    return frozenset(out)


def _capitalised(text: str, word: _Word) -> bool:
    """An English name word: Capitalised, or a particle joined to one (al-Assad, bin-Salman)."""
    surface = text[word.start : word.end]
    return surface[:1].isupper() or any(part[:1].isupper() for part in re.split(r"[-'’]", surface)[1:])


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff"


def _starts_with_article(key: str) -> bool:
    return key.startswith(_ARTICLE) and len(key) > len(_ARTICLE) + 1
