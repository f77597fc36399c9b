"""Tag a text: find gazetteer names, resolve ambiguity, and report countries, places, regions, actors."""

from __future__ import annotations

from functools import cache

from streams.tagging.gazetteer import Gazetteer, build_gazetteer
from streams.tagging.records import Mention, MentionKind, Tags
from streams.tagging.sources import Entry
from streams.text.lang import detect_language
from streams.text.matcher import Match, longest_non_overlapping


def _case_ok(match: Match[Entry]) -> bool:
    case = match.payload.case
    if case == "upper":
        return match.text == match.text.upper()
    if case == "title":
        return match.text[:1].isupper()
    return True


def _choose(readings: list[Entry], context: set[str]) -> Entry:
    """One reading of an ambiguous piece of text.

    Readings in a country the text mentions unambiguously come first (أريحا is Ariha in a
    story about Idlib, Jericho in one about the West Bank); then the better tier (a country
    over a curated place over an actor over a demonym over a GeoNames city), then the larger
    population.
    """
    in_context = [r for r in readings if r.country in context]
    pool = in_context or readings
    return min(pool, key=lambda r: (r.rank, r.ref))


class Tagger:
    """Tags texts against one compiled gazetteer; safe to share between threads."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer

    @classmethod
    def default(cls) -> Tagger:
        """The tagger over the shipped data, compiled on first use and then cached."""
        return _default()

    def tag(self, text: str, lang: str | None = None) -> Tags:
        """Tag `text`; `lang` is the feed's declared language, if any (used as a hint)."""
        found = [m for m in self._gazetteer.matcher.find(text) if _case_ok(m)]
        groups: dict[tuple[int, int], list[Match[Entry]]] = {}
        for match in longest_non_overlapping(found):
            groups.setdefault(match.extent, []).append(match)
        groups = {k: g for k, g in groups.items() if all(m.payload.kind != "block" for m in g)}
        context: set[str] = set()
        for group in groups.values():
            countries = {m.payload.country for m in group}
            if len(countries) == 1 and None not in countries:
                context.update(c for c in countries if c)
        resolved: list[tuple[Match[Entry], Entry]] = []
        for group in groups.values():
            entry = _choose([m.payload for m in group], context)
            resolved.append((next(m for m in group if m.payload is entry), entry))
        return self._tags(text, lang, resolved)

    def _tags(self, text: str, lang: str | None, resolved: list[tuple[Match[Entry], Entry]]) -> Tags:
        entries = [entry for _, entry in resolved]
        countries = {e.country for e in entries if e.kind != "actor" and e.country}
        places = {e.place for e in entries if e.place}
        actors = {e.actor.id: e.actor for e in entries if e.actor}
        mentions = sorted((_mention(m, e) for m, e in resolved), key=lambda m: (m.start, m.end))
        return Tags(
            lang=detect_language(text, lang),
            countries=tuple(sorted(countries)),
            places=tuple(sorted(places)),
            regions=self._gazetteer.regions(countries),
            actors=tuple(actors[k] for k in sorted(actors)),
            mentions=tuple(mentions),
        )


def _mention(match: Match[Entry], entry: Entry) -> Mention:
    if entry.actor is not None:
        actor = entry.actor
        return Mention(match.start, match.end, match.text, "actor", actor.id, actor.country, actor.type)
    kind: MentionKind = "demonym" if entry.kind == "demonym" else "place"
    return Mention(match.start, match.end, match.text, kind, entry.ref, entry.country)


@cache
def _default() -> Tagger:
    return Tagger(build_gazetteer())
