"""Compile every gazetteer name, the stop list and the guard words into one phrase matcher."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import babel

from streams.errors import ConfigError
from streams.tagging.cues import CueReader, with_proclitics
from streams.tagging.data import (
    M49,
    CountryExtras,
    StopList,
    load_countries,
    load_m49,
    load_patterns,
    load_place_cues,
    load_places,
    load_stoplist,
)
from streams.tagging.patterns import PatternReader
from streams.tagging.sources import (
    Alias,
    Entry,
    actor_aliases,
    city_aliases,
    country_aliases,
    cue_aliases,
    facility_aliases,
    place_aliases,
    state_body_aliases,
    trigger_aliases,
)
from streams.text.matcher import PhraseMatcher, phrase_key

BLOCK = Entry("block", "", None, (-1, 0))
# A not_after word (نهر، Lake) in the text: only then can a place be cancelled by one.
AFTER = Entry("after", "", None, (-1, 0))
# A not_after word whose facility stands in the place after it (مطار دمشق): the place names
# no mention, but its country is the item's (stoplist.yaml `located`).
LOCATED_AFTER = Entry("after", "located", None, (-1, 0))
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
    patterns: PatternReader
    size: int  # number of names added (before proclitic expansion)
    not_after: frozenset[str] = frozenset()  # keys of words that cancel a following place
    cues: CueReader | None = None  # reads unlisted places after cue words (بلدة، مخيم)
    # Keys of place names that are also a nisba with the article (السعودية "Saudi").
    nisba_names: frozenset[str] = frozenset()

    def regions(self, countries: Iterable[str]) -> tuple[str, ...]:
        """Sorted M49 region, sub-region and intermediate-region names of `countries`."""
        names = {
            self.m49.regions[code] for country in countries for code in self.m49.countries.get(country, ())
        }
        return tuple(sorted(names))


def build_gazetteer(*, stoplist: bool = True) -> Gazetteer:
    """Load every source and compile it (about a second; callers cache the result).

    `stoplist=False` leaves out the stop list (block list and guards stay), to measure it.
    """
    with _collector_paused():
        return _build(stoplist=stoplist)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the gazetteer is built.

    The build allocates a few hundred thousand tuples and strings that all stay alive, so
    every collection the allocations trigger scans a growing heap and frees nothing: that was
    a quarter of the build's CPU time. Reference counting still frees everything else.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(*, stoplist: bool) -> Gazetteer:
    places = load_places()
    countries = load_countries()
    patterns = load_patterns()
    stops = load_stoplist()
    place_cues = load_place_cues()
    if not stoplist:
        stops = dataclasses.replace(stops, stop=())
    adjectives = _adjectives(countries)
    aliases: list[Alias] = [
        *country_aliases(countries),
        *state_body_aliases(countries, patterns.bodies_en, adjectives),
        *place_aliases(places),
        *actor_aliases(),
        *city_aliases(places),
        *trigger_aliases(patterns),
        *facility_aliases(patterns),
        *cue_aliases(place_cues),
    ]
    extra_guards = {p.name: p.before for p in places}
    stopped = frozenset(phrase_key(s) for s in stops.stop)
    # Given names the stop list holds as everyday words (جمال، رياض، فارس) are weak evidence.
    reader = PatternReader(patterns, adjectives, patterns.given & stopped)
    not_after = with_proclitics(stops.not_after)
    cues = CueReader(place_cues, patterns.not_names)
    matcher = _compile(aliases, stops, stopped, extra_guards)
    return Gazetteer(matcher, load_m49(), reader, len(aliases), not_after, cues, _nisba_names(aliases))


def _nisba_names(aliases: list[Alias]) -> frozenset[str]:
    """Keys of place names that are also a demonym with the article (السعودية)."""
    places = {phrase_key(a.phrase) for a in aliases if a.entry.kind == "place"}
    nisbas = {phrase_key(a.phrase) for a in aliases if a.entry.kind == "demonym" and _is_arabic(a.phrase)}
    definite = {key if key.startswith("ال") else "ال" + key for key in nisbas}
    return frozenset(places & definite)


def _adjectives(countries: list[CountryExtras]) -> dict[str, str]:
    """ISO2 -> the English adjective ("Israeli") for naming state bodies, else the country name."""
    out = {code: name for code, name in babel.Locale("en").territories.items() if len(code) == 2}
    out.update({c.code: c.en_demonyms[0] for c in countries if c.en_demonyms})
    return out


# The stop list is for names: a trigger word (a given name, a title, a state body) or a cue
# that shares a stopped place's name (George and Peter are towns; so are جمال and Police)
# is still that word.
_UNSTOPPED = frozenset({"cue", "trigger", "facility"})


def _compile(
    aliases: list[Alias],
    stoplist: StopList,
    stopped: frozenset[str],
    extra_guards: dict[str, tuple[str, ...]],
) -> PhraseMatcher[Entry]:
    """The matcher of every alias; `stopped`: the keys of the stop list's names."""
    matcher: PhraseMatcher[Entry] = PhraseMatcher()
    context_only = {phrase_key(s) for s in stoplist.context_only}
    guards_ar = [g for g in stoplist.guards if _is_arabic(g)]
    guards_en = [g for g in stoplist.guards if not _is_arabic(g)]
    seen: set[tuple[str, Entry]] = set()
    for alias in aliases:
        entry = _with_case(alias)
        key = phrase_key(alias.phrase)
        if (key, entry) in seen:
            continue
        seen.add((key, entry))
        if alias.guarded:
            for guard in stoplist.subdivision_guards:
                matcher.add(alias.phrase, entry, before=guard)
            continue
        if key in context_only and entry.kind == "place":
            bare = dataclasses.replace(entry, context_only=True)
            matcher.add(alias.phrase, bare, article=alias.article, proclitics=alias.proclitics)
        if (key not in stopped and key not in context_only) or entry.kind in _UNSTOPPED:  # names only
            matcher.add(alias.phrase, entry, article=alias.article, proclitics=alias.proclitics)
        elif entry.kind == "place":
            # A stopped place name is still a place right after a word naming its kind.
            guards = guards_ar if _is_arabic(alias.phrase) else guards_en
            for guard in (*guards, *extra_guards.get(entry.place or "", ())):
                matcher.add(alias.phrase, entry, before=guard)
    for phrase in stoplist.block:
        matcher.add(phrase, BLOCK, article=False)
    located = set(stoplist.located)
    if not located <= set(stoplist.not_after):
        raise ConfigError(
            f"stoplist.yaml located: not in not_after: {sorted(located - set(stoplist.not_after))}"
        )
    for phrase in stoplist.not_after:
        entry = LOCATED_AFTER if phrase in located else AFTER
        matcher.add(phrase, entry, article=False)  # with proclitics: بمطار دمشق
    return matcher.build()
