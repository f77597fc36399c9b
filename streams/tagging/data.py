"""Read and check the curated data files shipped in streams/tagging/data/."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal, cast, get_args

import yaml

from streams.errors import ConfigError
from streams.tagging.records import Actor, ActorType
from streams.text.matcher import phrase_key

_ISO2_LEN = 2


def _load(name: str) -> dict[str, Any]:
    text = resources.files("streams.tagging").joinpath("data", name).read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C loader when built with it
    try:
        data = yaml.load(text, Loader=loader)  # a safe loader either way
    except yaml.YAMLError as exc:
        raise ConfigError(f"tagging data {name}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"tagging data {name}: expected a mapping at the top")
    return data


def _names(value: Any, where: str) -> tuple[str, ...]:
    """A list of non-empty strings (duplicates dropped, order kept)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"tagging data {where}: expected a list of names, got {value!r}")
    return tuple(dict.fromkeys(v.strip() for v in value))


def _country(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not (isinstance(value, str) and len(value) == _ISO2_LEN and value.isupper()):
        raise ConfigError(f"tagging data {where}: bad ISO 3166-1 alpha-2 code {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class CountryExtras:
    """Curated additions for one country (countries.yaml)."""

    code: str
    en: tuple[str, ...]
    ar: tuple[str, ...]
    en_demonyms: tuple[str, ...]
    ar_demonyms: tuple[str, ...]
    not_names: tuple[str, ...] = ()  # package names that name something else (a region)


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    """One curated sub-national place (places.yaml)."""

    name: str
    country: str | None
    en: tuple[str, ...]
    ar: tuple[str, ...]
    before: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Subdivision:
    """One ISO 3166-2 subdivision with its CLDR names (subdivisions.yaml)."""

    code: str  # CLDR's subdivision code, e.g. "syid" (ISO 3166-2 SY-ID)
    country: str
    name: str  # English
    ar: str  # Arabic, without a leading word for its kind (محافظة، ولاية)


@dataclass(frozen=True, slots=True)
class ActorRecord:
    """One curated actor and the names it goes by (actors.yaml)."""

    actor: Actor
    en: tuple[str, ...]
    ar: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StopList:
    """Ambiguity controls (stoplist.yaml), each as {"ar": …, "en": …}."""

    stop: tuple[str, ...]
    block: tuple[str, ...]
    guards: tuple[str, ...]
    not_after: tuple[str, ...] = ()
    context_only: tuple[str, ...] = ()
    subdivision_guards: tuple[str, ...] = ()
    located: tuple[str, ...] = ()  # not_after words whose facility is in the place: مطار


@dataclass(frozen=True, slots=True)
class M49:
    """UN M49 region names by code and each country's region codes (m49.yaml)."""

    regions: dict[str, str]
    countries: dict[str, tuple[str, ...]]


def load_countries() -> list[CountryExtras]:
    """Curated country names and demonyms (countries.yaml)."""
    out = []
    for code, body in (_load("countries.yaml").get("countries") or {}).items():
        where = f"countries.yaml {code}"
        _country(code, where)
        body = body or {}
        fields = ("en", "ar", "en_demonyms", "ar_demonyms", "not_names")
        out.append(CountryExtras(code, *(_names(body.get(f), where) for f in fields)))
    return out


def load_places() -> list[PlaceRecord]:
    """Curated sub-national places (places.yaml)."""
    out = []
    for body in _load("places.yaml").get("places") or []:
        where = f"places.yaml {body.get('name')!r}"
        if not isinstance(body.get("name"), str):
            raise ConfigError(f"tagging data {where}: a place needs a name")
        country = _country(body.get("country"), where)
        names = [_names(body.get(f), where) for f in ("en", "ar", "before")]
        out.append(PlaceRecord(body["name"], country, *names))
    return out


def load_subdivisions() -> list[Subdivision]:
    """ISO 3166-2 subdivisions with English and Arabic names (subdivisions.yaml, from CLDR)."""
    out = []
    for code, rows in (_load("subdivisions.yaml").get("subdivisions") or {}).items():
        country = _country(code, f"subdivisions.yaml {code}")
        for row in rows or []:
            if not (isinstance(row, list) and len(row) == 3 and all(isinstance(v, str) and v for v in row)):
                where = f"subdivisions.yaml {code}"
                raise ConfigError(f"tagging data {where}: expected [code, name, ar], got {row!r}")
            out.append(Subdivision(row[0], str(country), row[1], row[2]))
    return out


def load_actors() -> list[ActorRecord]:
    """Curated actors (actors.yaml); ids must be unique lower-case slugs."""
    out: list[ActorRecord] = []
    seen: set[str] = set()
    for body in _load("actors.yaml").get("actors") or []:
        where = f"actors.yaml {body.get('id')!r}"
        ident, name, kind = body.get("id"), body.get("name"), body.get("type")
        if not (isinstance(ident, str) and ident == ident.lower() and " " not in ident):
            raise ConfigError(f"tagging data {where}: id must be a lower-case slug")
        if ident in seen:
            raise ConfigError(f"tagging data {where}: duplicate id")
        if not isinstance(name, str) or kind not in get_args(ActorType):
            raise ConfigError(f"tagging data {where}: needs a name and a known type")
        seen.add(ident)
        actor = Actor(ident, name, cast(ActorType, kind), _country(body.get("country"), where))
        out.append(ActorRecord(actor, _names(body.get("en"), where), _names(body.get("ar"), where)))
    return out


def load_stoplist() -> StopList:
    """Stop list, block list and guard words (stoplist.yaml), both languages together."""
    data = _load("stoplist.yaml")

    def both(section: str) -> tuple[str, ...]:
        body = data.get(section) or {}
        where = f"stoplist.yaml {section}"
        return _names(body.get("ar"), where) + _names(body.get("en"), where)

    return StopList(
        both("stop"),
        both("block"),
        both("guards"),
        both("not_after"),
        both("context_only"),
        both("subdivision_guards"),
        both("located"),
    )


def load_m49() -> M49:
    """UN M49 regions (m49.yaml); every region code a country uses must be named."""
    data = _load("m49.yaml")
    regions = {str(k): str(v) for k, v in (data.get("regions") or {}).items()}
    countries: dict[str, tuple[str, ...]] = {}
    for code, codes in (data.get("countries") or {}).items():
        unknown = [c for c in codes if c not in regions]
        if unknown:
            raise ConfigError(f"tagging data m49.yaml {code}: unknown region codes {unknown}")
        countries[str(_country(code, "m49.yaml"))] = tuple(codes)
    return M49(regions, countries)


TriggerRole = Literal["title", "speech", "org", "body", "given"]


@dataclass(frozen=True, slots=True)
class Trigger:
    """A word the automaton finds that starts a pattern (patterns.yaml)."""

    role: TriggerRole
    type: ActorType = "person"
    label: str = ""  # state bodies: English label ("army")
    proper: bool = False  # org heads: the next word must be a name
    alone: bool = False  # org heads: a full name by itself
    definite: bool = False  # org heads: the next word must carry the article
    construct: bool = False  # state bodies: the country's name follows (حكومة السودان)


@dataclass(frozen=True, slots=True)
class PatternWords:
    """Trigger phrases and the word lists patterns read (patterns.yaml)."""

    triggers: tuple[tuple[str, Trigger], ...]
    skip: frozenset[str]
    not_names: frozenset[str]
    connectors: frozenset[str]
    titles: frozenset[str]  # one-word titles (Colonel, الشيخ), skipped before a name
    speech_ends: frozenset[str]  # words that may follow a name after a speech verb (إن، رئيس)
    common: frozenset[str] = frozenset()  # everyday words no name word after a given name is
    # English state bodies as (word, label): the gazetteer compiles "Israeli army" and the like
    bodies_en: tuple[tuple[str, str], ...] = ()
    facilities: frozenset[str] = frozenset()  # nouns that make a place of a name (Kamal Adwan Hospital)
    given: frozenset[str] = frozenset()  # keys of the given names (given_names.yaml)
    # English facility words that make a listed person's name a facility's (Trump Tower)
    after_names: frozenset[str] = frozenset()


def load_patterns() -> PatternWords:
    """Titles, organisation heads, state bodies and the word lists (patterns.yaml)."""
    data = _load("patterns.yaml")
    triggers: list[tuple[str, Trigger]] = []
    titles = data.get("person_titles") or {}
    for lang in ("ar", "en"):
        triggers += [(w, Trigger("title")) for w in _names(titles.get(lang), "patterns.yaml titles")]
    verbs = data.get("speech_verbs") or {}
    for lang in ("ar", "en"):
        triggers += [(w, Trigger("speech")) for w in _names(verbs.get(lang), "patterns.yaml speech_verbs")]
    for section, role in (("org_heads", "org"), ("state_bodies", "body")):
        for lang, groups in (data.get(section) or {}).items():
            if section == "state_bodies" and lang == "en":
                continue  # English names the body after the demonym: gazetteer phrases (below)
            for body in groups or []:
                where = f"patterns.yaml {section} {lang}"
                kind = body.get("type", "government")
                if kind not in get_args(ActorType):
                    raise ConfigError(f"tagging data {where}: unknown type {kind!r}")
                trigger = Trigger(
                    cast(TriggerRole, role),
                    cast(ActorType, kind),
                    str(body.get("label", "")),
                    bool(body.get("proper", False)),
                    bool(body.get("alone", False)),
                    bool(body.get("definite", False)),
                )
                triggers += [(w, trigger) for w in _names(body.get("words"), where)]
                if body.get("construct"):  # the body in construct with its country's name
                    construct = dataclasses.replace(trigger, construct=True)
                    triggers += [(w, construct) for w in _names(body.get("construct"), where)]

    # Given names (given_names.yaml) start a name themselves: the weakest trigger.
    given = _load("given_names.yaml")
    for section in ("ar", "foreign", "en"):
        triggers += [(w, Trigger("given")) for w in _names(given.get(section), f"given_names.yaml {section}")]

    def words(section: str) -> frozenset[str]:
        body = data.get(section) or {}
        where = f"patterns.yaml {section}"
        return frozenset(phrase_key(w) for w in _names(body.get("ar"), where) + _names(body.get("en"), where))

    titles_1 = frozenset(phrase_key(p) for p, t in triggers if t.role == "title" and " " not in phrase_key(p))
    given_keys = frozenset(phrase_key(p) for p, t in triggers if t.role == "given")
    where_after = "patterns.yaml facilities after_names"
    facilities = data.get("facilities") or {}
    common = frozenset(map(phrase_key, _names(_load("common_words.yaml").get("ar"), "common_words.yaml ar")))
    return PatternWords(
        tuple(triggers),
        words("skip"),
        words("not_names"),
        words("connectors"),
        titles_1,
        words("speech_ends"),
        common | (everyday_forms(common) - given_keys),
        tuple(
            (word, str(body.get("label", "")))
            for body in ((data.get("state_bodies") or {}).get("en") or [])
            for word in _names(body.get("words"), "patterns.yaml state_bodies en")
        ),
        words("facilities"),
        given_keys,
        frozenset(phrase_key(w) for w in _names(facilities.get("after_names"), where_after)),
    )


# Proclitic prepositions a name word never carries, and the stem length from which a word
# with one is read as that word: shorter stems make names (بدر، لمى).
_PREPOSITIONS = ("ب", "ل")
_MIN_STEM = 3
# Endings an everyday word's accusative (tanween) form has not: بطلا، برنامجا, but not
# سوريا from سوري or a name in ة.
_NO_ACCUSATIVE_AFTER = ("ا", "ة", "ى", "ي")


def everyday_forms(common: frozenset[str]) -> frozenset[str]:
    """The forms of everyday words that still end a name being read: with a preposition
    (بدور، لتدريبات) and in the accusative (ثالثا، برنامجا).

    common_words.yaml lists bare forms only, so "كريس كلارك بدور" read بدور as a surname.
    The caller removes given names (لاري is ل + اري "I see", and a name).
    """
    forms: set[str] = set()
    for word in common:
        if len(word) < _MIN_STEM or word.startswith("ال"):
            continue
        forms.update(p + word for p in _PREPOSITIONS)
        if not word.endswith(_NO_ACCUSATIVE_AFTER):
            forms.add(word + "ا")
    return frozenset(forms)


@dataclass(frozen=True, slots=True)
class PlaceCues:
    """Cue words before an unlisted place name, and the words they read (place_cues.yaml)."""

    name_cues: tuple[str, ...]  # the mention is the name after the cue (بلدة X -> X)
    whole_cues: tuple[str, ...]  # the mention takes the cue in too (حي X -> حي X)
    pair_cues: tuple[str, ...]  # dual cues, naming two places (بلدتي X وY)
    name_heads: frozenset[str]  # keys of first words of two-word names (كفر، بيت)
    not_names: frozenset[str]  # keys of words that follow a cue without naming a place


def load_place_cues() -> PlaceCues:
    """Place cue words, two-word name heads and the words that are no names (place_cues.yaml)."""
    data = _load("place_cues.yaml")
    spans: dict[str, tuple[str, ...]] = {"name": (), "cue": ()}
    pairs: tuple[str, ...] = ()
    for group in (data.get("cues") or {}).get("ar") or []:
        where = "place_cues.yaml cues"
        span = group.get("span") if isinstance(group, dict) else None
        if span not in spans:
            raise ConfigError(f"tagging data {where}: each group needs span: name or span: cue")
        words = _names(group.get("words"), where)
        spans[span] += words
        if group.get("pair", False) is True:
            pairs += words

    def keys(section: str) -> frozenset[str]:
        body = data.get(section) or {}
        return frozenset(phrase_key(w) for w in _names(body.get("ar"), f"place_cues.yaml {section}"))

    return PlaceCues(spans["name"], spans["cue"], pairs, keys("name_heads"), keys("not_names"))
