"""Compile every gazetteer name, the stop list and the guard words into one phrase matcher."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from streams.tagging.data import M49, StopList, load_countries, load_m49, load_places, load_stoplist
from streams.tagging.sources import (
    Alias,
    Entry,
    actor_aliases,
    city_aliases,
    country_aliases,
    place_aliases,
)
from streams.text.matcher import PhraseMatcher, phrase_key

BLOCK = Entry("block", "", None, (-1, 0))
_MIN_UPPER_LETTERS = 2


def _is_arabic(phrase: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in phrase)


def _with_case(alias: Alias) -> Entry:
    # English names are proper nouns: "US" must be written in capitals (not "us"), and
    # "Jordan", "Turkey" or "Nice" must start with a capital to count. Arabic has no case.
    phrase = alias.phrase
    if _is_arabic(phrase):
        return alias.entry
    letters = [ch for ch in phrase if ch.isalpha()]
    if len(letters) >= _MIN_UPPER_LETTERS and all(ch.isupper() for ch in letters):
        return dataclasses.replace(alias.entry, case="upper")
    if phrase[:1].isupper():
        return dataclasses.replace(alias.entry, case="title")
    return alias.entry


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """The compiled matcher plus the region table the tagger reports from."""

    matcher: PhraseMatcher[Entry]
    m49: M49
    size: int  # number of names added (before proclitic expansion)

    def regions(self, countries: Iterable[str]) -> tuple[str, ...]:
        """Sorted M49 region, sub-region and intermediate-region names of `countries`."""
        names = {
            self.m49.regions[code] for country in countries for code in self.m49.countries.get(country, ())
        }
        return tuple(sorted(names))


def build_gazetteer() -> Gazetteer:
    """Load every source and compile it (about a second; callers cache the result)."""
    places = load_places()
    stoplist = load_stoplist()
    aliases: list[Alias] = [
        *country_aliases(load_countries()),
        *place_aliases(places),
        *actor_aliases(),
        *city_aliases(places),
    ]
    extra_guards = {p.name: p.before for p in places}
    return Gazetteer(_compile(aliases, stoplist, extra_guards), load_m49(), len(aliases))


def _compile(
    aliases: list[Alias], stoplist: StopList, extra_guards: dict[str, tuple[str, ...]]
) -> PhraseMatcher[Entry]:
    matcher: PhraseMatcher[Entry] = PhraseMatcher()
    stopped = {phrase_key(s) for s in stoplist.stop}
    guards_ar = [g for g in stoplist.guards if _is_arabic(g)]
    guards_en = [g for g in stoplist.guards if not _is_arabic(g)]
    seen: set[tuple[str, Entry]] = set()
    for alias in aliases:
        entry = _with_case(alias)
        key = phrase_key(alias.phrase)
        if (key, entry) in seen:
            continue
        seen.add((key, entry))
        if key not in stopped:
            matcher.add(alias.phrase, entry, article=alias.article, proclitics=alias.proclitics)
        elif entry.kind == "place":
            # A stopped place name is still a place right after a word naming its kind.
            guards = guards_ar if _is_arabic(alias.phrase) else guards_en
            for guard in (*guards, *extra_guards.get(entry.place or "", ())):
                matcher.add(alias.phrase, entry, before=guard)
    for phrase in stoplist.block:
        matcher.add(phrase, BLOCK, article=False)
    return matcher.build()
